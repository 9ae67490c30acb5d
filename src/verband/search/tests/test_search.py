"""The search page by persona: who finds what, and that an invisible household, a confidential address and
a shelter give the same answer as nothing at all."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verband.actors import SYSTEM
from verband.households.matching import index_person
from verband.households.models import Address, AddressDisclosure, Household, HouseholdMember, Person
from verband.network.models import Organisation, ShelterAddress
from verband.search import selectors
from verband.search.query import parse
from verband.search.selectors import search, visible_members
from verband.sharing import services as sharing_services
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.shielding.members import scope_involvement
from verband.shielding.scope import members_of
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.signals.models import Signal
from verband.testing import actor_for

NOTHING = "Geen resultaten"


@pytest.fixture
def region(family):  # noqa: F811
    """The test world with Dirk (probation works with him only) and Ingrid van den Berg, born 12-03-1988,
    in a household of her own that the neighbourhood team Noord works with; every person indexed."""
    w = family
    ingrid = Person.objects.create(
        given_names="Ingrid", surname_prefix="van den", family_name="Berg", birth_year=1988, birth_month=3,
        birth_day=12, bsn="111222333",
    )  # fmt: skip
    Address.objects.create(person=ingrid, street="Lindelaan", house_number="7", postcode="1020CD")
    w.berg = Household.objects.create(reference="HH-T-0003", region=w.region)
    HouseholdMember.objects.create(household=w.berg, person=ingrid, role="victim")
    sharing_services.involve(
        SYSTEM, w.berg, team=w.team_a1, purpose="help", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    w.ingrid = ingrid
    for person in Person.objects.all():
        index_person(person)
    return w


def page(client, q: str) -> str:
    response = client.get("/zoeken/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def results(body: str) -> str:
    """The results section only (the header, the box and the query are left out)."""
    found = re.search(r'<section aria-labelledby="results-heading">.*?</section>', body, re.S)
    return found.group(0) if found else ""


def without_query(body: str, q: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'<p class="hint" id="search-page-hint">.*?</p>', "", body)
    return body.replace(quote_plus(q), "Q").replace(q, "Q")


# --- Names, birth dates, BSN, references --------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "Ingried van der Berg 12-03-1988",
        "Ingried vd Berg",
        "Ingrid van den Berg",
        "Berg, Ingrid van den",
        "ingrid v.d. berg 12-3-1988",
        "Ingrid Berg 03-12-1988",  # day and month swapped
        "van den Berg",
        "12-03-1988",
        "111222333",
        "1112.22.333",
        "HH-T-0003",
        "hh-t-0003",
        "1020 CD 7",
        "1020CD",
        "Lindelaan 7",
    ],
)
def test_the_involved_professional_finds_ingrid_by_what_she_types(region, as_user, q):
    body = results(page(as_user(region.involved), q))
    assert "Ingrid van den Berg" in body and "HH-T-0003" in body, q
    assert "12-03-1988" in body and "Slachtoffer" in body
    assert "/huishoudens/HH-T-0003/" in body


def test_a_birth_date_narrows_a_name(region, as_user):
    client = as_user(region.involved)
    assert "Ingrid van den Berg" in results(page(client, "Ingried van der Berg 12-03-1988"))
    assert NOTHING in results(page(client, "Ingried van der Berg 14-07-1975"))


def test_names_that_are_not_alike_are_no_hit(region, as_user):
    client = as_user(region.involved)
    for q in ("Petra van den Bosch", "Ingrid Zwart", "Kees"):
        assert NOTHING in results(page(client, q)), q


def test_a_signal_reference_finds_its_household(region, as_user):
    Signal.objects.create(
        reference="SG-T-0009", region=region.region, kind="report", channel="web", description="Zorg",
        household=region.berg,
    )  # fmt: skip
    body = results(page(as_user(region.involved), "SG-T-0009"))
    assert "HH-T-0003" in body and "Ingrid van den Berg" in body
    assert NOTHING in results(page(as_user(region.colleague), "SG-T-0009"))


def test_a_reference_shows_the_members_the_professional_may_see(region, as_user):
    body = results(page(as_user(region.involved), "HH-T-0001"))
    assert all(name in body for name in ("Anna van Dam", "Bram van Dam", "Dirk Vos"))


# --- Who may see what ------------------------------------------------------------------------------------


QUERIES = [
    "Ingried van der Berg 12-03-1988",
    "111222333",
    "HH-T-0003",
    "1020CD 7",
    "Lindelaan 7",
    "12-03-1988",
]


@pytest.mark.parametrize("q", QUERIES)
def test_an_invisible_household_gives_the_same_answer_as_nothing(region, as_user, q):
    """The colleague of another team, and the police, do not work with Ingrid: the page is the page of a
    search that finds no one, to the byte (but for the query)."""
    nobody = "Xaverius Qwertyuiop"
    for user in (region.colleague, region.other_org, region.probation):
        client = as_user(user)
        found, empty = page(client, q), page(client, nobody)
        assert NOTHING in results(found)
        assert without_query(found, q) == without_query(empty, nobody), (user, q)


def test_the_member_scoped_partner_finds_only_his_member(region, as_user):
    client = as_user(region.probation)
    for q in ("Anna van Dam", "Bram van Dam", "02-01-1990", "1012AB 12", "Dorpsstraat 12"):
        assert NOTHING in results(page(client, q)), q
    body = results(page(client, "Dirk Vos"))
    assert "Dirk Vos" in body and "HH-T-0001" in body
    body = results(page(client, "HH-T-0001"))
    assert "Dirk Vos" in body and "Anna" not in body and "Bram" not in body
    assert "Dirk Vos" in results(page(client, "Kerkstraat 4"))
    assert "Dirk Vos" in results(page(client, "1050 AA 4"))


def test_an_address_shielded_from_the_partners_member_is_not_found(region, as_user):
    """Probation works with Dirk and Bram (the child): Bram's address is kept from Dirk by default, so a
    search for it finds nothing for probation, while Bram himself is found by name."""
    Address.objects.create(person=region.bram, street="Schoolstraat", house_number="3", postcode="1013EF")
    involvement = region.household.involvements.get(team__name="Reclassering Team Zuid")
    scope_involvement(involvement, [region.bram.pk])
    client = as_user(region.probation)
    assert "Bram van Dam" in results(page(client, "Bram van Dam"))
    assert NOTHING in results(page(client, "1013EF 3"))
    assert NOTHING in results(page(client, "Schoolstraat 3"))
    assert "Bram van Dam" in results(page(as_user(region.involved), "1013EF 3"))


def test_a_confidential_address_is_never_a_way_to_her_household(region, as_user):
    """Anna's address becomes confidential (managed by a shelter, not disclosed to the neighbourhood team).
    Bram still has an open address at the same place: searching it must not find the household through
    him. The shelter, to which it is disclosed and which works with the household, does find her."""
    anna_address = Address.objects.get(person=region.anna)
    shelter = Organisation.objects.create(region=region.region, name="Blijf", kind="shelter")
    Address.objects.filter(pk=anna_address.pk).update(confidential=True, managed_by=shelter)
    AddressDisclosure.objects.create(address=anna_address, organisation=shelter, basis="test")
    Address.objects.create(person=region.bram, street="Dorpsstraat", house_number="12", postcode="1012AB")
    client = as_user(region.involved)
    for q in ("1012AB 12", "1012 AB", "Dorpsstraat 12"):
        assert NOTHING in results(page(client, q)), q
    # By name the household is found as before: the address is what is kept, not the household.
    assert "Anna van Dam" in results(page(client, "Anna van Dam"))
    # The organisation the address is disclosed to finds her at it.
    AddressDisclosure.objects.create(address=anna_address, organisation=region.org_a, basis="test")
    Address.objects.filter(person=region.bram, postcode="1012AB").update(
        confidential=True, managed_by=shelter
    )
    for address in Address.objects.filter(person=region.bram, postcode="1012AB"):
        AddressDisclosure.objects.create(address=address, organisation=region.org_a, basis="test")
    assert "Anna van Dam" in results(page(client, "1012AB 12"))


def test_a_shelter_location_finds_no_one(region, as_user):
    """An open address at a configured shelter location (not yet marked confidential) is never a hit."""
    ShelterAddress.objects.create(region=region.region, postcode="1012AB", house_number="12")
    client = as_user(region.involved)
    assert NOTHING in results(page(client, "1012AB 12"))
    assert NOTHING in results(page(client, "Dorpsstraat 12"))


def test_visible_members_is_the_member_scope_in_sql(region):
    for user in (region.involved, region.colleague, region.other_org, region.probation, region.coordinator):
        actor = actor_for(user)
        in_sql = set(visible_members(actor).values_list("household_id", "person_id"))
        expected = set()
        for household in Household.objects.all():
            from verband.sharing.access import visible_involvements

            mine = list(
                visible_involvements(actor).filter(household=household).prefetch_related("scoped_members")
            )
            if not mine:
                continue
            whole, persons = members_of(mine)
            for member in household.members.all():
                if whole or member.person_id in persons:
                    expected.add((household.pk, member.person_id))
        assert in_sql == expected, user


# --- Bad input, the cap, the roles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("123456789", "elfproef"),
        ("31-02-1988", "geen datum"),
        ("12", "huisnummer alleen"),
        ("x" * 61, "hooguit 60 tekens"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_keeps_what_was_typed(region, as_user, q, message):
    body = page(as_user(region.involved), q)
    assert message in body.lower()
    assert 'aria-invalid="true"' in body
    assert f'value="{q[:60]}"' in body


def test_results_are_capped_with_a_hint(region, as_user, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 2)
    for n in range(4):
        home = Household.objects.create(reference=f"HH-T-01{n:02d}", region=region.region)
        person = Person.objects.create(given_names="Kees", family_name="Jansen", birth_year=1970 + n)
        HouseholdMember.objects.create(household=home, person=person, role="parent")
        sharing_services.involve(SYSTEM, home, team=region.team_a1, purpose="help", legal_basis="legal_task",
                                 started_on=date(2026, 1, 5))  # fmt: skip
        index_person(person)
    body = results(page(as_user(region.involved), "Kees Jansen"))
    assert body.count("Kees Jansen") == 2
    assert "verfijn je zoekopdracht" in body.lower()


def test_signed_out_goes_to_sign_in_and_other_roles_are_refused(region, as_user):
    response = as_user(None).get("/zoeken/", {"q": "Anna van Dam"})
    assert response.status_code == 302 and response["Location"].startswith("/aanmelden/")
    for user in (region.manager, region.privacy_officer):
        assert as_user(user).get("/zoeken/", {"q": "Anna van Dam"}).status_code == 403


def test_the_header_has_the_search_box_for_professionals(region, as_user):
    body = as_user(region.involved).get("/mijn-werk/").content.decode()
    assert 'role="search"' in body and 'for="header-search-q"' in body and ">Zoeken<" in body
    body = as_user(region.privacy_officer).get("/toegangslog/").content.decode()
    assert "header-search-q" not in body


def test_the_empty_page_shows_the_box_and_logs_nothing(region, as_user):
    before = AccessLogEntry.objects.count()
    body = page(as_user(region.involved), "")
    assert 'id="search-page-q"' in body and "results-heading" not in body
    assert AccessLogEntry.objects.count() == before


# --- The access log -------------------------------------------------------------------------------------


def test_every_search_is_logged_with_what_was_typed_and_whom_it_showed(region, as_user):
    page(as_user(region.involved), "Ingried vd Berg")
    entry = AccessLogEntry.objects.filter(username="involved", action="search").latest("pk")
    assert entry.object_type == "search" and entry.object_id == "Ingried vd Berg"
    subjects = logged_subjects(AccessLogEntry.objects.filter(pk=entry.pk))
    assert {(s.household_id, s.person_id) for s in subjects} == {
        (region.berg.pk, None),
        (region.berg.pk, region.ingrid.pk),
    }
    assert entry.basis.startswith("involvement:")


def test_a_curious_colleague_is_traceable_though_she_found_nothing(region, as_user):
    """Looking up a neighbour who is no client of hers: no result, but the log keeps what she typed."""
    page(as_user(region.colleague), "Ingrid van den Berg 12-03-1988")
    entry = AccessLogEntry.objects.filter(username="colleague", action="search").latest("pk")
    assert entry.object_id == "Ingrid van den Berg 12-03-1988"
    assert entry.subject_household_id is None and entry.subject_person_id is None
    assert not entry.subjects.exists()


def test_the_member_scoped_partner_is_logged_for_his_member_only(region, as_user):
    page(as_user(region.probation), "HH-T-0001")
    entry = AccessLogEntry.objects.filter(username="reclassering", action="search").latest("pk")
    persons = {s.person_id for s in logged_subjects(AccessLogEntry.objects.filter(pk=entry.pk))}
    assert persons == {None, region.dirk.pk}


# --- Speed by design ------------------------------------------------------------------------------------


def _households(region, count: int, start: int) -> None:
    for n in range(start, start + count):
        home = Household.objects.create(reference=f"HH-T-1{n:03d}", region=region.region)
        person = Person.objects.create(given_names="Kees", family_name="Jansen", birth_year=1950 + n)
        child = Person.objects.create(given_names=f"Kind{n}", family_name="Jansen", birth_year=2015)
        HouseholdMember.objects.create(household=home, person=person, role="parent")
        HouseholdMember.objects.create(household=home, person=child, role="child")
        sharing_services.involve(SYSTEM, home, team=region.team_a1, purpose="help", legal_basis="legal_task",
                                 started_on=date(2026, 1, 5))  # fmt: skip
        index_person(person)
        index_person(child)


@pytest.mark.parametrize("q", ["Kees Jansen", "Jansen", "HH-T-1000", "1010ZZ"])
def test_the_number_of_queries_does_not_grow_with_the_results(region, as_user, q):
    client = as_user(region.involved)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/zoeken/", {"q": q}).status_code == 200
        return len(captured)

    _households(region, 2, 0)
    for person in Person.objects.filter(family_name="Jansen"):
        Address.objects.create(person=person, street="Laan", house_number=str(person.pk), postcode="1010ZZ")
    queries()
    few = queries()
    _households(region, 8, 2)
    for person in Person.objects.filter(family_name="Jansen", addresses__isnull=True):
        Address.objects.create(person=person, street="Laan", house_number=str(person.pk), postcode="1010ZZ")
    assert queries() == few


def test_the_search_reads_a_bounded_set(region, monkeypatch):
    """However many persons share a key, at most MAX_CANDIDATES reach Python, and then it says so."""
    monkeypatch.setattr(selectors, "MAX_CANDIDATES", 3)
    _households(region, 5, 0)
    outcome = search(actor_for(region.involved), parse("Jansen"))
    assert len({hit.person.pk for r in outcome.results for hit in r.persons}) <= 3 and outcome.more


def test_misspelled_names_find_the_persons_of_the_test_world(region, as_user):
    """The every-person-logged test asks the search with these: they must find someone to prove anything."""
    assert "Anna van Dam" in results(page(as_user(region.involved), "Anne van Dam"))
    assert "Dirk Vos" in results(page(as_user(region.involved), "Dirck Voss"))
    assert "Dirk Vos" in results(page(as_user(region.probation), "Dirck Voss"))
