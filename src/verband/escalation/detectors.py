"""Finding what stalls: one detector per norm. Reads only.

Each detector reads the ids and dates of its candidates in one query, and only the rows that can have
breached their norm (a deadline in working days is never earlier than the same number of calendar days).
The norms of every region and who must act for which team, network and organisation are read once per
sweep (`Context`). So detecting makes the same number of queries for a thousand households as for a
hundred thousand. What a stall is, in words, is written by `describe` only for the stalls that get an
escalation: a query per kind of stall.

Deadlines count working days (weekends and Dutch public holidays do not count, `verband.workdays`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.collaboration.models import WAITING_STATUSES, Handover, HandoverStatus, Help, HelpKind
from verband.escalation.models import EscalationKind
from verband.households.models import Household, HouseholdStatus
from verband.network.models import CASEWORK_ROLES, Membership, RegionNorms, Role
from verband.plans.models import (
    ActionStatus,
    MandateStatus,
    PlanAction,
    Regie,
    RegieTransfer,
    TransferStatus,
)
from verband.portal.models import MemberMessage
from verband.rights.models import WARNING_WORKING_DAYS, RightsRequest
from verband.safety.models import SafetyAssessment
from verband.sharing.models import Involvement, Purpose
from verband.signals.models import Activation, ActivationStatus
from verband.tasks.models import Task
from verband.workdays import add_working_days

M = TypeVar("M", bound=models.Model)

# Who works a case at step 1 when there is no regisseur: case workers, not experience experts.
WORKERS = (Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR)


@dataclass
class Stall:
    """Something that breaches a norm, found by a detector. `owners` are the memberships that should
    act at step 1 besides the regisseur; `parties` are organisations the stall is waiting for, whose line
    managers and managers join on steps 2 and 3.

    `summary` says what stalls in words (kinds, references and organisations, never persons). Detectors
    read only ids and dates; `describe` writes the summaries of the stalls that get an escalation, a few
    queries for all of them, so a sweep does not spell out every stall it finds open already."""

    kind: str
    subject_type: str
    subject_id: int
    household_id: int | None
    region_id: int
    since: date
    summary: str = ""
    owners: list[int] = field(default_factory=list)
    parties: list[int] = field(default_factory=list)
    # How the summary is written (by `describe`), and the norm it names, if any.
    describer: Callable[[Sequence[Stall]], None] | None = field(default=None, repr=False, compare=False)
    norm_days: int | None = None
    # A stall of a whole household gathers the items that stall for it (e.g. the activations of one
    # household nobody took up): one escalation per household, not one per item.
    items: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.subject_type, self.subject_id)


def _field_default(name: str) -> int:
    return int(getattr(RegionNorms(), name))


class Context:
    """What every detector needs besides its own rows, read once per sweep in a fixed number of queries:
    the norms of every region (a region without a row has the default norms; nothing is written) and the
    active memberships who act for a team, a network or an organisation."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.norms: dict[int, RegionNorms] = {n.region_id: n for n in RegionNorms.objects.all()}
        self._due: dict[tuple[date, int], date] = {}
        workers = Membership.objects.active().filter(role__in=WORKERS)
        self._team: dict[int, list[int]] = defaultdict(list)
        for pk, team_id in workers.filter(team__isnull=False).order_by("pk").values_list("pk", "team_id"):
            self._team[team_id].append(pk)
        self._network: dict[int, list[int]] = defaultdict(list)
        self._coordinators: dict[int, list[int]] = defaultdict(list)
        links = Membership.networks.through.objects.filter(membership__in=workers).order_by("membership_id")
        for network_id, pk, role in links.values_list("network_id", "membership_id", "membership__role"):
            self._network[network_id].append(pk)
            if role == Role.NETWORK_COORDINATOR:
                self._coordinators[network_id].append(pk)
        self._casework: dict[tuple[int, int], int] = {}
        casework = Membership.objects.active().filter(role__in=CASEWORK_ROLES).order_by("role", "pk")
        for pk, user_id, organisation_id in casework.values_list("pk", "user_id", "organisation_id"):
            self._casework.setdefault((user_id, organisation_id), pk)
        self._line_managers: dict[tuple[int, int], int] = {}
        managers = Membership.objects.active().filter(role=Role.LINE_MANAGER).order_by("pk")
        for pk, user_id, organisation_id in managers.values_list("pk", "user_id", "organisation_id"):
            self._line_managers.setdefault((user_id, organisation_id), pk)

    def norms_of(self, region_id: int) -> RegionNorms:
        norms = self.norms.get(region_id)
        if norms is None:
            norms = self.norms[region_id] = RegionNorms(region_id=region_id)
        return norms

    def due(self, start: date | datetime, days: int) -> date:
        day = timezone.localdate(start) if isinstance(start, datetime) else start
        key = (day, days)
        if key not in self._due:
            self._due[key] = add_working_days(day, days)
        return self._due[key]

    def breached_before(self, norm: str, *extra: int | None) -> date:
        """The last start day that can have breached `norm` (a RegionNorms field) by today: a deadline of
        n working days lies at least n calendar days after its start."""
        days = [getattr(n, norm) for n in self.norms.values()] + [_field_default(norm)]
        days += [d for d in extra if d is not None]
        return self.today - timedelta(days=min(days))

    def team_workers(self, team_id: int | None, network_id: int | None = None) -> list[int]:
        """Who must act for a team (its case workers) or a network (its coordinators, who see that the
        network takes it up; only without a coordinator all of its members)."""
        if team_id is not None:
            return list(self._team.get(team_id, ()))
        if network_id is None:
            return []
        return list(self._coordinators.get(network_id) or self._network.get(network_id) or [])

    def line_manager_of(self, user_id: int | None, organisation_id: int) -> list[int]:
        """The line-manager membership of a person at an organisation, if any."""
        pk = self._line_managers.get((user_id, organisation_id)) if user_id is not None else None
        return [pk] if pk is not None else []

    def membership_of(self, user_id: int | None, organisation_id: int) -> list[int]:
        """The case-working membership of a person at an organisation, if any."""
        pk = self._casework.get((user_id, organisation_id)) if user_id is not None else None
        return [pk] if pk is not None else []


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


# --- The detectors: one per norm, ids and dates only -----------------------------------------------


def per_household(stalls: Iterable[Stall]) -> Iterator[Stall]:
    """One stall per household for items that stall the household as a whole (activations not taken up,
    safety assessments not recorded, first contact not recorded): their owners and parties together, the
    earliest breach. The subject is the household, so a second activation of the same household adds to
    its escalation instead of opening another, and the escalation ends when the last of them is done."""
    merged: dict[int, Stall] = {}
    for stall in stalls:
        if stall.household_id is None:
            yield stall
            continue
        into = merged.get(stall.household_id)
        if into is None:
            merged[stall.household_id] = Stall(
                stall.kind,
                "household",
                stall.household_id,
                stall.household_id,
                stall.region_id,
                stall.since,
                owners=list(stall.owners),
                parties=list(stall.parties),
                describer=stall.describer,
                items=[stall.subject_id],
            )
            continue
        into.since = min(into.since, stall.since)
        into.owners += [m for m in stall.owners if m not in into.owners]
        into.parties += [o for o in stall.parties if o not in into.parties]
        into.items.append(stall.subject_id)
    yield from merged.values()


def _open_activations_late(
    ctx: Context, *, update: bool, kind: str, describer: Callable[[Sequence[Stall]], None]
) -> Iterator[Stall]:
    """Open activations past their due date: a take-up (`update=False`) or an update for a partner already
    involved, to be marked as seen (`update=True`). They wait for the workers of the team or network."""
    late = Activation.objects.filter(
        status=ActivationStatus.OPEN, update=update, due_on__lt=ctx.today
    ).order_by("pk")
    for pk, household_id, region, due_on, team_id, network_id, team_org in late.values_list(
        "pk",
        "household_id",
        "household__region_id",
        "due_on",
        "team_id",
        "network_id",
        "team__organisation_id",
    ):
        yield Stall(
            kind,
            "activation",
            pk,
            household_id,
            region,
            due_on,
            owners=ctx.team_workers(team_id, network_id),
            parties=[team_org] if team_id else [],
            describer=describer,
        )


def _signals_not_taken_up(ctx: Context) -> Iterator[Stall]:
    # An update for a partner already involved is not taken up again: it is seen (`updates_not_seen`).
    return _open_activations_late(
        ctx, update=False, kind=EscalationKind.SIGNAL_NOT_ACCEPTED, describer=_describe_not_taken_up
    )


def updates_not_seen(ctx: Context) -> Iterator[Stall]:
    """A new signal for a partner already involved, not marked as seen ("Gezien") within the region's
    `acknowledge_days`."""
    return _open_activations_late(
        ctx, update=True, kind=EscalationKind.UPDATE_NOT_SEEN, describer=_describe_not_seen
    )


def _first_contact_late(ctx: Context) -> Iterator[Stall]:
    waiting = (
        Involvement.objects.active(ctx.today)
        .filter(
            purpose=Purpose.HELP,
            first_contact_at__isnull=True,
            household__status=HouseholdStatus.ACTIVE,
            started_on__lt=ctx.breached_before("first_contact_days"),
        )
        .order_by("pk")
    )
    for pk, household_id, region, started_on, team_id, network_id, organisation_id in waiting.values_list(
        "pk", "household_id", "household__region_id", "started_on", "team_id", "network_id", "organisation_id"
    ):
        due = ctx.due(started_on, ctx.norms_of(region).first_contact_days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.FIRST_CONTACT_LATE,
            "involvement",
            pk,
            household_id,
            region,
            due,
            owners=ctx.team_workers(team_id, network_id),
            parties=[organisation_id] if organisation_id else [],
            describer=_describe_no_first_contact,
        )


def _assessments_late(ctx: Context) -> Iterator[Stall]:
    assessed = SafetyAssessment.objects.filter(
        household_id=OuterRef("household_id"), assessed_at__gte=OuterRef("signal__received_at")
    )
    late = (
        Activation.objects.filter(
            status=ActivationStatus.ACCEPTED, purpose=Purpose.SAFETY_ASSESSMENT, due_on__lt=ctx.today
        )
        .exclude(Exists(assessed))
        .order_by("pk")
    )
    for pk, household_id, region, due_on, team_id, network_id, team_org, decided_by in late.values_list(
        "pk",
        "household_id",
        "household__region_id",
        "due_on",
        "team_id",
        "network_id",
        "team__organisation_id",
        "decided_by_id",
    ):
        owners = ctx.membership_of(decided_by, team_org) if team_id else []
        yield Stall(
            EscalationKind.ASSESSMENT_LATE,
            "activation",
            pk,
            household_id,
            region,
            due_on,
            owners=owners or ctx.team_workers(team_id, network_id),
            parties=[team_org] if team_id else [],
            describer=_describe_no_assessment,
        )


def actions_overdue(ctx: Context) -> Iterator[Stall]:
    overdue = PlanAction.objects.filter(
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
        due_on__lt=ctx.breached_before("action_grace_days"),
        plan__household__status=HouseholdStatus.ACTIVE,
    ).order_by("pk")
    for pk, household_id, region, due_on, owner_user, owner_org in overdue.values_list(
        "pk",
        "plan__household_id",
        "plan__household__region_id",
        "due_on",
        "owner_user_id",
        "owner_organisation_id",
    ):
        if ctx.due(due_on, ctx.norms_of(region).action_grace_days) >= ctx.today:
            continue
        yield Stall(
            EscalationKind.ACTION_OVERDUE,
            "plan_action",
            pk,
            household_id,
            region,
            due_on,
            owners=ctx.membership_of(owner_user, owner_org),
            parties=[owner_org],
            describer=_describe_action_overdue,
        )


def handovers_unanswered(ctx: Context) -> Iterator[Stall]:
    late = Handover.objects.filter(status=HandoverStatus.PENDING, due_on__lt=ctx.today).order_by("pk")
    for pk, household_id, region, due_on, from_membership, to_org in late.values_list(
        "pk",
        "household_id",
        "household__region_id",
        "due_on",
        "from_membership_id",
        "to_team__organisation_id",
    ):
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "handover",
            pk,
            household_id,
            region,
            due_on,
            owners=[from_membership],
            parties=[to_org],
            describer=_describe_handover,
        )
    asked_before = timezone.make_aware(datetime.combine(ctx.breached_before("handover_days"), time.min))
    transfers = RegieTransfer.objects.filter(status=TransferStatus.PENDING, requested_at__lt=asked_before)
    for pk, household_id, region, requested_at, requested_by, from_org, to_org in transfers.order_by(
        "pk"
    ).values_list(
        "pk",
        "household_id",
        "household__region_id",
        "requested_at",
        "requested_by_id",
        "from_regie__organisation_id",
        "to_membership__organisation_id",
    ):
        due = ctx.due(requested_at, ctx.norms_of(region).handover_days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "regie_transfer",
            pk,
            household_id,
            region,
            due,
            owners=ctx.membership_of(requested_by, from_org) if from_org is not None else [],
            parties=[to_org],
            describer=_describe_transfer,
        )


def help_waiting(ctx: Context) -> Iterator[Stall]:
    shortest_kind = HelpKind.objects.aggregate(days=Min("waiting_norm_working_days"))["days"]
    waiting = Help.objects.filter(
        status__in=WAITING_STATUSES,
        household__status=HouseholdStatus.ACTIVE,
        requested_on__lt=ctx.breached_before("waiting_days", shortest_kind),
    ).order_by("pk")
    for pk, household_id, region, requested_on, kind_days, created_by, provider_org in waiting.values_list(
        "pk",
        "household_id",
        "household__region_id",
        "requested_on",
        "kind__waiting_norm_working_days",
        "created_by_id",
        "provider__organisation_id",
    ):
        days = kind_days if kind_days is not None else ctx.norms_of(region).waiting_days
        due = ctx.due(requested_on, days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.WAITING_OVER_NORM,
            "help",
            pk,
            household_id,
            region,
            due,
            owners=ctx.membership_of(created_by, provider_org) if provider_org is not None else [],
            parties=[provider_org] if provider_org is not None else [],
            describer=_describe_help,
            norm_days=days,
        )


def without_regisseur(ctx: Context) -> Iterator[Stall]:
    current = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    candidates = Household.objects.filter(status=HouseholdStatus.ACTIVE).exclude(Exists(current))
    households = (
        candidates.annotate(
            first_involved=Min("involvements__started_on", filter=Q(involvements__ended_on__isnull=True))
        )
        .filter(first_involved__lt=ctx.breached_before("no_regisseur_days"))
        .order_by("pk")
        .values_list("pk", "region_id", "first_involved")
    )
    late = []
    for pk, region, first_involved in households:
        due = ctx.due(first_involved, ctx.norms_of(region).no_regisseur_days)
        if due < ctx.today:
            late.append((pk, region, due))
    # The organisations involved with each of them (as `involved_organisation_ids`), in one query.
    involved: dict[int, set[int]] = defaultdict(set)
    if late:
        rows = Involvement.objects.active(ctx.today).filter(
            household__in=candidates, organisation__isnull=False, only_user__isnull=True
        )
        for household_id, organisation_id in rows.values_list("household_id", "organisation_id"):
            involved[household_id].add(organisation_id)
    for pk, region, due in late:
        yield Stall(
            EscalationKind.NO_REGISSEUR,
            "household",
            pk,
            pk,
            region,
            due,
            parties=sorted(involved[pk]),
            describer=_describe_no_regisseur,
        )


def rights_requests_due(ctx: Context) -> Iterator[Stall]:
    """A member's request under the AVG still open (undecided, or an access export not delivered) within
    `WARNING_WORKING_DAYS` working days of its legal deadline, or past it: the month is a hard limit, so it
    goes onto the ladder before it is missed. It waits for the organisation that received it."""
    warn_until = ctx.due(ctx.today, WARNING_WORKING_DAYS)
    due = RightsRequest.objects.open().filter(due_on__lte=warn_until).order_by("pk")
    for pk, household_id, region, due_on, recorded_by, organisation_id in due.values_list(
        "pk", "household_id", "household__region_id", "due_on", "recorded_by_id", "organisation_id"
    ):
        yield Stall(
            EscalationKind.RIGHTS_REQUEST_DUE,
            "rights_request",
            pk,
            household_id,
            region,
            min(due_on, ctx.today),
            owners=ctx.membership_of(recorded_by, organisation_id),
            parties=[organisation_id],
            describer=_describe_rights_request,
        )


def tasks_overdue(ctx: Context) -> Iterator[Stall]:
    """A task not done by its date (the review of the safety plan before a measure ends, an aftercare
    check after closing): it waits for the one it was given to, and their organisation."""
    late = Task.objects.open().filter(due_on__lt=ctx.today).order_by("pk")
    for pk, household_id, region, due_on, membership_id, organisation_id in late.values_list(
        "pk", "household_id", "household__region_id", "due_on", "assignee_membership_id", "organisation_id"
    ):
        yield Stall(
            EscalationKind.TASK_OVERDUE,
            "task",
            pk,
            household_id,
            region,
            due_on,
            owners=[membership_id] if membership_id is not None else [],
            parties=[organisation_id] if organisation_id is not None else [],
            describer=_describe_task,
        )


def signals_not_taken_up(ctx: Context) -> Iterator[Stall]:
    return per_household(_signals_not_taken_up(ctx))


def first_contact_late(ctx: Context) -> Iterator[Stall]:
    return per_household(_first_contact_late(ctx))


def assessments_late(ctx: Context) -> Iterator[Stall]:
    return per_household(_assessments_late(ctx))


def mandates_unconfirmed(ctx: Context) -> Iterator[Stall]:
    """A regie whose line manager has not confirmed the mandate within the norm: it waits for the line
    manager named (the owner at step 1, besides the regisseur)."""
    asked_before = timezone.make_aware(datetime.combine(ctx.breached_before("mandate_days"), time.min))
    waiting = Regie.objects.filter(
        ended_at__isnull=True, mandate_status=MandateStatus.REQUESTED, started_at__lt=asked_before
    ).order_by("pk")
    for pk, household_id, region, started_at, manager, organisation_id in waiting.values_list(
        "pk", "household_id", "household__region_id", "started_at", "mandated_by_id", "organisation_id"
    ):
        due = ctx.due(started_at, ctx.norms_of(region).mandate_days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.MANDATE_UNCONFIRMED,
            "regie",
            pk,
            household_id,
            region,
            due,
            owners=ctx.line_manager_of(manager, organisation_id),
            parties=[organisation_id],
            describer=_describe_mandate,
        )


def member_questions_unanswered(ctx: Context) -> Iterator[Stall]:
    """A question a member asked at the household's door, not answered by the regisseur within
    `VERBAND_MEMBER_QUESTION_ANSWER_DAYS` working days: one stall per member's thread (its oldest open
    question), waiting for the regisseur and their organisation. It ends when the regisseur answers."""
    days = settings.MEMBER_QUESTION_ANSWER_DAYS
    asked_before = timezone.make_aware(datetime.combine(ctx.today - timedelta(days=days), time.min))
    waiting = MemberMessage.objects.filter(
        from_member=True,
        answered_at__isnull=True,
        at__lt=asked_before,
        household__status=HouseholdStatus.ACTIVE,
    ).order_by("at", "pk")
    regies: dict[int, tuple[int, int]] = {}
    seen: set[tuple[int, int]] = set()
    rows = list(waiting.values_list("pk", "household_id", "person_id", "household__region_id", "at"))
    if rows:
        current = Regie.objects.filter(
            ended_at__isnull=True, household_id__in={household_id for _pk, household_id, *_rest in rows}
        )
        for household_id, membership_id, organisation_id in current.values_list(
            "household_id", "membership_id", "organisation_id"
        ):
            regies[household_id] = (membership_id, organisation_id)
    for pk, household_id, person_id, region, at in rows:
        if (household_id, person_id) in seen:
            continue
        seen.add((household_id, person_id))
        due = ctx.due(at, days)
        if due >= ctx.today:
            continue
        regie = regies.get(household_id)
        yield Stall(
            EscalationKind.MEMBER_QUESTION,
            "member_message",
            pk,
            household_id,
            region,
            due,
            owners=[regie[0]] if regie is not None else [],
            parties=[regie[1]] if regie is not None else [],
            describer=_describe_member_question,
            norm_days=days,
        )


# --- What each stall is, in words: a query per kind for the stalls that get an escalation -----------

_CHUNK = 5000  # ids per query, within every database's limit on parameters


def _load(model: type[M], stalls: Sequence[Stall], *related: str) -> Iterator[tuple[Stall, M]]:
    for start in range(0, len(stalls), _CHUNK):
        chunk = stalls[start : start + _CHUNK]
        found = model._default_manager.select_related(*related).in_bulk([s.subject_id for s in chunk])
        for stall in chunk:
            if stall.subject_id in found:
                yield stall, found[stall.subject_id]


def _items(model: type[M], stalls: Sequence[Stall], *related: str) -> Iterator[tuple[Stall, list[M]]]:
    """The items gathered in each household's stall (`per_household`), in a query per chunk."""
    for start in range(0, len(stalls), _CHUNK):
        chunk = stalls[start : start + _CHUNK]
        ids = [pk for s in chunk for pk in (s.items or [s.subject_id])]
        found = model._default_manager.select_related(*related).in_bulk(ids)
        for stall in chunk:
            rows = [found[pk] for pk in (stall.items or [stall.subject_id]) if pk in found]
            if rows:
                yield stall, rows


def _names(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(values))


def _describe_not_taken_up(stalls: Sequence[Stall]) -> None:
    for stall, rows in _items(Activation, stalls, "signal", "team__organisation", "network"):
        stall.summary = _("%(signal)s for %(party)s not taken up (due %(due)s)") % {
            "signal": _names(a.signal.reference for a in rows),
            "party": _names(a.party_name for a in rows),
            "due": _day(min(a.due_on for a in rows)),
        }


def _describe_not_seen(stalls: Sequence[Stall]) -> None:
    for stall, a in _load(Activation, stalls, "signal", "team__organisation", "network"):
        stall.summary = _(
            "New signal %(signal)s for %(party)s, already involved, not marked as seen (due %(due)s)"
        ) % {
            "signal": a.signal.reference,
            "party": a.party_name,
            "due": _day(a.due_on),
        }


def _describe_no_first_contact(stalls: Sequence[Stall]) -> None:
    for stall, rows in _items(
        Involvement, stalls, "household", "team__organisation", "network", "organisation"
    ):
        stall.summary = _("%(party)s has not recorded first contact with %(ref)s (due %(due)s)") % {
            "party": _names(str(inv.party) for inv in rows),
            "ref": rows[0].household.reference,
            "due": _day(stall.since),
        }


def _describe_no_assessment(stalls: Sequence[Stall]) -> None:
    for stall, rows in _items(Activation, stalls, "signal", "team__organisation", "network"):
        stall.summary = _("Safety assessment after %(signal)s by %(party)s not recorded (due %(due)s)") % {
            "signal": _names(a.signal.reference for a in rows),
            "party": _names(a.party_name for a in rows),
            "due": _day(min(a.due_on for a in rows)),
        }


def _describe_mandate(stalls: Sequence[Stall]) -> None:
    for stall, regie in _load(Regie, stalls, "household", "organisation"):
        stall.summary = _("The regie mandate for %(ref)s at %(org)s is not confirmed (due %(due)s)") % {
            "ref": regie.household.reference,
            "org": regie.organisation,
            "due": _day(stall.since),
        }


def _describe_action_overdue(stalls: Sequence[Stall]) -> None:
    for stall, action in _load(PlanAction, stalls, "plan__household", "owner_organisation"):
        stall.summary = _("An action of %(org)s in the family plan of %(ref)s is overdue (due %(due)s)") % {
            "org": action.owner_organisation,
            "ref": action.plan.household.reference,
            "due": _day(action.due_on),
        }


def _describe_handover(stalls: Sequence[Stall]) -> None:
    for stall, h in _load(Handover, stalls, "household", "to_team__organisation"):
        stall.summary = _("%(kind)s of %(ref)s to %(team)s (%(org)s) not answered (due %(due)s)") % {
            "kind": h.get_kind_display(),
            "ref": h.household.reference,
            "team": h.to_team.name,
            "org": h.to_team.organisation,
            "due": _day(h.due_on),
        }


def _describe_transfer(stalls: Sequence[Stall]) -> None:
    for stall, t in _load(RegieTransfer, stalls, "household", "to_membership__organisation"):
        stall.summary = _("Regie of %(ref)s offered to %(org)s, not answered (due %(due)s)") % {
            "ref": t.household.reference,
            "org": t.to_membership.organisation,
            "due": _day(stall.since),
        }


def _describe_help(stalls: Sequence[Stall]) -> None:
    for stall, h in _load(Help, stalls, "household", "kind"):
        stall.summary = _("%(kind)s for %(ref)s: %(status)s since %(since)s, norm %(days)s working days") % {
            "kind": h.kind.name,
            "ref": h.household.reference,
            "status": h.get_status_display().lower(),
            "since": _day(h.requested_on),
            "days": stall.norm_days,
        }


def _describe_no_regisseur(stalls: Sequence[Stall]) -> None:
    for stall, household in _load(Household, stalls):
        stall.summary = _("%(ref)s has had no regisseur since %(since)s") % {
            "ref": household.reference,
            "since": _day(stall.since),
        }


def _describe_rights_request(stalls: Sequence[Stall]) -> None:
    for stall, r in _load(RightsRequest, stalls, "household", "organisation"):
        stall.summary = _(
            "Request under the AVG (%(kind)s) at %(ref)s, received by %(org)s: to be answered by %(due)s"
        ) % {
            "kind": r.get_kind_display().lower(),
            "ref": r.household.reference,
            "org": r.organisation.label,
            "due": _day(r.due_on),
        }


def _describe_task(stalls: Sequence[Stall]) -> None:
    for stall, task in _load(Task, stalls, "household"):
        # A task's title names a kind of work and a date, never a person (`tasks.models`).
        stall.summary = _("%(title)s at %(ref)s: not done (due %(due)s)") % {
            "title": task.title,
            "ref": task.household.reference,
            "due": _day(task.due_on),
        }


def _describe_member_question(stalls: Sequence[Stall]) -> None:
    for stall, message in _load(MemberMessage, stalls, "household"):
        # Names the household's reference, never the member nor what they asked.
        stall.summary = _(
            "A question from a member of %(ref)s is not answered (asked %(asked)s, norm %(days)s working days)"
        ) % {
            "ref": message.household.reference,
            "asked": _day(timezone.localdate(message.at)),
            "days": stall.norm_days,
        }


def describe(stalls: Iterable[Stall]) -> None:
    """Write the summary of every stall that has none yet, in a query per kind of stall."""
    todo: dict[Callable[[Sequence[Stall]], None], list[Stall]] = defaultdict(list)
    for stall in stalls:
        if not stall.summary and stall.describer is not None:
            todo[stall.describer].append(stall)
    for describer, group in todo.items():
        describer(group)


DETECTORS: tuple[Callable[[Context], Iterator[Stall]], ...] = (
    signals_not_taken_up,
    updates_not_seen,
    first_contact_late,
    assessments_late,
    actions_overdue,
    handovers_unanswered,
    help_waiting,
    without_regisseur,
    rights_requests_due,
    tasks_overdue,
    mandates_unconfirmed,
    member_questions_unanswered,
)


def detect(today: date | None = None) -> list[Stall]:
    """Every stall of every kind today, in a fixed number of queries."""
    ctx = Context(today or timezone.localdate())
    return [stall for detector in DETECTORS for stall in detector(ctx)]
