"""Case meetings: schedule (network or ad hoc), prepare (what changed since last time), hold (attendance,
decisions, minutes) — and the decisions' actions go straight into each family plan, owned and dated.

Holding a meeting is one transaction: either every household's decisions and actions are stored and the
meeting is held, or nothing is (and the form keeps what was typed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import Actor
from verband.collaboration.models import (
    MEETING_FLOW,
    AgendaItem,
    CaseMeeting,
    MeetingParticipant,
    MeetingStatus,
)
from verband.households.models import EventKind, Household, HouseholdEvent, HouseholdStatus
from verband.households.services import add_event
from verband.network.models import ACTING_ROLES, Membership, Network, Role, norms_for
from verband.notifications.services import notify
from verband.plans import services as plans
from verband.plans.models import PlanAction
from verband.plans.selectors import OPEN_ACTION
from verband.sharing.access import involved_organisation_ids, visible_households
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.models import Involvement
from verband.shielding.models import ItemType
from verband.shielding.scope import WHOLE, Scope, involvement_members, view_scope
from verband.text import bounded

MAX_AGENDA = 30
ACTIONS_PER_ITEM = 3


def visible_meetings(actor: Actor) -> QuerySet[CaseMeeting]:
    """Network meetings of the actor's networks; ad hoc meetings about a household the actor sees."""
    if actor.membership is None or not actor.membership.does_casework:
        return CaseMeeting.objects.none()
    seen = visible_households(actor)
    return CaseMeeting.objects.filter(
        Q(network_id__in=actor.network_ids) | Q(network__isnull=True, items__household__in=seen)
    ).distinct()


def network_households(network: Network) -> QuerySet[Household]:
    return Household.objects.filter(
        status=HouseholdStatus.ACTIVE,
        pk__in=Involvement.objects.active().filter(network=network).values("household_id"),
    )


@dataclass
class Due:
    household: Household
    last_discussed: date | None
    overdue: bool


def due_households(network: Network, today: date | None = None) -> list[Due]:
    """The network's active households with when they were last discussed; those not discussed within
    the region's cadence (every two to three weeks) first."""
    day = today or timezone.localdate()
    interval = norms_for(network.region_id).meeting_interval_days
    households = network_households(network).annotate(
        last=Max("agenda_items__meeting__held_at", filter=Q(agenda_items__meeting__status=MeetingStatus.HELD))
    )
    rows = []
    for h in households.order_by("reference"):
        last = timezone.localdate(h.last) if h.last else None
        rows.append(Due(h, last, last is None or (day - last).days >= interval))
    return sorted(rows, key=lambda r: (not r.overdue, r.last_discussed or date.min, r.household.reference))


def next_meeting_due(network: Network) -> date | None:
    last = CaseMeeting.objects.filter(network=network, status=MeetingStatus.HELD).aggregate(m=Max("held_at"))[
        "m"
    ]
    if last is None:
        return None
    return timezone.localdate(last) + timedelta(days=norms_for(network.region_id).meeting_interval_days)


def _organisations(households: list[Household]) -> set[int]:
    """The partners who contribute: those involved with the households, and the owners of their open
    plan actions."""
    owners = PlanAction.objects.filter(plan__household__in=households, status__in=OPEN_ACTION)
    return involved_organisation_ids(households) | set(owners.values_list("owner_organisation_id", flat=True))


def schedule(
    actor: Actor,
    *,
    scheduled_at: datetime | None,
    household_ids: list[int],
    network: Network | None = None,
    location: str = "",
    experience_expert_id: int | None = None,
) -> CaseMeeting:
    """Plan a meeting with an agenda of households. The partners involved with them are invited."""
    m = actor.membership
    if m is None or m.role not in ACTING_ROLES or actor.user is None:
        raise PermissionDenied
    if network is not None and network.pk not in actor.network_ids:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if scheduled_at is None:
        errors["scheduled_at"] = [_("Give the date and time of the meeting.")]
    elif timezone.localdate(scheduled_at) < timezone.localdate():
        errors["scheduled_at"] = [_("A meeting is planned for today or later.")]
    try:
        location = bounded(location, field="location", maximum=200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    allowed = network_households(network) if network is not None else visible_households(actor)
    households = list(allowed.filter(pk__in=household_ids).order_by("reference"))
    if not household_ids:
        errors["households"] = [_("Put at least one household on the agenda.")]
    elif len(households) != len(set(household_ids)):
        errors["households"] = [_("Only households of this network (that you can see) go on the agenda.")]
    elif len(households) > MAX_AGENDA:
        errors["households"] = [_("At most %(n)s households per meeting.") % {"n": MAX_AGENDA}]
    expert = None
    if experience_expert_id is not None:
        expert = (
            Membership.objects.active()
            .filter(
                pk=experience_expert_id,
                role=Role.EXPERIENCE_EXPERT,
                organisation__region_id=m.organisation.region_id,
            )
            .first()
        )
        if expert is None:
            errors["experience_expert"] = [_("Choose an experience expert of the region.")]
    if errors:
        raise ValidationError(errors)
    assert scheduled_at is not None
    with transaction.atomic():
        meeting = CaseMeeting.objects.create(
            region_id=m.organisation.region_id,
            network=network,
            scheduled_at=scheduled_at,
            location=location.strip(),
            chair=actor.user,
            chair_membership=m,
            experience_expert=expert,
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, household=h, order=i) for i, h in enumerate(households)
        )
        organisations = _organisations(households) | {m.organisation_id}
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(meeting=meeting, organisation_id=o) for o in sorted(organisations)
        )
        for h in households:
            add_event(
                h,
                EventKind.MEETING,
                _("On the agenda of the case meeting of %(date)s")
                % {"date": timezone.localtime(scheduled_at).strftime("%d-%m-%Y %H:%M")},
                actor=actor,
            )
        record_many(
            actor,
            action="create",
            object_type="case_meeting",
            object_id=str(meeting.pk),
            subjects=[Subject(h.pk) for h in households],
        )
        invitees = Membership.objects.active().filter(
            organisation_id__in=organisations, role__in=ACTING_ROLES
        )
        if network is not None:
            invitees = invitees.filter(networks=network)
        users = set(invitees.values_list("user_id", flat=True)) - {actor.user.pk}
        if expert is not None:
            users.add(expert.user_id)
        with override("nl"):
            title = _("Case meeting on %(date)s") % {
                "date": timezone.localtime(scheduled_at).strftime("%d-%m-%Y %H:%M")
            }
        notify(users, title, reverse("collaboration:meeting", args=[meeting.pk]))
    return meeting


def may_hold(actor: Actor, meeting: CaseMeeting) -> bool:
    m = actor.membership
    if meeting.status != MeetingStatus.PLANNED or m is None or m.role not in ACTING_ROLES:
        return False
    # Who records the meeting records decisions and attendance for every household on the agenda: never a
    # partner working with only some members of one of them (the perpetrator's probation officer would
    # write about the victim, and learn from the answers who else takes part).
    for item in meeting.items.select_related("household"):
        whole, persons = involvement_members(actor, item.household)
        if not whole and persons:
            return False
    if actor.user is not None and meeting.chair_id == actor.user.pk:
        return True
    return (
        meeting.participants.filter(organisation_id=m.organisation_id).exists()
        and visible_meetings(actor).filter(pk=meeting.pk).exists()
    )


def previous_meeting_date(household: Household, before: CaseMeeting) -> datetime | None:
    return (
        AgendaItem.objects.filter(household=household, meeting__status=MeetingStatus.HELD)
        .exclude(meeting=before)
        .aggregate(m=Max("meeting__held_at"))["m"]
    )


def changes_since(household: Household, since: datetime | None, limit: int = 30) -> list[dict[str, Any]]:
    """What happened in the household since the previous meeting (or the last three weeks)."""
    start = since or timezone.now() - timedelta(days=21)
    events = (
        HouseholdEvent.objects.filter(household=household, at__gt=start)
        .exclude(kind=EventKind.MEETING)
        .select_related("organisation")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        {
            "at": timezone.localtime(e.at).strftime("%d-%m-%Y"),
            "kind": str(e.get_kind_display()),
            "summary": e.summary,
            "organisation": str(e.organisation) if e.organisation else "",
            # For the scope of who reads it later (`visible_changes`).
            "event_id": e.pk,
            "organisation_id": e.organisation_id,
            "person_id": getattr(e, "person_id", None),
        }
        for e in events
    ]


def visible_changes(scope: Scope, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What changed, as this viewer may read it. A timeline line is a note about the household (or, where
    it names one, a member): a partner working only with named members reads its own organisation's lines
    and those about its members, never one kept from them — a line like "help requested: shelter place"
    stays with the whole-household partners. Lines kept before this rule carry no ids: whole only."""
    if scope.whole:
        return changes
    return [
        c
        for c in changes
        if "event_id" in c
        and scope.shows(
            ItemType.NOTE,
            c["event_id"],
            c.get("person_id"),
            owner_organisation_id=c.get("organisation_id"),
        )
    ]


@dataclass
class ItemInput:
    decisions: str = ""
    member_present_id: int | None = None
    actions: list[plans.ActionInput] = field(default_factory=list)


def hold(
    actor: Actor,
    meeting: CaseMeeting,
    *,
    present: set[int],
    minutes: str,
    items: dict[int, ItemInput],
    held_on: date | None = None,
) -> CaseMeeting:
    """Record the meeting as held: attendance, minutes, decisions per household and their actions, which
    are added to each family plan as a new version. All or nothing; errors are keyed per agenda item.
    `held_on` (today when not given) lies between the planned day and today: a meeting is not held before
    it was planned."""
    if not may_hold(actor, meeting):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    held_on = held_on or today
    planned = timezone.localdate(meeting.scheduled_at)
    if held_on < planned:
        errors["held_on"] = [
            _(
                "The meeting was planned for %(date)s: it cannot have been held before that day. Record it "
                "on or after that day, or plan it again."
            )
            % {"date": date_format(planned, "j F Y")}
        ]
    elif held_on > today:
        errors["held_on"] = [_("The day on which it was held cannot be in the future.")]
    try:
        minutes = bounded(minutes, field="minutes", maximum=20000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    agenda = {item.pk: item for item in meeting.items.select_related("household")}
    # Decisions are recorded only for households the actor sees; the others keep what they have.
    seen = set(
        visible_households(actor)
        .filter(pk__in=[i.household_id for i in agenda.values()])
        .values_list("pk", flat=True)
    )
    participants = set(meeting.participants.values_list("organisation_id", flat=True))
    decided: dict[int, str] = {}
    if not present <= participants:
        errors["present"] = [_("Only invited partners can be marked present.")]
    for pk, data in items.items():
        item = agenda.get(pk)
        if item is None or item.household_id not in seen:
            errors["__all__"] = [_("This household is not on the agenda.")]
            continue
        key = f"item-{pk}"
        try:
            decided[pk] = bounded(data.decisions, field=key, maximum=10000)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.message_dict[key])
        if data.actions and not decided.get(pk):
            errors.setdefault(key, []).append(_("Write down the decision the actions come from."))
        if (
            data.member_present_id is not None
            and not item.household.members.filter(person_id=data.member_present_id).exists()
        ):
            errors.setdefault(key, []).append(_("Choose a member of this household."))
    if errors:
        raise ValidationError(errors)
    held_at = (
        timezone.now()
        if held_on == today
        else timezone.make_aware(datetime.combine(held_on, timezone.localtime(meeting.scheduled_at).time()))
    )
    with transaction.atomic():
        MEETING_FLOW.move(
            meeting,
            MeetingStatus.HELD,
            source=MeetingStatus.PLANNED,
            stale=_("This meeting was recorded or cancelled in the meantime."),
            held_at=held_at,
            minutes=minutes,
        )
        MeetingParticipant.objects.filter(meeting=meeting).update(present=False)
        MeetingParticipant.objects.filter(meeting=meeting, organisation_id__in=present).update(present=True)
        owners: set[int] = set()
        # What changed is kept as it was before this meeting's own decisions.
        changes = {
            pk: changes_since(item.household, previous_meeting_date(item.household, meeting))
            for pk, item in agenda.items()
        }
        for pk, item in agenda.items():
            data = items.get(pk, ItemInput())
            if data.actions:
                try:
                    made = plans.add_actions(
                        actor,
                        item.household,
                        data.actions,
                        _("Decided in the case meeting of %(date)s") % {"date": held_on.strftime("%d-%m-%Y")},
                    )
                except ValidationError as exc:
                    raise ValidationError({f"item-{pk}": exc.messages}) from None
                except PermissionDenied:
                    raise ValidationError(
                        {
                            f"item-{pk}": [
                                _("You cannot add actions to the plan of a household you do not see.")
                            ]
                        }
                    ) from None
                owners |= {a.owner_user_id for a in made if a.owner_user_id}
            if item.household_id in seen:
                AgendaItem.objects.filter(pk=pk).update(
                    decisions=decided.get(pk, ""),
                    member_present_id=data.member_present_id,
                    changes=changes[pk],
                )
            else:
                AgendaItem.objects.filter(pk=pk).update(changes=changes[pk])
            add_event(
                item.household,
                EventKind.MEETING,
                _("Discussed in the case meeting of %(date)s; %(n)s actions decided")
                % {"date": held_on.strftime("%d-%m-%Y"), "n": len(data.actions)},
                actor=actor,
            )
        record_many(
            actor,
            action="update",
            object_type="case_meeting",
            object_id=str(meeting.pk),
            subjects=[Subject(item.household_id) for item in agenda.values()],
        )
        with override("nl"):
            title = _("New actions for you from the case meeting of %(date)s") % {
                "date": held_on.strftime("%d-%m-%Y")
            }
        notify(
            owners - {actor.user.pk if actor.user else 0},
            title,
            reverse("collaboration:meeting", args=[meeting.pk]),
        )
    meeting.refresh_from_db()
    return meeting


def may_cancel(actor: Actor, meeting: CaseMeeting) -> bool:
    return (
        actor.user is not None
        and meeting.chair_id == actor.user.pk
        and meeting.status == MeetingStatus.PLANNED
    )


def cancel(actor: Actor, meeting: CaseMeeting) -> None:
    if actor.user is None or meeting.chair_id != actor.user.pk:
        raise PermissionDenied
    with transaction.atomic():
        MEETING_FLOW.move(
            meeting,
            MeetingStatus.CANCELLED,
            source=MeetingStatus.PLANNED,
            stale=_("Only a planned meeting can be cancelled."),
        )
        record_many(
            actor,
            action="update",
            object_type="case_meeting",
            object_id=str(meeting.pk),
            subjects=[Subject()],
        )


@dataclass
class ItemView:
    item: AgendaItem
    visible: bool
    changes: list[dict[str, Any]]
    open_actions: list[PlanAction]
    absent_actions: list[PlanAction]
    scope: Scope = WHOLE
    hidden_changes: int = 0
    hidden_actions: int = 0
    # Whom this item's minutes and decisions are kept from (whole-household partners see the label).
    shielded_names: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return self.scope.whole

    @property
    def shows_decisions(self) -> bool:
        """Decisions are free text about anyone in the household: whole-household partners only."""
        return self.visible and self.scope.whole

    @property
    def member_present(self) -> object:
        item = self.item
        return item.member_present if self.scope.sees_person(item.member_present_id) else None


def may_read_minutes(rows: list[ItemView]) -> bool:
    """The minutes are one text about the whole meeting, so they may mention any household on the
    agenda: only someone who may see every one of them, each as a whole, reads them (for an ad hoc meeting:
    those who see its household as a whole; a partner working only with the perpetrator never).
    Decisions are per agenda item and follow that household (`ItemView.shows_decisions`)."""
    return bool(rows) and all(row.visible and row.whole for row in rows)


def minutes_shielded_names(rows: list[ItemView]) -> list[str]:
    """For the label on the minutes: every member some agenda item's minutes are kept from."""
    return sorted({name for row in rows for name in row.shielded_names})


def agenda_view(actor: Actor, meeting: CaseMeeting) -> list[ItemView]:
    """Per household: what changed since last time, its open actions, and those of absent partners. An
    item of a household the actor does not see carries nothing but its place on the agenda."""
    items = list(meeting.items.select_related("household", "member_present"))
    seen = set(
        visible_households(actor).filter(pk__in=[i.household_id for i in items]).values_list("pk", flat=True)
    )
    absent = set(meeting.participants.filter(present=False).values_list("organisation_id", flat=True))
    actions: dict[int, list[PlanAction]] = {}
    for action in (
        PlanAction.objects.filter(plan__household__in=seen, status__in=OPEN_ACTION)
        .select_related("owner_organisation", "owner_user", "person", "plan")
        .order_by("due_on", "pk")
    ):
        actions.setdefault(action.plan.household_id, []).append(action)
    from verband.safety.selectors import member_names, shielded_names

    rows = []
    for item in items:
        visible = item.household_id in seen
        scope = view_scope(actor, item.household) if visible else Scope(whole=False, person_ids=frozenset())
        if not visible:
            changes = []  # nothing about a household the actor does not see, not even what changed
        elif meeting.status == MeetingStatus.HELD:
            changes = item.changes
        else:
            changes = changes_since(item.household, previous_meeting_date(item.household, meeting))
        shown_changes = visible_changes(scope, changes)
        every_action = actions.get(item.household_id, []) if visible else []
        open_actions = scope.visible(every_action, ItemType.ACTION)
        names = member_names(item.household_id) if visible and scope.whole else {}
        rows.append(
            ItemView(
                item,
                visible,
                shown_changes,
                open_actions,
                [a for a in open_actions if a.owner_organisation_id in absent],
                scope=scope,
                hidden_changes=len(changes) - len(shown_changes),
                hidden_actions=len(every_action) - len(open_actions),
                shielded_names=shielded_names(scope, ItemType.MINUTES, item.pk, names),
            )
        )
    return rows
