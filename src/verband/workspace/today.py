"""Mijn werk, "vandaag eerst": what is urgent, overdue or due today for this professional, before the rest.

The section is built from small source functions, one per kind of work (`SOURCES`). Each gets the actor and
today's date and returns `TodayItem`s — only what the actor may see, as far as their scope in a household
shows it — with the subjects it names for the access log. To add a kind of work (the tasks of
`verband.tasks`: a `Task` with a due date and an assignee), write one more function of the same shape —
for instance "open tasks assigned to me, due on or before today" — and append it to `SOURCES`; the page,
its order and its logging follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.collaboration.meetings import visible_meetings
from verband.collaboration.models import Handover, HandoverStatus, MeetingStatus
from verband.escalation.models import EscalationStatus
from verband.escalation.selectors import shield_summaries, visible_escalations
from verband.plans.models import PlanAction
from verband.plans.selectors import OPEN_ACTION, in_scope, with_whole_household
from verband.rights.models import RightsRequest, still_open
from verband.sharing.access import visible_households
from verband.sharing.accesslog import Subject
from verband.signals.models import ActivationStatus
from verband.signals.selectors import addressed_activations
from verband.tasks.selectors import open_tasks_for

# Each source lists at most this many items; the full lists are on their own pages.
PER_SOURCE = 20


@dataclass
class TodayItem:
    kind: str  # what it is, shown as a label
    text: str
    url: str
    due: date | datetime | None
    object_type: str  # for the access log
    subjects: list[Subject] = field(default_factory=list)
    urgent: bool = False  # urgent by its nature (an acute signal), not only by its date

    @property
    def day(self) -> date | None:
        return timezone.localtime(self.due).date() if isinstance(self.due, datetime) else self.due

    @property
    def overdue(self) -> bool:
        return self.day is not None and self.day < timezone.localdate()

    @property
    def due_today(self) -> bool:
        return self.day == timezone.localdate()

    @property
    def sort_key(self) -> tuple[int, str]:
        due = timezone.localtime(self.due) if isinstance(self.due, datetime) else self.due
        return (0 if self.urgent else 1, due.isoformat() if due else "")


Source = Callable[[Actor, date], list[TodayItem]]


def urgent_signals(actor: Actor, today: date) -> list[TodayItem]:
    """Open inbox items of the actor's team and networks that are urgent, overdue or due today: one line
    per household (the most urgent item), however many parties of the actor it was routed to."""
    rows = (
        addressed_activations(actor)
        .filter(status=ActivationStatus.OPEN)
        .filter(Q(urgent=True) | Q(due_on__lte=today))
        .select_related("household")
        .order_by("-urgent", "due_on", "pk")[:PER_SOURCE]
    )
    items = []
    seen: set[int | None] = set()
    for a in rows:
        if a.household_id is not None and a.household_id in seen:
            continue
        seen.add(a.household_id)
        reference = a.household.reference if a.household else ""
        items.append(
            TodayItem(
                kind=_("Signal to take up"),
                text=f"{reference} — {a.get_purpose_display()}".strip(" —"),
                url=reverse("signals:inbox"),
                due=a.due_on,
                object_type="activation",
                subjects=[Subject(a.household_id)] if a.household_id else [],
                urgent=a.urgent,
            )
        )
    return items


def overdue_actions(actor: Actor, today: date) -> list[TodayItem]:
    """Open plan actions of the actor (or of their organisation without a named person) due on or before
    today, as far as the actor's scope in the household shows them."""
    if actor.membership is None or actor.user is None:
        return []
    mine = Q(owner_user=actor.user) | Q(
        owner_user__isnull=True, owner_organisation_id=actor.membership.organisation_id
    )
    actions = list(
        with_whole_household(
            actor,
            PlanAction.objects.filter(
                mine, status__in=OPEN_ACTION, due_on__lte=today, plan__household__in=visible_households(actor)
            ),
        )
        .select_related("plan__household", "person")
        .order_by("due_on", "pk")[:PER_SOURCE]
    )
    items = []
    for a in in_scope(actor, actions):
        household = a.plan.household
        whom = f" ({_('for')} {a.person.full_name})" if a.person else ""
        items.append(
            TodayItem(
                kind=_("Overdue action") if a.due_on < today else _("Action due today"),
                text=f"{household.reference}: {a.text}{whom}",
                url=reverse("plans:plan", args=[household.reference]) + f"#actie-{a.pk}",
                due=a.due_on,
                object_type="plan_action",
                subjects=[Subject(household.pk, a.person_id)],
            )
        )
    return items


def meetings_today(actor: Actor, today: date) -> list[TodayItem]:
    """Case meetings of the actor's networks (or ad hoc about their households) planned for today."""
    tz = timezone.get_current_timezone()
    start, end = datetime.combine(today, time.min, tzinfo=tz), datetime.combine(today, time.max, tzinfo=tz)
    rows = (
        visible_meetings(actor)
        .filter(status=MeetingStatus.PLANNED, scheduled_at__range=(start, end))
        .select_related("network")
        .order_by("scheduled_at", "pk")[:PER_SOURCE]
    )
    return [
        TodayItem(
            kind=_("Case meeting today"),
            text=f"{m.network.name if m.network else _('Ad hoc meeting')}, "
            f"{timezone.localtime(m.scheduled_at):%H:%M}" + (f", {m.location}" if m.location else ""),
            url=reverse("collaboration:meeting", args=[m.pk]),
            due=m.scheduled_at,
            object_type="case_meeting",
        )
        for m in rows
    ]


def escalations_due(actor: Actor, today: date) -> list[TodayItem]:
    """Open escalations put to the actor whose decision is due on or before today."""
    if actor.membership is None:
        return []
    rows = list(
        visible_escalations(actor)
        .filter(recipients__membership=actor.membership, status=EscalationStatus.OPEN, step_due_on__lte=today)
        .select_related("household")
        .distinct()
        .order_by("step_due_on", "pk")[:PER_SOURCE]
    )
    shield_summaries(actor, rows)
    return [
        TodayItem(
            kind=_("Escalation to decide"),
            text=f"{e.get_kind_display()} — {e.summary}",
            url=reverse("escalation:detail", args=[e.pk]),
            due=e.step_due_on,
            object_type="escalation",
            subjects=[Subject(e.household_id)],
        )
        for e in rows
    ]


def handovers_due(actor: Actor, today: date) -> list[TodayItem]:
    """Handovers to the actor's team whose answer is due on or before today."""
    if actor.membership is None or actor.membership.team_id is None:
        return []
    rows = (
        Handover.objects.filter(
            to_team_id=actor.membership.team_id, status=HandoverStatus.PENDING, due_on__lte=today
        )
        .select_related("household")
        .order_by("due_on", "pk")[:PER_SOURCE]
    )
    return [
        TodayItem(
            kind=_("Handover to answer"),
            text=f"{h.get_kind_display()} {h.household.reference}",
            url=reverse("collaboration:handover", args=[h.pk]),
            due=h.due_on,
            object_type="handover",
            subjects=[Subject(h.household_id)],
        )
        for h in rows
    ]


def rights_requests_due(actor: Actor, today: date) -> list[TodayItem]:
    """Requests under the AVG received by the actor's organisation, about a household the actor sees,
    still open on or after their legal deadline."""
    if actor.organisation is None:
        return []
    rows = (
        RightsRequest.objects.filter(still_open(), organisation=actor.organisation, due_on__lte=today)
        .filter(household__in=visible_households(actor))
        .select_related("household")
        .order_by("due_on", "pk")[:PER_SOURCE]
    )
    return [
        TodayItem(
            kind=_("Request under the AVG due"),
            text=f"{r.household.reference}: {r.get_kind_display()}",
            url=reverse("rights:request", args=[r.household.reference, r.pk]),
            due=r.due_on,
            object_type="rights_request",
            subjects=[Subject(r.household_id)],
        )
        for r in rows
    ]


def tasks_due(actor: Actor, today: date) -> list[TodayItem]:
    """Open tasks given to the actor (a safety plan to review before a measure ends, an aftercare check)
    due on or before today, in households the actor still sees. A task's title names the kind of work and a
    date, never a person."""
    if actor.user is None:
        return []
    rows = (
        open_tasks_for(actor.user)
        .filter(due_on__lte=today, household__in=visible_households(actor))
        .order_by("due_on", "pk")[:PER_SOURCE]
    )
    return [
        TodayItem(
            kind=_("Overdue task") if t.due_on < today else _("Task due today"),
            text=f"{t.household.reference}: {t.title}",
            url=reverse("tasks:list"),
            due=t.due_on,
            object_type="task",
            subjects=[Subject(t.household_id)],
        )
        for t in rows
    ]


# The kinds of work of "vandaag eerst", in no particular order (the page sorts: urgent, then by date).
# Another kind of work is one more function here (see the module's docstring).
SOURCES: list[Source] = [
    urgent_signals,
    overdue_actions,
    meetings_today,
    escalations_due,
    handovers_due,
    rights_requests_due,
    tasks_due,
]


def today_first(actor: Actor, today: date | None = None) -> list[TodayItem]:
    """Everything urgent, overdue or due today, from every source: urgent first, then the oldest date."""
    day = today or timezone.localdate()
    items = [item for source in SOURCES for item in source(actor, day)]
    return sorted(items, key=lambda item: item.sort_key)
