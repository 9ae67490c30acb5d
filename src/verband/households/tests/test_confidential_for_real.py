"""Confidential addresses for real (issue 11, item 3) and reports that never overwrite what is known
(item 4): a shelter address entered through the intake, the API or a configured shelter location is
confidential; it never routes, never reaches a routing reason, a timeline line or another partner; the
organisation that entered it manages it; a report's differing data waits for an involved professional."""

from datetime import date

import pytest

from verband.actors import SYSTEM
from verband.households.models import Address, AddressDecision, AddressDisclosure, Person
from verband.network.models import Organisation, Role, ShelterAddress, Team
from verband.sharing import services as sharing_services
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.signals import services
from verband.signals.models import Activation, Signal, SignalPerson, StatementState
from verband.signals.services import PersonInput, SignalInput
from verband.testing import FIVE_ANSWERS, actor_for, make_user

SHELTER = {"street": "Schuilhoflaan", "house_number": "3", "postcode": "1066XY", "city": "Testdorp"}


@pytest.fixture
def shelter(world):
    org = Organisation.objects.create(region=world.region, name="Opvang Testdorp", kind="shelter")
    team = Team.objects.create(organisation=org, name="Opvang intake")
    world.shelter_org = org
    world.shelter_worker = make_user("opvang", org, Role.PROFESSIONAL, team)
    return world


def mother_and_son(**person_changes) -> SignalInput:
    persons = [
        PersonInput(role="victim", given_names="Elif", family_name="Kaya", birth_year=1991, **SHELTER,
                    **person_changes),
        PersonInput(role="child", given_names="Mert", family_name="Kaya", birth_year=2017, **SHELTER,
                    **person_changes),
        PersonInput(role="perpetrator", given_names="Kemal", family_name="Kaya", birth_year=1988),
    ]  # fmt: skip
    return SignalInput(kind="report", description="Moeder en zoon zijn gevlucht.", persons=persons,
                       postcode=SHELTER["postcode"])  # fmt: skip


def route(actor, data) -> Signal:
    signal, _ = services.receive(actor, data)
    services.finish(signal.pk, actor)
    signal.refresh_from_db()
    return signal


def leaks(text: str) -> bool:
    return any(part in text for part in ("Schuilhoflaan", "1066", "Wijkteam Zuid"))


def assert_confidential_and_unrouted(signal: Signal, manager: Organisation) -> None:
    addresses = Address.objects.filter(person__signal_mentions__signal=signal, street="Schuilhoflaan")
    assert addresses.count() == 2
    assert all(a.confidential and a.managed_by_id == manager.pk for a in addresses)
    assert signal.postcode == ""
    for activation in Activation.objects.filter(signal=signal):
        assert not leaks(activation.reason) and not leaks(activation.party_name)
    for event in signal.household.events.all():
        assert not leaks(event.summary)


def test_a_shelter_report_is_confidential_whatever_is_ticked(shelter):
    signal = route(actor_for(shelter.shelter_worker), mother_and_son())
    assert_confidential_and_unrouted(signal, shelter.shelter_org)
    # Nobody covers an empty postcode: the routing desk decides, not the shelter's neighbourhood team.
    assert not Activation.objects.filter(signal=signal, team=shelter.team_a2).exists()


def test_the_reporters_tick_makes_it_confidential(world):
    signal = route(actor_for(world.other_org), mother_and_son(address_confidential=True))
    assert_confidential_and_unrouted(signal, world.org_b)


def test_a_configured_shelter_location_is_confidential(world):
    ShelterAddress.objects.create(region=world.region, postcode="1066 xy")
    signal = route(actor_for(world.other_org), mother_and_son())
    assert_confidential_and_unrouted(signal, world.org_b)


def test_api_confidential_flag(world, client):
    body = {
        "kind": "report",
        "description": "Moeder en zoon zijn gevlucht.",
        "postcode": SHELTER["postcode"],
        "persons": [
            {"role": "victim", "given_names": "Elif", "family_name": "Kaya", "confidential": True, **SHELTER},
            {"role": "perpetrator", "given_names": "Kemal", "family_name": "Kaya"},
        ],
    }
    response = client.post(
        "/api/v1/signals",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token_vt}",
    )
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(reference=response.json()["reference"])
    address = Address.objects.get(street="Schuilhoflaan")
    assert address.confidential and address.managed_by_id == world.org_vt.pk
    assert signal.postcode == ""
    assert "1066" not in response.content.decode()


def test_intake_checkbox(world, as_user):
    client = as_user(world.other_org)
    response = client.post(
        "/meldingen/nieuw/",
        {
            "kind": "report", "description": "Moeder is gevlucht.", "postcode": "1066XY",
            "personen-TOTAL_FORMS": "1", "personen-INITIAL_FORMS": "0", "personen-0-role": "victim",
            "personen-0-given_names": "Elif", "personen-0-family_name": "Kaya", "personen-0-sex": "unknown",
            "personen-0-street": "Schuilhoflaan", "personen-0-house_number": "3",
            "personen-0-postcode": "1066 XY", "personen-0-address_confidential": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    address = Address.objects.get(street="Schuilhoflaan")
    assert address.confidential
    assert Signal.objects.get().postcode == ""


def test_routing_follows_the_last_open_area_of_a_known_person(shelter):
    """Anna (known, 1012AB: Wijkteam Noord's area) reported by the shelter at its address in Zuid's area:
    routing uses her known area, the shelter address is only a statement."""
    data = mother_and_son()
    data.persons = [
        PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                    birth_year=1990, birth_month=1, birth_day=2, **SHELTER),
        PersonInput(role="child", given_names="Bram", surname_prefix="van", family_name="Dam"),
    ]  # fmt: skip
    signal, _ = services.receive(actor_for(shelter.shelter_worker), data)
    people = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    bram = Person.objects.get(given_names="Bram")
    services.confirm_recognition(
        actor_for(shelter.shelter_worker), signal, {people[0].pk: anna.pk, people[1].pk: bram.pk}
    )
    services.finish(signal.pk)
    signal.refresh_from_db()
    assert signal.postcode == "1012AB"
    assert signal.household == shelter.household
    # Known data unchanged; the shelter address waits as this signal's (confidential) statement.
    assert list(anna.addresses.values_list("street", flat=True)) == ["Dorpsstraat"]
    statement = SignalPerson.objects.get(signal=signal, person=anna)
    assert statement.statement == StatementState.PENDING and statement.address_confidential
    for activation in signal.activations.all():
        assert not leaks(activation.reason) and activation.team_id != shelter.team_a2.pk


def police_postcode_only():
    persons = [PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                           birth_year=1990, birth_month=1, birth_day=2, postcode="1013 ZZ")]  # fmt: skip
    return SignalInput(kind="police_registration", description="Melding via 112.", persons=persons)


def known_report(world, data):
    signal, _ = services.receive(actor_for(world.other_org), data)
    (sp,) = services.recognise(signal)
    services.confirm_recognition(
        actor_for(world.other_org), signal, {sp.pk: Person.objects.get(given_names="Anna").pk}
    )
    services.finish(signal.pk)
    return SignalPerson.objects.get(pk=sp.pk)


def test_a_partial_address_never_replaces_a_complete_one(world, as_user):
    sp = known_report(world, police_postcode_only())
    anna = Person.objects.get(given_names="Anna")
    assert anna.addresses.get().one_line == "Dorpsstraat 12, 1012AB Testdorp"
    assert sp.statement == StatementState.PENDING
    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/adressen/"
    page = client.get(url).content.decode()
    assert "1013ZZ" in page and "Dorpsstraat 12" in page  # the statement beside the known data
    response = client.post(url + "besluit/", {"action": "confirm", "id": sp.pk})
    assert response.status_code == 400
    assert "onvolledig adres vervangt nooit" in response.content.decode()
    assert anna.addresses.get().one_line == "Dorpsstraat 12, 1012AB Testdorp"
    assert client.post(url + "besluit/", {"action": "dismiss", "id": sp.pk}).status_code == 302
    sp.refresh_from_db()
    assert sp.statement == StatementState.DISMISSED and sp.statement_decided_by == world.involved
    assert AccessLogEntry.objects.filter(object_type="reported_statement", object_id=str(sp.pk)).exists()


def test_confirming_a_complete_address_keeps_the_history(world, as_user):
    data = police_postcode_only()
    data.persons[0].street, data.persons[0].house_number, data.persons[0].phone = "Kade", "8", "0612345678"
    sp = known_report(world, data)
    anna = Person.objects.get(given_names="Anna")
    assert anna.phone == ""  # nothing changed by the report itself
    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/adressen/"
    assert client.post(url + "besluit/", {"action": "confirm", "id": sp.pk}).status_code == 302
    anna.refresh_from_db()
    assert anna.phone == "0612345678"
    old, new = sorted(anna.addresses.all(), key=lambda a: a.pk)
    assert old.valid_until is not None and new.valid_until is None and new.street == "Kade"
    # A second answer to the same statement is refused.
    assert client.post(url + "besluit/", {"action": "dismiss", "id": sp.pk}).status_code == 404


def test_marking_disclosing_and_lifting(world, as_user):
    sharing_services.involve(SYSTEM, world.household, team=world.team_b1, purpose="protection",
                             legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    address = Address.objects.get(street="Dorpsstraat")
    url = f"/huishoudens/{world.household.reference}/adressen/"
    involved, police = as_user(world.involved), as_user(world.other_org)
    # A reason is needed: nothing changes without one.
    response = involved.post(url + "besluit/", {"action": "mark", "id": address.pk, "reason": "kort"})
    assert response.status_code == 400 and "reden" in response.content.decode().lower()
    address.refresh_from_db()
    assert not address.confidential
    assert involved.post(url + "besluit/", {"action": "mark", "id": address.pk,
                                            "reason": "Opvangadres na bedreiging"}).status_code == 302  # fmt: skip
    address.refresh_from_db()
    assert address.confidential and address.managed_by_id == world.org_a.pk
    household_page = police.get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert (
        "Dorpsstraat" not in household_page
        and "1012" not in household_page
        and "geheim adres" in household_page
    )
    # The police may not lift or disclose it: refused and logged.
    response = police.post(
        url + "besluit/", {"action": "lift", "id": address.pk, "reason": "Wij willen het zien"}
    )
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(object_type="address_lifted", outcome="denied").exists()
    # The managing organisation discloses it to the police, then revokes it.
    response = involved.post(url + "besluit/", {"action": "disclose", "id": address.pk, "organisation": world.org_b.pk,
                                                "reason": "Politie rijdt surveillance", **FIVE_ANSWERS})  # fmt: skip
    assert response.status_code == 302
    assert "Dorpsstraat" in police.get(f"/huishoudens/{world.household.reference}/").content.decode()
    response = involved.post(url + "besluit/", {"action": "revoke", "id": address.pk, "organisation": world.org_b.pk,
                                                "reason": "Surveillance gestopt"})  # fmt: skip
    assert response.status_code == 302
    assert "Dorpsstraat" not in police.get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert AddressDisclosure.objects.get(address=address, organisation=world.org_b).revoked_at is not None
    kinds = list(AddressDecision.objects.filter(address=address).values_list("kind", flat=True))
    assert kinds == ["marked", "disclosed", "revoked"]
    for what in ("marked", "disclosed", "revoked"):
        assert AccessLogEntry.objects.filter(object_type=f"address_{what}", outcome="granted").exists()


def test_disclosure_only_to_a_partner_of_the_household(world, as_user):
    address = Address.objects.get(street="Dorpsstraat")
    url = f"/huishoudens/{world.household.reference}/adressen/besluit/"
    client = as_user(world.involved)
    client.post(url, {"action": "mark", "id": address.pk, "reason": "Opvangadres na bedreiging"})
    response = client.post(url, {"action": "disclose", "id": address.pk, "organisation": world.org_b.pk,
                                 "reason": "Politie wil het weten", **FIVE_ANSWERS})  # fmt: skip
    assert response.status_code == 400
    assert not AddressDisclosure.objects.filter(organisation=world.org_b).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("involved", 200), ("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302)],
)
def test_addresses_page_personas(world, as_user, persona, status):
    user = getattr(world, persona) if persona != "anonymous" else None
    response = as_user(user).get(f"/huishoudens/{world.household.reference}/adressen/")
    assert response.status_code == status
    if status == 200:
        # One entry for the page, listing the household and its two members.
        entries = AccessLogEntry.objects.filter(object_type="addresses", outcome="granted")
        assert entries.count() == 1 and len(logged_subjects(entries)) == 3


@pytest.mark.parametrize("persona", ["colleague", "other_org", "manager", "anonymous"])
def test_address_decisions_refused_to_others(world, as_user, persona):
    user = getattr(world, persona) if persona != "anonymous" else None
    address = Address.objects.get(street="Dorpsstraat")
    response = as_user(user).post(
        f"/huishoudens/{world.household.reference}/adressen/besluit/",
        {"action": "mark", "id": address.pk, "reason": "Opvangadres na bedreiging"},
    )
    assert response.status_code in (302, 403, 404)
    address.refresh_from_db()
    assert not address.confidential


def test_experience_expert_reads_but_does_not_decide(world, as_user):
    expert = make_user("expert", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    address = Address.objects.get(street="Dorpsstraat")
    client = as_user(expert)
    assert client.get(f"/huishoudens/{world.household.reference}/adressen/").status_code == 200
    response = client.post(
        f"/huishoudens/{world.household.reference}/adressen/besluit/",
        {"action": "mark", "id": address.pk, "reason": "Opvangadres na bedreiging"},
    )
    assert response.status_code == 403


def test_an_address_of_another_household_is_not_found(world, as_user):
    stranger = Person.objects.get(given_names="Carla")
    other = Address.objects.create(person=stranger, street="Elders", house_number="1", postcode="1099AA")
    response = as_user(world.involved).post(
        f"/huishoudens/{world.household.reference}/adressen/besluit/",
        {"action": "mark", "id": other.pk, "reason": "Opvangadres na bedreiging"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.confidential
    assert AccessLogEntry.objects.filter(object_type="address", outcome="denied").exists()


def test_a_shelter_location_added_in_the_admin_makes_known_addresses_there_confidential(world, as_user):
    from django.contrib.auth.models import Permission

    shelter = Organisation.objects.create(region=world.region, name="Opvang Testdorp", kind="shelter")
    world.admin.user_permissions.set(Permission.objects.filter(content_type__app_label="network"))
    response = as_user(world.admin).post(
        "/beheer/django/network/shelteraddress/add/",
        {"region": world.region.pk, "organisation": shelter.pk, "postcode": "1012 ab", "house_number": "12b"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    address = Address.objects.get(street="Dorpsstraat")
    assert address.confidential and address.managed_by_id == shelter.pk
    assert AddressDisclosure.objects.filter(address=address, organisation=shelter).exists()
    assert AddressDecision.objects.filter(address=address, kind="marked").exists()
    assert AccessLogEntry.objects.filter(object_type="address_marked", username="beheer").exists()
    body = as_user(world.involved).get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert "Dorpsstraat" not in body and "geheim adres" in body
