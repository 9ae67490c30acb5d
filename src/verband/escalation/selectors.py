"""Reads of escalations and the monitor of households between the cracks.

`visible_escalations` answers "may this user see this escalation?": those it was put to and the one who
asked. The monitor lists household references with reasons and durations, never names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from verband.collaboration.models import Handover, HandoverStatus, Help, HelpStatus
from verband.escalation.models import Escalation, EscalationStatus
from verband.households.models import Household, HouseholdStatus
from verband.network.models import Role
from verband.plans.models import Regie, RegieTransfer, TransferStatus
from verband.safety.models import SafetyAssessment
from verband.sharing.access import Actor, visible_households
from verband.sharing.models import Involvement


def visible_escalations(actor: Actor) -> QuerySet[Escalation]:
    if actor.membership is None or actor.user is None:
        return Escalation.objects.none()
    put_to = Q(recipients__membership=actor.membership)
    asked = Q(opened_by=actor.user, household__region_id=actor.membership.organisation.region_id)
    return Escalation.objects.filter(Q(pk__in=Escalation.objects.filter(put_to).values("pk")) | asked)


def escalations_for(actor: Actor, *, open_only: bool = True) -> list[Escalation]:
    qs = visible_escalations(actor).select_related("household")
    if open_only:
        qs = qs.filter(status=EscalationStatus.OPEN).order_by("step_due_on", "pk")
    else:
        qs = qs.exclude(status=EscalationStatus.OPEN).order_by("-closed_at", "-pk")[:50]
    return list(qs)


# --- Between the cracks ----------------------------------------------------------------------

MONITOR_ROLES = (Role.NETWORK_COORDINATOR, Role.MANAGER, Role.LINE_MANAGER)


@dataclass
class Crack:
    reason: str
    since: date

    @property
    def days(self) -> int:
        return (timezone.localdate() - self.since).days


@dataclass
class MonitorRow:
    household_id: int
    reference: str
    cracks: list[Crack] = field(default_factory=list)
    can_open: bool = False

    @property
    def longest(self) -> int:
        return max(c.days for c in self.cracks)


def _day(value: object) -> date:
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value  # type: ignore[arg-type,return-value]


def between_the_cracks(actor: Actor) -> list[MonitorRow]:
    """Every active household of the actor's region with open unsafety and no help started, no
    regisseur, an unanswered handover or an unresolved escalation — longest first."""
    from django.utils.translation import gettext as _

    if actor.organisation is None:
        return []
    region = actor.organisation.region_id
    households = Household.objects.filter(region_id=region, status=HouseholdStatus.ACTIVE)
    rows: dict[int, MonitorRow] = {}
    refs = dict(households.values_list("pk", "reference"))

    def add(household_id: int, reason: str, since: object) -> None:
        row = rows.setdefault(household_id, MonitorRow(household_id, refs[household_id]))
        row.cracks.append(Crack(reason, _day(since)))

    latest = SafetyAssessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
    help_started = Help.objects.filter(household_id=OuterRef("pk"), status=HelpStatus.STARTED)
    unsafe = (
        households.annotate(
            acute=Subquery(latest.values("acute")[:1]),
            structural=Subquery(latest.values("structural")[:1]),
            assessed=Subquery(latest.values("assessed_at")[:1]),
        )
        .filter(Q(acute=True) | Q(structural=True))
        .exclude(Exists(help_started))
        .values_list("pk", "assessed")
    )
    for pk, assessed in unsafe:
        add(pk, _("Unsafe and no help started"), assessed)

    current = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    involved = Involvement.objects.active().filter(household_id=OuterRef("pk"))
    first = Involvement.objects.active().filter(household_id=OuterRef("pk")).order_by("started_on")
    without = (
        households.filter(Exists(involved))
        .exclude(Exists(current))
        .annotate(since=Subquery(first.values("started_on")[:1]))
        .values_list("pk", "since")
    )
    for pk, since in without:
        add(pk, _("No regisseur"), since)

    def earliest(rows: Iterable[tuple[int, datetime]]) -> dict[int, datetime]:
        first: dict[int, datetime] = {}
        for pk, at in rows:
            first[pk] = min(first.get(pk, at), at)
        return first

    pending = list(
        Handover.objects.filter(household__in=households, status=HandoverStatus.PENDING).values_list(
            "household_id", "requested_at"
        )
    ) + list(
        RegieTransfer.objects.filter(household__in=households, status=TransferStatus.PENDING).values_list(
            "household_id", "requested_at"
        )
    )
    for pk, at in earliest(pending).items():
        add(pk, _("Handover not answered"), at)
    unresolved = Escalation.objects.filter(household__in=households, status=EscalationStatus.OPEN)
    for pk, at in earliest(unresolved.values_list("household_id", "opened_at")).items():
        add(pk, _("Escalation not resolved"), at)

    if actor.membership is not None and actor.membership.does_casework and rows:
        seen = set(visible_households(actor).filter(pk__in=rows).values_list("pk", flat=True))
        for row in rows.values():
            row.can_open = row.household_id in seen
    return sorted(rows.values(), key=lambda r: (-r.longest, r.reference))
