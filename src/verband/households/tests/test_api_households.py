"""The households API: a token sees only what its organisation is involved with; everything else is a
structured 404; every answer with personal data is logged."""

import pytest

from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry


def _get(client, path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, **headers)


@pytest.mark.parametrize(
    ("who", "status"),
    [("token_a", 200), ("token_b", 404), ("token_a_network_only", 403), (None, 401)],
)
def test_household_detail_per_token(world, client, who, status):
    token = getattr(world, who) if who else None
    response = _get(client, "/api/v1/households/HH-T-0001", token)
    assert response.status_code == status
    body = response.json()
    if status == 200:
        assert body["reference"] == "HH-T-0001"
        assert {m["name"] for m in body["members"]} == {"Anna van Dam", "Bram van Dam"}
        assert body["involvements"][0]["purpose"] == "help"
    else:
        assert set(body) == {"error"}
        assert body["error"]["code"] in {"not_found", "forbidden", "unauthorized"}
        assert "Anna" not in response.content.decode()


def test_list_contains_only_involved_households_and_is_logged(world, client):
    body = _get(client, "/api/v1/households", world.token_b).json()
    assert [h["reference"] for h in body] == ["HH-T-0002"]
    entries = AccessLogEntry.objects.filter(channel="api", action="list")
    assert {(s.household_id, s.person_id) for s in logged_subjects(entries)} == {
        (world.other_household.pk, None),
        (world.other_household.pk, world.other_household.members.get().person_id),
    }
    entry = entries.first()
    assert entry.organisation_name == "Politie Testdorp"
    assert entry.token_id is not None and entry.role == "api_client"


def test_refused_detail_is_logged_as_denied(world, client):
    _get(client, "/api/v1/households/HH-T-0001", world.token_b)
    assert AccessLogEntry.objects.filter(channel="api", outcome="denied", object_id="HH-T-0001").exists()


def test_revoked_and_unknown_tokens_are_refused(world, client):
    from django.utils import timezone

    from verband.accounts.models import ApiToken

    ApiToken.objects.filter(organisation=world.org_a, name="Systeem A").update(revoked_at=timezone.now())
    assert _get(client, "/api/v1/households", world.token_a).status_code == 401
    assert _get(client, "/api/v1/households", "vbd_nonsense").status_code == 401


def test_session_login_does_not_open_the_api(world, as_user):
    """The API is for systems with tokens; a browser session of a person is no API credential."""
    response = as_user(world.involved).get("/api/v1/households")
    assert response.status_code == 401


@pytest.mark.parametrize("reference", ["HH%00T", "%00", "a" * 300, "HH-T-0001%0A"])
def test_odd_references_are_simply_not_found(world, client, as_user, reference):
    response = _get(client, f"/api/v1/households/{reference}", world.token_a)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert as_user(world.involved).get(f"/huishoudens/{reference}/").status_code == 404
    denied = AccessLogEntry.objects.filter(outcome="denied")
    assert denied.count() == 2
    assert all(entry.object_id.isprintable() and entry.path.isprintable() for entry in denied)
