"""The caseload list (/huishoudens/): who sees which households in which tab, the columns, filter and sort,
paging, the exports (CSV, XLSX), what a member-scoped partner gets, logging, and the query count."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from verband.actors import SYSTEM
from verband.collaboration.models import AgendaItem, CaseMeeting
from verband.households.models import Address, Household, HouseholdMember, Person
from verband.network.models import Organisation, Role, Team
from verband.plans.models import FamilyPlan, PlanAction, Regie
from verband.safety.models import DangerFact, SafetyAssessment
from verband.sharing import services as sharing_services
from verband.sharing.models import AccessLogEntry, Involvement
from verband.shielding.members import scope_involvement
from verband.shielding.models import ShieldDecision
from verband.testing import make_user

URL = "/huishoudens/"
TODAY = timezone.localdate()


def _body(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def _table(body: str) -> str:
    """The list itself (not the filter form or the menu)."""
    return body.split('<table class="table caseload">')[1].split("</table>")[0] if "caseload" in body else ""


def _regie(world, household, user, organisation=None) -> Regie:
    membership = user.memberships.get()
    return Regie.objects.create(
        household=household,
        user=user,
        membership=membership,
        organisation=organisation or membership.organisation,
        mandated_by=user,
    )


def _action(world, household, text, due, **extra) -> PlanAction:
    plan = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})[0]
    extra.setdefault("owner_organisation", world.org_a)
    return PlanAction.objects.create(plan=plan, text=text, due_on=due, **extra)


def _assess(household, phase, organisation, days_ago=0) -> SafetyAssessment:
    return SafetyAssessment.objects.create(
        household=household,
        acute=False,
        structural=True,
        phase=phase,
        organisation=organisation,
        assessed_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def family(world):
    """Anna (victim) and Bram (child) with Dirk (perpetrator); probation works with Dirk only."""
    dirk = Person.objects.create(given_names="Dirk", family_name="Vos", birth_year=1988)
    Address.objects.create(person=dirk, street="Kerkstraat", house_number="4", postcode="1050AA")
    HouseholdMember.objects.create(household=world.household, person=dirk, role="perpetrator")
    probation = Organisation.objects.create(
        region=world.region, name="Reclassering Testdorp", kind="probation"
    )
    team = Team.objects.create(organisation=probation, name="Reclassering Team Zuid")
    involvement = sharing_services.involve(
        SYSTEM, world.household, team=team, purpose="criminal_justice", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    scope_involvement(involvement, [dirk.pk])
    world.dirk = dirk
    world.anna = Person.objects.get(given_names="Anna")
    world.probation_org = probation
    world.probation = make_user("reclassering", probation, Role.PROFESSIONAL, team)
    return world


# --- who sees what ---------------------------------------------------------------------------------


def test_signed_out_is_sent_to_sign_in_also_for_an_export(world, as_user):
    for query in ("", "?formaat=csv", "?formaat=xlsx"):
        response = as_user(None).get(URL + query)
        assert response.status_code == 302 and "/aanmelden/" in response["Location"]


@pytest.mark.parametrize("persona", ["manager", "executive", "privacy_officer", "admin"])
def test_roles_without_casework_get_no_list_nor_export(world, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?weergave=team&formaat=csv").status_code == 403
    assert AccessLogEntry.objects.filter(object_type="page", outcome="denied").exists()


def test_my_team_lists_the_team_households_only(world, as_user):
    assert "HH-T-0001" in _table(_body(as_user(world.involved), "?weergave=team"))
    assert "HH-T-0002" not in _body(as_user(world.involved), "?weergave=team")
    police = _body(as_user(world.other_org), "?weergave=team")
    assert "HH-T-0002" in _table(police) and "HH-T-0001" not in police
    # A colleague of another team of the same organisation sees neither.
    colleague = _body(as_user(world.colleague), "?weergave=team")
    assert "HH-T-0001" not in colleague and "HH-T-0002" not in colleague


def test_mine_is_where_i_personally_work(world, as_user):
    """Being in the involved team is not enough for "Mijn huishoudens": regie, an open action of one's
    own, a take-up or the first contact is."""
    teammate = make_user("teammate", world.org_a, Role.PROFESSIONAL, world.team_a1)
    assert "HH-T-0001" not in _body(as_user(world.involved))
    _regie(world, world.household, world.involved)
    assert "HH-T-0001" in _table(_body(as_user(world.involved)))
    assert "HH-T-0001" not in _body(as_user(teammate))
    _action(world, world.household, "Huisbezoek", TODAY, owner_user=teammate)
    assert "HH-T-0001" in _table(_body(as_user(teammate)))
    other = make_user("teammate2", world.org_a, Role.PROFESSIONAL, world.team_a1)
    Involvement.objects.filter(household=world.household, team=world.team_a1).update(
        first_contact_at=timezone.now(), first_contact_by=other
    )
    assert "HH-T-0001" in _table(_body(as_user(other)))
    # Mine never opens what the access core does not: regie in a household one may not see lists nothing.
    _regie(world, world.other_household, world.involved)
    assert "HH-T-0002" not in _body(as_user(world.involved))


def test_my_network_lists_the_network_households(world, as_user):
    assert "netwerk" not in _body(as_user(world.involved)).split('class="tabs"')[1].split("</nav>")[0]
    sharing_services.involve(
        SYSTEM, world.other_household, network=world.network, purpose="help", legal_basis="covenant",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    body = _body(as_user(world.coordinator), "?weergave=netwerk")
    assert "HH-T-0002" in _table(body) and "HH-T-0001" not in _table(body)


def test_an_unknown_tab_falls_back_to_mine(world, as_user):
    body = _body(as_user(world.involved), "?weergave=iedereen")
    assert 'href="?weergave=mijn" aria-current="page"' in body


# --- columns ---------------------------------------------------------------------------------------


def test_columns_show_phase_level_regisseur_contact_meeting_overdue_and_danger(world, as_user):
    h = world.household
    _assess(h, "stable", world.org_a, days_ago=10)
    _assess(h, "direct", world.org_vt, days_ago=1)  # the latest counts
    Household.objects.filter(pk=h.pk).update(level="safety_house")
    _regie(world, h, world.involved)
    contact = timezone.now() - timedelta(days=3)
    Involvement.objects.filter(household=h).update(first_contact_at=contact, first_contact_by=world.involved)
    coordinator = world.coordinator.memberships.get()
    meeting = CaseMeeting.objects.create(
        region=world.region, network=world.network, scheduled_at=timezone.now() + timedelta(days=5),
        chair=world.coordinator, chair_membership=coordinator,
    )  # fmt: skip
    AgendaItem.objects.create(meeting=meeting, household=h)
    _action(world, h, "Te laat 1", TODAY - timedelta(days=2))
    _action(world, h, "Te laat 2", TODAY - timedelta(days=1))
    _action(world, h, "Op tijd", TODAY + timedelta(days=1))
    _action(world, h, "Klaar", TODAY - timedelta(days=9), status="done")
    DangerFact.objects.create(household=h, kind="weapon")
    table = _table(_body(as_user(world.involved), "?weergave=team"))
    assert "1. Directe veiligheid" in table
    assert "Veiligheidshuis" in table
    assert world.involved.display_name in table
    assert contact.astimezone(timezone.get_current_timezone()).strftime("%-d") in table
    assert '<span class="danger-text">2</span>' in table
    assert "tag-urgent" in table


def test_last_contact_counts_a_meeting_held_with_a_member_at_the_table(world, as_user):
    from verband.households.models import HouseholdMember

    coordinator = world.coordinator.memberships.get()
    held = timezone.now() - timedelta(days=40)
    meeting = CaseMeeting.objects.create(
        region=world.region, network=world.network, scheduled_at=held, status="held", held_at=held,
        chair=world.coordinator, chair_membership=coordinator,
    )  # fmt: skip
    anna = HouseholdMember.objects.filter(household=world.household, role="victim").get().person
    AgendaItem.objects.create(meeting=meeting, household=world.household, member_present=anna)
    client = as_user(world.involved)
    assert "HH-T-0001" in _table(_body(client, "?weergave=team&contact=30"))
    assert "HH-T-0001" not in _table(_body(client, "?weergave=team&contact=nooit"))
    assert "HH-T-0001" not in _table(_body(client, "?weergave=team&contact=90"))


# --- filter, sort, page ----------------------------------------------------------------------------


def _households(world, n: int, start: int = 0) -> list[Household]:
    made = []
    for i in range(start, start + n):
        h = Household.objects.create(reference=f"HH-L-{i:04d}", region=world.region)
        HouseholdMember.objects.create(
            household=h, person=Person.objects.create(given_names="Lid", family_name=f"L{i}"), role="victim"
        )
        sharing_services.involve(
            SYSTEM, h, team=world.team_a1, purpose="help", legal_basis="consent", started_on=date(2026, 2, 1)
        )
        made.append(h)
    return made


def test_filters(world, as_user):
    a, b, c = _households(world, 3)
    _assess(a, "direct", world.org_a)
    _assess(b, "recovery", world.org_a)
    _action(world, b, "Te laat", TODAY - timedelta(days=1))
    DangerFact.objects.create(household=c, kind="weapon")
    _regie(world, a, world.involved)
    Household.objects.filter(pk=c.pk).update(level="dv_centre")
    client = as_user(world.involved)

    def listed(query: str) -> set[str]:
        table = _table(_body(client, "?weergave=team&" + query))
        return {h.reference for h in (a, b, c) if h.reference in table}

    assert listed("fase=direct") == {a.reference}
    assert listed("fase=geen") == {c.reference}
    assert listed("achterstand=on") == {b.reference}
    assert listed("gevaar=on") == {c.reference}
    assert listed("regie=ik") == {a.reference}
    assert listed("regie=geen") == {b.reference, c.reference}
    assert listed("niveau=dv_centre") == {c.reference}
    assert listed("referentie=l-0001") == {b.reference}
    assert listed("overleg=gepland") == set()


def test_an_invalid_filter_says_so_in_dutch_and_never_exports(world, as_user):
    client = as_user(world.involved)
    body = _body(client, "?weergave=team&fase=onzin")
    assert "Kies een fase uit de lijst." in body
    response = client.get(URL + "?weergave=team&fase=onzin&formaat=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AccessLogEntry.objects.filter(action="export_list").exists()


def test_sort_on_each_column_both_ways(world, as_user):
    a, b, c = _households(world, 3)
    _action(world, a, "Te laat", TODAY - timedelta(days=1))
    _action(world, a, "Te laat", TODAY - timedelta(days=2))
    _action(world, c, "Te laat", TODAY - timedelta(days=1))
    client = as_user(world.involved)

    def order(query: str) -> list[str]:
        table = _table(_body(client, "?weergave=team&" + query))
        return sorted((h.reference for h in (a, b, c)), key=table.index)

    assert order("sorteer=achterstand") == [b.reference, c.reference, a.reference]
    assert order("sorteer=-achterstand") == [a.reference, c.reference, b.reference]
    assert order("sorteer=-referentie") == [c.reference, b.reference, a.reference]
    for key in ("fase", "niveau", "regisseur", "contact", "overleg", "gevaar", "bestaat-niet", "--fase"):
        assert client.get(f"{URL}?weergave=team&sorteer={key}").status_code == 200
    body = _body(client, "?weergave=team&sorteer=-achterstand")
    assert 'aria-sort="descending"' in body


def test_paged_with_filter_and_sort_kept(world, as_user):
    _households(world, 30)
    body = _body(as_user(world.involved), "?weergave=team&sorteer=-referentie&pagina=2")
    assert "pagina=3" not in body and "pagina 2 van 2" in body
    assert "sorteer=-referentie&amp;pagina=1" in body
    assert _table(body).count('">HH-') == 31 - 25


# --- member-scoped partner, shielded items -----------------------------------------------------------


def test_a_member_scoped_partner_sees_its_member_only_and_nothing_shielded(family, as_user):
    w = family
    shelter = Organisation.objects.create(region=w.region, name="Blijf Testdorp", kind="shelter")
    shelter_user = make_user("opvang", shelter, Role.PROFESSIONAL)
    _regie(w, w.household, shelter_user)
    _assess(w.household, "direct", w.org_vt)  # Veilig Thuis's assessment: not the probation's
    _action(w, w.household, "Voor Anna", TODAY - timedelta(days=1), person=w.anna)
    _action(
        w,
        w.household,
        "Voor Dirk",
        TODAY - timedelta(days=1),
        person=w.dirk,
        owner_organisation=w.probation_org,
    )
    shielded = _action(w, w.household, "Afgeschermd", TODAY - timedelta(days=1), person=w.dirk)
    ShieldDecision.objects.create(
        household=w.household, item_type="action", item_id=shielded.pk, person=w.dirk, shielded=True,
        reason="Beschermt Anna.",
    )  # fmt: skip
    _action(w, w.household, "Plek regelen", TODAY - timedelta(days=1), owner_organisation=shelter)
    client = as_user(w.probation)
    table = _table(_body(client, "?weergave=team"))
    assert "Dirk Vos" in table and "Anna" not in table and "Bram" not in table
    assert "Directe veiligheid" not in table  # not its assessment
    assert shelter_user.display_name not in table  # the shelter holding regie is not named
    assert '<span class="danger-text">1</span>' in table  # only the action about Dirk
    # Sorting and filtering never use what is hidden from this viewer.
    assert "HH-T-0001" not in _table(_body(client, "?weergave=team&fase=direct"))
    assert "HH-T-0001" in _table(_body(client, "?weergave=team&regie=geen"))
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{URL}?weergave=team&formaat={fmt}")
        text = response.content.decode("utf-8-sig") if fmt == "csv" else _xlsx_text(response.content)
        assert "Dirk Vos" in text and "Anna" not in text and "Bram" not in text
        assert shelter_user.display_name not in text and "Directe veiligheid" not in text
    # The whole-household partner sees all of it.
    table = _table(_body(as_user(w.involved), "?weergave=team"))
    assert "Anna van Dam" in table and shelter_user.display_name in table
    assert '<span class="danger-text">4</span>' in table


def test_a_shielded_assessment_gives_no_phase_to_the_member_scoped_partner(family, as_user):
    w = family
    own = _assess(w.household, "recovery", w.probation_org)
    client = as_user(w.probation)
    assert "3. Herstel" in _table(_body(client, "?weergave=team"))
    ShieldDecision.objects.create(
        household=w.household, item_type="assessment", item_id=own.pk, person=w.dirk, shielded=True,
        reason="Beschermt Anna.",
    )  # fmt: skip
    assert "3. Herstel" not in _table(_body(client, "?weergave=team"))


def test_no_address_is_ever_shown(world, as_user):
    Address.objects.filter(person__given_names="Anna").update(confidential=True)
    body = _body(as_user(world.involved), "?weergave=team")
    assert "Dorpsstraat" not in body and "1012AB" not in body


# --- exports ---------------------------------------------------------------------------------------


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(
        ";".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)
    )


def test_csv_export_has_dutch_headers_is_injection_safe_and_logged(world, as_user):
    evil = Person.objects.create(given_names='=HYPERLINK("http://x")', family_name="Kwaad")
    HouseholdMember.objects.create(household=world.household, person=evil, role="child")
    _action(world, world.household, "Te laat", TODAY - timedelta(days=1))
    response = as_user(world.involved).get(URL + "?weergave=team&formaat=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="huishoudens-team-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kenmerk", "Gezinsleden", "Fase"]
    assert "Achterstallige acties" in rows[0]
    line = rows[1]
    assert line[0] == "HH-T-0001" and line[rows[0].index("Achterstallige acties")] == "1"
    # The members' cell begins with a name; a cell that would begin with "=" is written as text.
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    entry = AccessLogEntry.objects.filter(action="export_list").latest("pk")
    assert entry.object_id == "huishoudens:team:csv" and entry.username == "involved"
    persons = {s.person_id for s in entry.subjects.all() if s.person_id}
    assert evil.pk in persons and len(persons) == 3


def test_a_cell_starting_with_a_formula_is_escaped(world):
    from verband.workspace.views import _cell

    assert (
        _cell("=1+1") == "'=1+1" and _cell("+31") == "'+31" and _cell("-2") == "'-2" and _cell("@a") == "'@a"
    )
    assert _cell("Anna") == "Anna" and _cell(3) == 3


def test_xlsx_export_is_a_workbook_with_the_same_rows_and_logged(world, as_user):
    evil = Person.objects.create(given_names="@SUM(A1)", family_name="Kwaad")
    HouseholdMember.objects.create(household=world.household, person=evil, role="child")
    response = as_user(world.involved).get(URL + "?weergave=team&formaat=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Kenmerk" and rows[1][0] == "HH-T-0001"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere
    assert AccessLogEntry.objects.filter(action="export_list", object_id="huishoudens:team:xlsx").exists()


def test_the_export_follows_filter_and_sort_and_holds_every_page(world, as_user):
    made = _households(world, 30)
    _action(world, made[3], "Te laat", TODAY - timedelta(days=1))
    client = as_user(world.involved)
    rows = list(csv.reader(io.StringIO(client.get(URL + "?weergave=team&sorteer=-referentie&formaat=csv")
                                       .content.decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    assert len(rows) == 1 + 31 and rows[1][0] == "HH-T-0001" and rows[2][0] == "HH-L-0029"
    filtered = client.get(URL + "?weergave=team&achterstand=on&formaat=csv").content.decode("utf-8-sig")
    assert filtered.count("HH-") == 1 and "HH-L-0003" in filtered


# --- logging and queries ---------------------------------------------------------------------------


def test_the_list_logs_each_household_and_each_member_named(family, as_user):
    _body(as_user(family.probation), "?weergave=team")
    entry = AccessLogEntry.objects.filter(username="reclassering", action="list").latest("pk")
    assert entry.object_type == "household" and entry.object_id == "huishoudens:team"
    subjects = {(s.household_id, s.person_id) for s in entry.subjects.all()} | {
        (entry.subject_household_id, entry.subject_person_id)
    }
    assert (family.household.pk, family.dirk.pk) in subjects
    assert (family.household.pk, family.anna.pk) not in subjects


def test_an_empty_list_logs_nothing(world, as_user):
    before = AccessLogEntry.objects.count()
    _body(as_user(world.colleague), "?weergave=team")
    assert AccessLogEntry.objects.count() == before


def _count(client, query: str) -> int:
    client.get(URL + query)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL + query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query", ["?weergave=team", "?weergave=team&sorteer=-contact&achterstand=", "?formaat=csv&weergave=team"]
)
def test_query_count_does_not_grow_with_the_number_of_households(world, as_user, query):
    client = as_user(world.involved)

    def grow(households):
        for i, h in enumerate(households):
            _assess(h, "stable", world.org_a)
            _action(world, h, "Te laat", TODAY - timedelta(days=1), owner_user=world.involved)
            _regie(world, h, world.involved)
            DangerFact.objects.create(household=h, kind="weapon")
            if i % 2:
                member = h.members.first()
                HouseholdMember.objects.create(household=h, person=member.person, role="witness")

    grow(_households(world, 3))
    few = _count(client, query)
    grow(_households(world, 27, start=3))
    assert _count(client, query) == few


def test_last_contact_counts_a_journal_contact_moment_not_a_note(world, as_user):
    from verband.journal import services as journal
    from verband.testing import actor_for

    anna = HouseholdMember.objects.filter(household=world.household, role="victim").get().person
    Involvement.objects.filter(household=world.household).update(first_contact_at=None)
    client = as_user(world.involved)
    journal.record_entry(
        actor_for(world.involved), world.household,
        journal.EntryInput(kind="note", occurred_at=timezone.now() - timedelta(days=2), summary="Notitie."),
    )  # fmt: skip
    assert "HH-T-0001" in _table(_body(client, "?weergave=team&contact=nooit"))
    journal.record_entry(
        actor_for(world.involved), world.household,
        journal.EntryInput(kind="phone_call", occurred_at=timezone.now() - timedelta(days=2),
                           summary="Gebeld.", participant_ids=[anna.pk]),
    )  # fmt: skip
    # The filter lists households whose last contact is longer ago (or never): a call two days ago is recent.
    assert "HH-T-0001" not in _table(_body(client, "?weergave=team&contact=nooit"))
    assert "HH-T-0001" not in _table(_body(client, "?weergave=team&contact=30"))
    assert "HH-T-0001" in _table(_body(client, "?weergave=team"))
