"""The hot pages make the same number of queries with 5 and with 50 items: no query per household,
member, event, action or inbox item (exact counts, so that a new query per page is a conscious change)."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verband.actors import SYSTEM
from verband.households.models import Address, Household, HouseholdEvent, HouseholdMember, Person, Relation
from verband.plans.models import FamilyPlan, PlanAction
from verband.safety.models import DangerFact
from verband.sharing import services
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Activation, Signal

# The queries of one page view, middleware and the access-log append included (and the Werkbak's count in the menu: one query). The household page reads
# its measures in force and its tasks in one query each, and the journal's entries once to know which
# timeline lines this viewer sees, and how often the household was reported (one aggregate).
HOUSEHOLD_PAGE = (
    40  # two of them: the household door's open questions and latest feedback (portal.selectors.voice_panel)
)
INBOX = 17
MY_WORK = 30  # seven of them: the sources of "vandaag eerst" (workspace.today), one query each


def _queries(client, url: str) -> int:
    client.get(url)  # the first request after signing in also touches the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow_household(world, start: int, end: int) -> None:
    """Members (with an address, related to the first), timeline events and open actions."""
    household = world.household
    plan, _ = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})
    first = household.members.order_by("pk").first().person
    for n in range(start, end):
        person = Person.objects.create(given_names=f"Kind{n}", family_name="Dam", birth_year=2015)
        Address.objects.create(
            person=person, street="Dorpsstraat", house_number=str(n + 20), postcode="1012AB", city="Testdorp"
        )
        HouseholdMember.objects.create(household=household, person=person, role="child")
        Relation.objects.create(person=first, other=person, kind="parent_of")
        PlanAction.objects.create(
            plan=plan, text=f"Actie {n}", owner_organisation=world.org_a, person=person, order=n,
            due_on=date(2026, 12, 1) + timedelta(days=n),
        )  # fmt: skip
        DangerFact.objects.create(household=household, kind="weapon")
    HouseholdEvent.objects.bulk_create(
        HouseholdEvent(household=household, kind="note", summary=f"Notitie {n}", organisation=world.org_a)
        for n in range(start * 4, end * 4)
    )


def test_household_page_queries_do_not_grow_with_members_events_or_actions(
    world, as_user, django_assert_num_queries
):
    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/"
    _grow_household(world, 0, 5)
    few = _queries(client, url)
    _grow_household(world, 5, 50)
    with django_assert_num_queries(HOUSEHOLD_PAGE):
        body = client.get(url).content.decode()
    assert few == HOUSEHOLD_PAGE
    assert "Kind49 Dam" in body and body.count("<li><time") == 50


def _grow_inbox(world, start: int, end: int) -> None:
    for n in range(start, end):
        household = Household.objects.create(reference=f"HH-I-{n:04d}", region=world.region)
        HouseholdMember.objects.create(
            household=household, person=Person.objects.create(family_name=f"I{n}"), role="victim"
        )
        if n % 2:
            DangerFact.objects.create(household=household, kind="weapon")
        signal = Signal.objects.create(
            region=world.region, kind="report", description="x", source_organisation=world.org_b,
            household=household, status="routed", reference=f"SIG-I-{n:04d}",
        )  # fmt: skip
        # Every other item was handed back by another team first ("Handed back by ...").
        previous = (
            Activation.objects.create(
                signal=signal, household=household, team=world.team_a2, purpose="help", reason="r",
                norm_working_days=2, due_on=date(2026, 12, 4), status="handed_back",
            )
            if n % 2
            else None
        )  # fmt: skip
        Activation.objects.create(
            signal=signal, household=household, team=world.team_a1, purpose="help", reason="r",
            norm_working_days=2, due_on=date(2026, 12, 4), previous=previous,
        )  # fmt: skip


def test_inbox_queries_do_not_grow_with_items(world, as_user, django_assert_num_queries):
    client = as_user(world.involved)
    _grow_inbox(world, 0, 5)
    few = _queries(client, "/werkbak/")
    _grow_inbox(world, 5, 50)
    with django_assert_num_queries(INBOX):
        body = client.get("/werkbak/").content.decode()
    assert few == INBOX
    # 25 of the 50 per page, each logged; the second page has the rest.
    assert body.count('class="card inbox-item') == 25 and "50 huishoudens wachten" in body
    second = client.get("/werkbak/?pagina=2").content.decode()
    assert second.count('class="card inbox-item') == 25
    shown = {ref for ref in re.findall(r"SIG-I-\d{4}", body + second)}
    assert len(shown) == 50
    assert (body + second).count("Wijkteam Zuid (Wijkteams Testdorp)") == 25  # "Handed back by ..."


def test_a_hand_back_without_reason_shows_its_error_on_the_page_that_holds_the_item(world, as_user):
    client = as_user(world.involved)
    _grow_inbox(world, 0, 30)
    last = Activation.objects.filter(team=world.team_a1, status="open").order_by("-created_at", "-pk").first()
    body = client.post(f"/werkbak/{last.pk}/teruggeven/", {"reason": ""}).content.decode()
    assert f'id="activatie-{last.pk}"' in body and 'aria-invalid="true"' in body
    assert 'href="/werkbak/?pagina=1' in body  # the pager leads back to the inbox, not to the POST address


def _grow_my_work(world, start: int, end: int) -> None:
    for n in range(start, end):
        household = Household.objects.create(reference=f"HH-W-{n:04d}", region=world.region)
        for given, role in (("Iris", "victim"), ("Tim", "child")):
            HouseholdMember.objects.create(
                household=household,
                person=Person.objects.create(given_names=given, family_name=f"W{n}"),
                role=role,
            )
        services.involve(
            SYSTEM,
            household,
            team=world.team_a1,
            purpose="help",
            legal_basis="consent",
            started_on=date(2026, 2, 1),
        )
        plan, _ = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})
        PlanAction.objects.create(
            plan=plan, text=f"Werkactie {n}", owner_organisation=world.org_a, owner_user=world.involved,
            due_on=date(2026, 12, 1),
        )  # fmt: skip
        DangerFact.objects.create(household=household, kind="weapon")


@pytest.mark.parametrize("page", ["", "?pagina=2&acties=2"])
def test_my_work_queries_do_not_grow_with_households_and_log_one_entry_per_list(
    world, as_user, django_assert_num_queries, page
):
    client = as_user(world.involved)
    _grow_my_work(world, 0, 5)
    few = _queries(client, "/mijn-werk/")
    _grow_my_work(world, 5, 50)
    before = AccessLogEntry.objects.count()
    with django_assert_num_queries(MY_WORK):
        body = client.get(f"/mijn-werk/{page}").content.decode()
    assert few == MY_WORK
    # A page of 25 households (of 51) and of 25 actions (of 50), each list logged as one entry.
    # "Vandaag eerst" comes first (the overdue actions, at most 20): the lists are counted after it.
    rest = body.split('id="actions-heading"')[1]
    assert rest.count('">HH-') == 25 and rest.count("Werkactie ") == 25
    assert AccessLogEntry.objects.count() - before == 3  # the lists, and "vandaag eerst"'s actions
    households = AccessLogEntry.objects.filter(username="involved", object_type="household").latest("pk")
    shown = [s for s in households.subjects.all() if s.person_id is None]
    assert len(shown) == 25


def test_my_work_pages_every_open_action_however_many(world, as_user):
    """Paging is done on ids: no cut-off before the pager (the 230th action is on the last page)."""
    plan, _ = FamilyPlan.objects.get_or_create(household=world.household, defaults={"version": 1})
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan, text=f"Veelactie {n:03d}", owner_organisation=world.org_a, owner_user=world.involved,
            due_on=date(2026, 1, 1) + timedelta(days=n), order=n,
        )
        for n in range(230)
    )  # fmt: skip
    body = as_user(world.involved).get("/mijn-werk/?acties=10").content.decode()
    body = body.split('id="actions-heading"')[1]  # after "vandaag eerst"
    assert body.count("Veelactie ") == 5 and "Veelactie 229" in body and "Veelactie 224" not in body
