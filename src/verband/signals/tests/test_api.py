"""POST /api/v1/signals with an Idempotency-Key, and the reporter's follow-up."""

import pytest

from verband.households.models import Person
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Signal
from verband.testing import confirm_likely


def payload(**changes):
    body = {
        "kind": "police_registration",
        "description": "Melding huiselijk geweld na 112-melding.",
        "acute_danger": False,
        "postcode": "1012AB",
        "persons": [
            {"role": "victim", "given_names": "Anna", "surname_prefix": "van", "family_name": "Dam",
             "date_of_birth": "1990-01"},
            {"role": "perpetrator", "family_name": "Vos"},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def post(client, token, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/signals", body, content_type="application/json", **headers)


def test_same_idempotency_key_twice_gives_one_signal(world, client):
    first = post(client, world.token_vt, payload(), key="VT-2026-000123")
    again = post(client, world.token_vt, payload(), key="VT-2026-000123")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert Signal.objects.count() == 1
    assert first.json()["status"] == "routed"
    conflict = post(client, world.token_vt, payload(description="Anders"), key="VT-2026-000123")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"


def test_without_a_key_each_post_is_a_signal(world, client):
    post(client, world.token_vt, payload())
    post(client, world.token_vt, payload())
    assert Signal.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons": []}, "persons"),
        ({"description": ""}, "description"),
        ({"kind": "gerucht"}, "kind"),
        (
            {"persons": [{"role": "victim", "family_name": "X", "date_of_birth": "1990-02-30"}]},
            "date_of_birth",
        ),
        ({"persons": [{"role": "victim", "family_name": "X", "bsn": "123456789"}]}, "bsn"),
        ({"postcode": "12345"}, "postcode"),
        ({"description": "nul\u0000byte"}, "description"),
        ({"persons": [{"role": "victim", "family_name": "X\u0000"}]}, "family_name"),
    ],
)
def test_invalid_input_is_a_structured_error_and_stores_nothing(world, client, change, field):
    response = post(client, world.token_vt, payload(**change))
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid" and any(field in map(str, d["loc"]) for d in body["details"])
    assert not Signal.objects.exists()


def test_unknown_birth_date_does_not_block(world, client):
    body = payload(persons=[{"role": "victim", "family_name": "Onbekend"}])
    assert post(client, world.token_vt, body).status_code == 201


@pytest.mark.parametrize(("token", "status"), [("token_a", 403), ("token_b", 403), (None, 401)])
def test_posting_needs_the_scope(world, client, token, status):
    response = post(client, getattr(world, token) if token else "nope", payload())
    assert response.status_code == status
    assert not Signal.objects.exists()


def test_reporter_sees_follow_up_and_others_get_not_found(world, client, as_user):
    reference = post(client, world.token_vt, payload(), key="k").json()["reference"]
    signal = Signal.objects.get(reference=reference)
    confirm_likely(world, signal)  # a likely match is taken up only once the reporting centre confirmed it
    activation = signal.activations.get(network=world.network)
    as_user(world.coordinator).post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
    body = client.get(f"/api/v1/signals/{reference}", HTTP_AUTHORIZATION=f"Bearer {world.token_vt}").json()
    assert [t["organisation"] for t in body["taken_up_by"]] == [
        "Het regionale netwerk"
    ]  # as on the page: never a network's name
    assert set(body) == {"reference", "status", "received_at", "taken_up_by", "feedback"}
    other = client.get(f"/api/v1/signals/{reference}", HTTP_AUTHORIZATION=f"Bearer {world.token_a}")
    assert other.status_code == 403  # no signals scope
    assert AccessLogEntry.objects.filter(object_type="signal_feedback", channel="api").exists()


def test_partial_birth_date_is_kept_as_given(world, client):
    post(
        client,
        world.token_vt,
        payload(persons=[{"role": "victim", "family_name": "Nieuw", "date_of_birth": "1985"}]),
    )
    assert Person.objects.get(family_name="Nieuw").birth_iso == "1985"
