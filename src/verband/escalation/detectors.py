"""Finding what stalls: one detector per norm. Reads only.

Each detector reads its candidates in one query, with what its summary names joined in, and only the
rows that can have breached their norm (a deadline in working days is never earlier than the same number
of calendar days). The norms of every region and who must act for which team, network and organisation
are read once per sweep (`Context`). So detecting makes the same number of queries for a thousand
households as for a hundred thousand.

Deadlines count working days (weekends and Dutch public holidays do not count, `verband.workdays`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.collaboration.models import WAITING_STATUSES, Handover, HandoverStatus, Help, HelpKind
from verband.escalation.models import EscalationKind, RegionNorms
from verband.households.models import Household, HouseholdStatus
from verband.network.models import CASEWORK_ROLES, Membership, Role
from verband.plans.models import ActionStatus, PlanAction, Regie, RegieTransfer, TransferStatus
from verband.safety.models import SafetyAssessment
from verband.sharing.models import Involvement, Purpose
from verband.signals.models import Activation, ActivationStatus
from verband.workdays import add_working_days

# Who works a case at step 1 when there is no regisseur: case workers, not experience experts.
WORKERS = (Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR)


@dataclass
class Stall:
    """Something that breaches a norm, found by a detector. `owners` are the memberships that should
    act at step 1 besides the regisseur; `parties` are organisations the stall is waiting for, whose line
    managers and managers join on steps 2 and 3."""

    kind: str
    subject_type: str
    subject_id: int
    household_id: int | None
    region_id: int
    since: date
    summary: str
    owners: list[int] = field(default_factory=list)
    parties: list[int] = field(default_factory=list)

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

    def membership_of(self, user_id: int | None, organisation_id: int) -> list[int]:
        """The case-working membership of a person at an organisation, if any."""
        pk = self._casework.get((user_id, organisation_id)) if user_id is not None else None
        return [pk] if pk is not None else []


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def signals_not_taken_up(ctx: Context) -> Iterator[Stall]:
    late = (
        Activation.objects.filter(status=ActivationStatus.OPEN, due_on__lt=ctx.today)
        .select_related("household", "team__organisation", "network", "signal")
        .order_by("pk")
    )
    for a in late:
        yield Stall(
            EscalationKind.SIGNAL_NOT_ACCEPTED,
            "activation",
            a.pk,
            a.household_id,
            a.household.region_id,
            a.due_on,
            _("%(signal)s for %(party)s not taken up (due %(due)s)")
            % {"signal": a.signal.reference, "party": a.party_name, "due": _day(a.due_on)},
            owners=ctx.team_workers(a.team_id, a.network_id),
            parties=[a.team.organisation_id] if a.team else [],
        )


def first_contact_late(ctx: Context) -> Iterator[Stall]:
    waiting = (
        Involvement.objects.active(ctx.today)
        .filter(
            purpose=Purpose.HELP,
            first_contact_at__isnull=True,
            household__status=HouseholdStatus.ACTIVE,
            started_on__lt=ctx.breached_before("first_contact_days"),
        )
        .select_related("household", "team__organisation", "network", "organisation")
        .order_by("pk")
    )
    for inv in waiting:
        region = inv.household.region_id
        due = ctx.due(inv.started_on, ctx.norms_of(region).first_contact_days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.FIRST_CONTACT_LATE,
            "involvement",
            inv.pk,
            inv.household_id,
            region,
            due,
            _("%(party)s has not recorded first contact with %(ref)s (due %(due)s)")
            % {"party": inv.party, "ref": inv.household.reference, "due": _day(due)},
            owners=ctx.team_workers(inv.team_id, inv.network_id),
            parties=[inv.organisation_id] if inv.organisation_id else [],
        )


def assessments_late(ctx: Context) -> Iterator[Stall]:
    assessed = SafetyAssessment.objects.filter(
        household_id=OuterRef("household_id"), assessed_at__gte=OuterRef("signal__received_at")
    )
    late = (
        Activation.objects.filter(
            status=ActivationStatus.ACCEPTED, purpose=Purpose.SAFETY_ASSESSMENT, due_on__lt=ctx.today
        )
        .exclude(Exists(assessed))
        .select_related("household", "team__organisation", "network", "signal")
        .order_by("pk")
    )
    for a in late:
        owners = ctx.membership_of(a.decided_by_id, a.team.organisation_id) if a.team else []
        yield Stall(
            EscalationKind.ASSESSMENT_LATE,
            "activation",
            a.pk,
            a.household_id,
            a.household.region_id,
            a.due_on,
            _("Safety assessment after %(signal)s by %(party)s not recorded (due %(due)s)")
            % {"signal": a.signal.reference, "party": a.party_name, "due": _day(a.due_on)},
            owners=owners or ctx.team_workers(a.team_id, a.network_id),
            parties=[a.team.organisation_id] if a.team else [],
        )


def actions_overdue(ctx: Context) -> Iterator[Stall]:
    overdue = (
        PlanAction.objects.filter(
            status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
            due_on__lt=ctx.breached_before("action_grace_days"),
            plan__household__status=HouseholdStatus.ACTIVE,
        )
        .select_related("plan__household", "owner_organisation")
        .order_by("pk")
    )
    for action in overdue:
        household = action.plan.household
        since = ctx.due(action.due_on, ctx.norms_of(household.region_id).action_grace_days)
        if since >= ctx.today:
            continue
        yield Stall(
            EscalationKind.ACTION_OVERDUE,
            "plan_action",
            action.pk,
            household.pk,
            household.region_id,
            action.due_on,
            _("An action of %(org)s in the family plan of %(ref)s is overdue (due %(due)s)")
            % {"org": action.owner_organisation, "ref": household.reference, "due": _day(action.due_on)},
            owners=ctx.membership_of(action.owner_user_id, action.owner_organisation_id),
            parties=[action.owner_organisation_id],
        )


def handovers_unanswered(ctx: Context) -> Iterator[Stall]:
    late = (
        Handover.objects.filter(status=HandoverStatus.PENDING, due_on__lt=ctx.today)
        .select_related("household", "to_team__organisation")
        .order_by("pk")
    )
    for h in late:
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "handover",
            h.pk,
            h.household_id,
            h.household.region_id,
            h.due_on,
            _("%(kind)s of %(ref)s to %(team)s (%(org)s) not answered (due %(due)s)")
            % {
                "kind": h.get_kind_display(),
                "ref": h.household.reference,
                "team": h.to_team.name,
                "org": h.to_team.organisation,
                "due": _day(h.due_on),
            },
            owners=[h.from_membership_id],
            parties=[h.to_team.organisation_id],
        )
    asked_before = timezone.make_aware(datetime.combine(ctx.breached_before("handover_days"), time.min))
    transfers = (
        RegieTransfer.objects.filter(status=TransferStatus.PENDING, requested_at__lt=asked_before)
        .select_related("household", "to_membership__organisation", "from_regie")
        .order_by("pk")
    )
    for t in transfers:
        region = t.household.region_id
        due = ctx.due(t.requested_at, ctx.norms_of(region).handover_days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "regie_transfer",
            t.pk,
            t.household_id,
            region,
            due,
            _("Regie of %(ref)s offered to %(org)s, not answered (due %(due)s)")
            % {"ref": t.household.reference, "org": t.to_membership.organisation, "due": _day(due)},
            owners=ctx.membership_of(t.requested_by_id, t.from_regie.organisation_id) if t.from_regie else [],
            parties=[t.to_membership.organisation_id],
        )


def help_waiting(ctx: Context) -> Iterator[Stall]:
    shortest_kind = HelpKind.objects.aggregate(days=Min("waiting_norm_working_days"))["days"]
    waiting = (
        Help.objects.filter(
            status__in=WAITING_STATUSES,
            household__status=HouseholdStatus.ACTIVE,
            requested_on__lt=ctx.breached_before("waiting_days", shortest_kind),
        )
        .select_related("household", "kind", "provider__organisation")
        .order_by("pk")
    )
    for h in waiting:
        region = h.household.region_id
        days = h.kind.waiting_norm_working_days
        if days is None:
            days = ctx.norms_of(region).waiting_days
        due = ctx.due(h.requested_on, days)
        if due >= ctx.today:
            continue
        yield Stall(
            EscalationKind.WAITING_OVER_NORM,
            "help",
            h.pk,
            h.household_id,
            region,
            due,
            _("%(kind)s for %(ref)s: %(status)s since %(since)s, norm %(days)s working days")
            % {
                "kind": h.kind.name,
                "ref": h.household.reference,
                "status": h.get_status_display().lower(),
                "since": _day(h.requested_on),
                "days": days,
            },
            owners=ctx.membership_of(h.created_by_id, h.provider.organisation_id) if h.provider else [],
            parties=[h.provider.organisation_id] if h.provider else [],
        )


def without_regisseur(ctx: Context) -> Iterator[Stall]:
    current = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    households = list(
        Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .exclude(Exists(current))
        .annotate(
            first_involved=Min("involvements__started_on", filter=Q(involvements__ended_on__isnull=True))
        )
        .filter(first_involved__lt=ctx.breached_before("no_regisseur_days"))
        .order_by("pk")
        .only("pk", "reference", "region_id")
    )
    late = []
    for household in households:
        due = ctx.due(household.first_involved, ctx.norms_of(household.region_id).no_regisseur_days)
        if due < ctx.today:
            late.append((household, due))
    # The organisations involved with each of them (as `involved_organisation_ids`), in one query.
    involved: dict[int, set[int]] = defaultdict(set)
    if late:
        rows = Involvement.objects.active(ctx.today).filter(
            household__in=[h.pk for h, _due in late], organisation__isnull=False
        )
        for household_id, organisation_id in rows.values_list("household_id", "organisation_id"):
            involved[household_id].add(organisation_id)
    for household, due in late:
        yield Stall(
            EscalationKind.NO_REGISSEUR,
            "household",
            household.pk,
            household.pk,
            household.region_id,
            due,
            _("%(ref)s has had no regisseur since %(since)s")
            % {"ref": household.reference, "since": _day(due)},
            parties=sorted(involved[household.pk]),
        )


DETECTORS: tuple[Callable[[Context], Iterator[Stall]], ...] = (
    signals_not_taken_up,
    first_contact_late,
    assessments_late,
    actions_overdue,
    handovers_unanswered,
    help_waiting,
    without_regisseur,
)


def detect(today: date | None = None) -> list[Stall]:
    """Every stall of every kind today, in a fixed number of queries."""
    ctx = Context(today or timezone.localdate())
    return [stall for detector in DETECTORS for stall in detector(ctx)]
