"""A confidential address never reaches anyone not explicitly authorised: walk every page and API answer
of intake, recognition, routing and the household as each persona, and the access log."""

import pytest

from verband.households.models import Address, AddressDisclosure
from verband.sharing.models import AccessLogEntry
from verband.signals import services
from verband.signals.models import Signal
from verband.signals.tests.test_services import report_about_anna
from verband.testing import actor_for

SECRET = ("Geheimeweg", "1013CD")


@pytest.fixture
def hidden(world):
    address = Address.objects.get(person__given_names="Anna")
    address.street, address.house_number, address.postcode, address.confidential = (
        SECRET[0],
        "7",
        SECRET[1],
        True,
    )
    address.save()
    AddressDisclosure.objects.create(address=address, organisation=world.org_vt, basis="Opvang")
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    victim, perpetrator = services.recognise(signal)
    anna = address.person_id
    services.confirm_recognition(actor_for(world.other_org), signal, {victim.pk: anna, perpetrator.pk: None})
    services.finish(signal.pk)
    signal.refresh_from_db()
    for activation in signal.activations.all():  # everyone activated takes it up
        user = world.vt if activation.team_id == world.team_vt.pk else world.coordinator
        if activation.team_id == world.team_a1.pk:
            user = world.involved
        services.accept(actor_for(user), activation)
    assert signal.household == world.household
    return signal


def pages(signal):
    household = signal.household.reference
    return [
        f"/huishoudens/{household}/",
        f"/meldingen/{signal.reference}/",
        "/werkbak/",
        "/mijn-werk/",
        "/meldingen/nieuw/",
    ]


@pytest.mark.parametrize(
    "persona", ["involved", "colleague", "other_org", "manager", "coordinator", "anonymous"]
)
def test_no_page_shows_the_address_to_the_unauthorised(world, as_user, hidden, persona):
    user = getattr(world, persona) if persona != "anonymous" else None
    client = as_user(user)
    for url in pages(hidden):
        body = client.get(url, follow=True).content.decode()
        assert SECRET[0] not in body and SECRET[1] not in body, url


def test_the_authorised_organisation_sees_it(world, as_user, hidden):
    body = as_user(world.vt).get(f"/huishoudens/{hidden.household.reference}/").content.decode()
    assert SECRET[0] in body


def test_recognition_step_masks_it(world, as_user, hidden):
    client = as_user(world.involved)
    url = client.post(
        "/meldingen/nieuw/",
        {
            "kind": "report", "description": "Nog een zorg.", "postcode": "1012AB",
            "personen-TOTAL_FORMS": "1", "personen-INITIAL_FORMS": "0", "personen-0-role": "victim",
            "personen-0-given_names": "Anna", "personen-0-surname_prefix": "van", "personen-0-family_name": "Dam",
            "personen-0-birth_year": "1990", "personen-0-birth_month": "1", "personen-0-birth_day": "2",
            "personen-0-sex": "unknown",
        },
    )["Location"]  # fmt: skip
    body = client.get(url).content.decode()
    # The reporter learns nothing from it: not the address, not that there is one, and no address reason.
    assert "Anna van Dam" in body and "geheim adres" not in body
    assert SECRET[0] not in body and SECRET[1] not in body
    assert "zelfde adres" not in body and "zelfde postcode" not in body


@pytest.mark.parametrize("token", ["token_a", "token_b", "token_a_network_only"])
def test_no_api_answer_shows_it(world, client, hidden, token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {getattr(world, token)}"}
    for url in [
        "/api/v1/households",
        f"/api/v1/households/{hidden.household.reference}",
        f"/api/v1/signals/{hidden.reference}",
    ]:
        body = client.get(url, **headers).content.decode()
        assert SECRET[0] not in body and SECRET[1] not in body, url


def test_api_shows_it_to_the_authorised_only(world, client, hidden):
    body = client.get(
        f"/api/v1/households/{hidden.household.reference}", HTTP_AUTHORIZATION=f"Bearer {world.token_vt}"
    ).json()
    anna = next(p for p in body["persons"] if p["name"] == "Anna van Dam")
    assert SECRET[0] in anna["address"]
    other = client.get(
        f"/api/v1/households/{hidden.household.reference}", HTTP_AUTHORIZATION=f"Bearer {world.token_a}"
    ).json()
    assert next(p for p in other["persons"] if p["name"] == "Anna van Dam")["address"] == "geheim adres"


def test_the_access_log_and_admin_labels_never_hold_it(world, as_user, hidden):
    as_user(world.vt).get(f"/huishoudens/{hidden.household.reference}/")
    for entry in AccessLogEntry.objects.all():
        assert SECRET[0] not in f"{entry.object_id} {entry.path} {entry.basis}"
    assert str(Address.objects.get(street=SECRET[0])) == "geheim adres"
    assert Signal.objects.filter(postcode__startswith="1013").count() == 0
