"""Mijn werk orders "vandaag eerst": what is urgent, overdue or due today comes first, from every source,
as far as the viewer may see it, and is logged."""

from datetime import date, timedelta

from django.utils import timezone

from verband.collaboration.models import AgendaItem, CaseMeeting, Handover
from verband.escalation.models import Escalation, EscalationRecipient
from verband.plans.models import FamilyPlan, PlanAction
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Activation, Signal
from verband.workspace import today
from verband.workspace.tests.test_caseload import family  # noqa: F401  (a fixture)

TODAY = timezone.localdate()


def _today_section(client) -> str:
    body = client.get("/mijn-werk/").content.decode()
    return body.split('id="today-heading"')[1].split("</section>")[0]


def _action(world, text, due, **extra) -> PlanAction:
    plan = FamilyPlan.objects.get_or_create(household=world.household, defaults={"version": 1})[0]
    extra.setdefault("owner_organisation", world.org_a)
    return PlanAction.objects.create(plan=plan, text=text, due_on=due, **extra)


def test_today_first_holds_what_is_urgent_overdue_or_due_today_and_nothing_later(world, as_user):
    _action(world, "Huisbezoek plannen", TODAY - timedelta(days=3), owner_user=world.involved)
    _action(world, "Vandaag bellen", TODAY, owner_user=world.involved)
    _action(world, "Volgende week", TODAY + timedelta(days=7), owner_user=world.involved)
    signal = Signal.objects.create(
        region=world.region, kind="report", description="x", source_organisation=world.org_b,
        household=world.household, status="routed", reference="SIG-V-0001",
    )  # fmt: skip
    Activation.objects.create(
        signal=signal, household=world.household, team=world.team_a1, purpose="help", reason="r",
        norm_working_days=0, due_on=TODAY + timedelta(days=2), urgent=True,
    )  # fmt: skip
    coordinator = world.coordinator.memberships.get()
    coordinator.networks.add(world.network)
    world.involved.memberships.get().networks.add(world.network)
    meeting = CaseMeeting.objects.create(
        region=world.region, network=world.network, chair=world.coordinator, chair_membership=coordinator,
        scheduled_at=timezone.localtime().replace(hour=23, minute=30), location="Stadhuis",
    )  # fmt: skip
    AgendaItem.objects.create(meeting=meeting, household=world.household)
    e = Escalation.objects.create(
        region=world.region, household=world.household, kind="action_overdue", subject_type="test",
        subject_id=1, summary="Actie ligt stil", breach_since=date(2026, 11, 1), step_due_on=TODAY,
    )  # fmt: skip
    EscalationRecipient.objects.create(escalation=e, membership=world.involved.memberships.get(), step=1)
    Handover.objects.create(
        household=world.household, kind="referral", from_user=world.other_org,
        from_membership=world.other_org.memberships.get(), from_organisation=world.org_b, to_team=world.team_a1,
        question="Graag hulp.", norm_working_days=3, due_on=TODAY - timedelta(days=1),
    )  # fmt: skip
    section = _today_section(as_user(world.involved))
    assert "Vandaag eerst" in section
    assert "Huisbezoek plannen" in section and "Vandaag bellen" in section and "Volgende week" not in section
    assert "urgent</span> Signaal om op te pakken" in section
    assert "Casusoverleg vandaag" in section and "Stadhuis" in section
    assert "Actie ligt stil" in section and "Overdracht om te beantwoorden" in section
    # Urgent first, then by date: the urgent signal before the action three days late.
    assert (
        section.index("Signaal om op te pakken")
        < section.index("Huisbezoek plannen")
        < section.index("Vandaag bellen")
    )
    assert 'href="/huishoudens/"' in section
    # The section's items are logged with the rest of the page.
    kinds = set(
        AccessLogEntry.objects.filter(username="involved", action="list").values_list(
            "object_type", flat=True
        )
    )
    assert {"activation", "plan_action", "escalation", "handover"} <= kinds


def test_nothing_due_says_so(world, as_user):
    assert "Niets urgents, niets te laat en niets voor vandaag." in _today_section(as_user(world.involved))


def test_today_first_never_shows_what_another_team_or_a_hidden_scope_holds(family, as_user):  # noqa: F811
    w = family
    # An action about Anna, owned by the probation's organisation: not in the probation's scope (it works
    # with Dirk only), so not in its "vandaag eerst" either.
    _action(w, "Over Anna", TODAY - timedelta(days=1), person=w.anna, owner_organisation=w.probation_org)
    _action(w, "Over Dirk", TODAY - timedelta(days=1), person=w.dirk, owner_organisation=w.probation_org)
    section = _today_section(as_user(w.probation))
    assert "Over Dirk" in section and "Over Anna" not in section and "Anna" not in section
    # A colleague in another team sees none of it.
    assert "Over" not in _today_section(as_user(w.colleague))


def test_a_source_is_one_function(world):
    """Another kind of work (tasks) is one more function in `SOURCES`."""
    from verband.testing import actor_for

    def tasks(actor, day):
        return [
            today.TodayItem(kind="Taak", text="Veiligheidsplan herzien", url="/", due=day, object_type="page")
        ]

    today.SOURCES.append(tasks)
    try:
        items = today.today_first(actor_for(world.involved))
    finally:
        today.SOURCES.remove(tasks)
    assert [i.text for i in items] == ["Veiligheidsplan herzien"] and items[0].due_today


def test_tasks_due_today_or_overdue_come_first_and_later_ones_do_not(world, as_user):
    from verband.tasks.models import TaskKind
    from verband.tasks.services import create_task
    from verband.testing import actor_for

    mine = world.involved.memberships.get()
    for title, due in (
        ("Nazorg 3 maanden", TODAY - timedelta(days=1)),
        ("Veiligheidsplan herzien", TODAY),
        ("Nazorg 6 maanden", TODAY + timedelta(days=30)),
    ):
        create_task(actor_for(world.involved), world.household, kind=TaskKind.REVIEW_SAFETY_PLAN, title=title,
                    due_on=due, assignee=mine)  # fmt: skip
    section = _today_section(as_user(world.involved))
    assert "Nazorg 3 maanden" in section and "Veiligheidsplan herzien" in section
    assert "Nazorg 6 maanden" not in section
    assert "Nazorg 3 maanden" not in _today_section(as_user(world.other_org))
