"""The household page: only through an involvement; everyone else gets "not found", and every look —
granted or refused — is in the access log."""

import pytest
from django.urls import reverse

from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry

EXPECTED = {"involved": 200, "colleague": 404, "other_org": 404, "manager": 403, "anonymous": 302}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_household_page_per_persona(world, as_user, persona):
    user = world.personas()[persona]
    response = as_user(user).get(reverse("households:detail", args=[world.household.reference]))
    assert response.status_code == EXPECTED[persona]
    body = response.content.decode()
    if EXPECTED[persona] == 200:
        assert "Anna van Dam" in body
    else:
        assert "Anna van Dam" not in body


def test_granted_view_is_logged_for_household_and_each_member(world, as_user):
    as_user(world.involved).get(reverse("households:detail", args=[world.household.reference]))
    entries = AccessLogEntry.objects.filter(username="involved", object_type="household", action="view")
    assert entries.count() == 1  # one entry for the page, listing the household and its two members
    entry = entries.first()
    assert entry.outcome == "granted"
    assert entry.organisation_name == "Wijkteams Testdorp"
    assert entry.role == "professional"
    assert entry.subject_household_id == world.household.pk
    assert entry.basis.startswith("involvement:")
    assert {s.person_id for s in logged_subjects(entries)} == {
        None,
        *world.household.members.values_list("person_id", flat=True),
    }


def test_refused_view_is_logged_as_denied(world, as_user):
    as_user(world.colleague).get(reverse("households:detail", args=[world.household.reference]))
    entry = AccessLogEntry.objects.get(username="colleague")
    assert entry.outcome == "denied"
    assert entry.subject_household_id == world.household.pk


def test_unknown_reference_is_not_found_and_logged(world, as_user):
    response = as_user(world.involved).get(reverse("households:detail", args=["HH-BESTAAT-NIET"]))
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()
    assert AccessLogEntry.objects.filter(
        username="involved", outcome="denied", object_id="HH-BESTAAT-NIET"
    ).exists()


def test_ended_involvement_closes_access(world, as_user):
    world.household.involvements.update(ended_on="2026-02-01")
    response = as_user(world.involved).get(reverse("households:detail", args=[world.household.reference]))
    assert response.status_code == 404


def test_network_involvement_opens_to_network_members_only(world, as_user):
    from datetime import date

    from verband.actors import SYSTEM
    from verband.sharing import services

    url = reverse("households:detail", args=[world.other_household.reference])
    assert as_user(world.coordinator).get(url).status_code == 404
    services.involve(
        SYSTEM,
        world.other_household,
        network=world.network,
        purpose="case_direction",
        legal_basis="covenant",
        started_on=date(2026, 3, 1),
    )
    assert as_user(world.coordinator).get(url).status_code == 200
    assert as_user(world.involved).get(url).status_code == 404

    world.network.active = False
    world.network.save()
    assert as_user(world.coordinator).get(url).status_code == 404


def test_closed_team_no_longer_opens_its_households(world, as_user, client):
    url = reverse("households:detail", args=[world.household.reference])
    assert as_user(world.involved).get(url).status_code == 200
    world.team_a1.active = False
    world.team_a1.save()
    assert as_user(world.involved).get(url).status_code == 404
    api = client.get(
        f"/api/v1/households/{world.household.reference}", HTTP_AUTHORIZATION=f"Bearer {world.token_a}"
    )
    assert api.status_code == 404


def _hide_annas_address(world):
    from verband.households.models import Address

    address = Address.objects.get(person__given_names="Anna")
    address.street, address.house_number, address.postcode = "Geheimeweg", "7", "1013CD"
    address.confidential = True
    address.save()
    return address


def test_confidential_address_shows_as_geheim_adres(world, as_user):
    _hide_annas_address(world)
    body = as_user(world.involved).get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert "geheim adres" in body
    assert "Geheimeweg" not in body and "1013" not in body


def test_authorised_organisation_sees_the_confidential_address(world, as_user):
    from verband.households.models import AddressDisclosure

    address = _hide_annas_address(world)
    AddressDisclosure.objects.create(address=address, organisation=world.org_a, basis="Opvang: noodzakelijk")
    body = as_user(world.involved).get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert "Geheimeweg 7" in body


def test_household_page_shows_relations_timeline_and_contacts(world, as_user):
    from verband.households.models import HouseholdEvent

    HouseholdEvent.objects.create(household=world.household, kind="note", summary="Huisbezoek gepland")
    world.team_a1.phone = "010-5550001"
    world.team_a1.save()
    body = as_user(world.involved).get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert "Ouder van" in body and "<svg" in body
    assert "Huisbezoek gepland" in body
    assert "010-5550001" in body
    assert "Dorpsstraat 12, 1012AB Testdorp" in body


def test_household_page_query_count_does_not_grow_with_the_timeline(
    world, as_user, django_assert_max_num_queries
):
    """Neither the timeline nor the safety history, danger facts or regie history add queries per row."""
    from verband.households.models import HouseholdEvent
    from verband.safety.models import DangerFact, SafetyAssessment, SafetyScore

    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/"
    client.get(url)
    HouseholdEvent.objects.bulk_create(
        [HouseholdEvent(household=world.household, kind="note", summary=f"Notitie {n}") for n in range(200)]
    )
    persons = list(world.household.members.values_list("person_id", flat=True))
    for n in range(12):
        assessment = SafetyAssessment.objects.create(
            household=world.household, acute=False, structural=True, phase="direct", organisation=world.org_vt
        )
        SafetyScore.objects.bulk_create(
            SafetyScore(assessment=assessment, person_id=p, professional=1 + n % 10) for p in persons
        )
    DangerFact.objects.bulk_create(DangerFact(household=world.household, kind="weapon") for _n in range(5))
    # 41: the pending reported data (1), the shielding scope (whose involvements, scoped members, shield
    # decisions: 3), the member names for the shield labels of the safety and collaboration panels (2),
    # how often the household was reported (1), the Werkbak's count in the menu (1) and the household door's
    # open questions and latest feedback (2) are constant per page.
    with django_assert_max_num_queries(41):
        assert client.get(url).status_code == 200


def test_involved_professional_records_a_relation(world, as_user):
    from verband.households.models import Relation
    from verband.sharing.models import AccessLogEntry

    anna = world.household.members.get(role="victim").person
    bram = world.household.members.get(role="child").person
    Relation.objects.all().delete()
    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/relaties/"
    response = client.post(url, {"person": anna.pk, "other": bram.pk, "kind": "parent_of"})
    assert response.status_code == 302
    assert Relation.objects.filter(person=anna, other=bram, kind="parent_of").exists()
    assert AccessLogEntry.objects.about(person_id=bram.pk).filter(object_type="relation").exists()
    same = client.post(url, {"person": anna.pk, "other": anna.pk, "kind": "sibling"})
    assert same.status_code == 200 and "Kies twee verschillende personen." in same.content.decode()
    stranger = world.other_household.members.get().person
    outside = client.post(url, {"person": anna.pk, "other": stranger.pk, "kind": "partner"})
    assert "Beide personen moeten gezinslid zijn" in outside.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302)]
)
def test_others_cannot_record_relations(world, as_user, persona, status):
    from verband.households.models import Relation

    anna = world.household.members.get(role="victim").person
    bram = world.household.members.get(role="child").person
    before = Relation.objects.count()
    response = as_user(world.personas()[persona]).post(
        f"/huishoudens/{world.household.reference}/relaties/",
        {"person": anna.pk, "other": bram.pk, "kind": "sibling"},
    )
    assert response.status_code == status and Relation.objects.count() == before


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_whole_timeline_per_persona_and_paged(world, as_user, persona):
    from verband.households.models import HouseholdEvent

    HouseholdEvent.objects.bulk_create(
        [HouseholdEvent(household=world.household, kind="note", summary=f"Notitie {n}") for n in range(130)]
    )
    user = getattr(world, persona) if persona != "anonymous" else None
    client = as_user(user)
    response = client.get(f"/huishoudens/{world.household.reference}/tijdlijn/")
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        body = response.content.decode()
        assert body.count("<li><time") == 100 and "pagina 1 van 2" in body
        assert (
            client.get(f"/huishoudens/{world.household.reference}/tijdlijn/?pagina=2")
            .content.decode()
            .count("<li><time")
            == 30
        )
        page = client.get(f"/huishoudens/{world.household.reference}/").content.decode()
        assert page.count("<li><time") == 50 and "De hele tijdlijn" in page
