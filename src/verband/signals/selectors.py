"""Reads around signals, always scoped: inboxes, who may see a signal and how much, the history of a
household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from verband.households.models import Household
from verband.sharing.access import Actor, can_see_household, plausible_reference
from verband.signals.models import Activation, ActivationStatus, Signal
from verband.workdays import working_days_between


def party_scope(actor: Actor) -> Q | None:
    """Activations addressed to the actor: their team's (if the team is open) or their networks'."""
    membership = actor.membership
    if membership is None:
        return None
    scope = Q(pk__in=[])
    if membership.team_id is not None:
        scope |= Q(team_id=membership.team_id, team__active=True)
    if actor.network_ids:
        scope |= Q(network_id__in=actor.network_ids, network__active=True)
    return scope


def addressed_activations(actor: Actor) -> QuerySet[Activation]:
    scope = party_scope(actor)
    return Activation.objects.filter(scope) if scope is not None else Activation.objects.none()


@dataclass(frozen=True)
class Clock:
    due_on: object
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.working_days_left)

    @property
    def due_today(self) -> bool:
        return self.working_days_left == 0


def clock_for(activation: Activation) -> Clock:
    return Clock(activation.due_on, working_days_between(timezone.localdate(), activation.due_on))


def inbox(actor: Actor) -> list[Activation]:
    """Open activations for the actor's team and networks: urgent first, then the oldest deadline."""
    items = list(
        addressed_activations(actor)
        .filter(status=ActivationStatus.OPEN)
        .select_related(
            "signal", "signal__source_organisation", "household", "team__organisation", "network", "previous"
        )
        .prefetch_related("signal__persons")
        .order_by("-urgent", "due_on", "created_at")
    )
    for item in items:
        item.clock = clock_for(item)  # type: ignore[attr-defined]
    return items


def signal_access(actor: Actor, signal: Signal) -> str | None:
    """How much of a signal the actor sees: "full" (addressed to them, or involved with the household),
    "reporter" (their organisation reported it: the follow-up only), or None (not found)."""
    # A team that handed the signal back or sent it on no longer holds it: only open or taken-up
    # activations open the whole signal.
    held = (ActivationStatus.OPEN, ActivationStatus.ACCEPTED)
    if addressed_activations(actor).filter(signal=signal, status__in=held).exists():
        return "full"
    if signal.household is not None and can_see_household(actor, signal.household):
        return "full"
    if actor.organisation is not None and signal.source_organisation_id == actor.organisation.pk:
        return "reporter"
    return None


def get_signal_or_404(actor: Actor, reference: str) -> tuple[Signal, str]:
    signal = (
        Signal.objects.select_related("household", "source_organisation", "source_user")
        .filter(reference=reference)
        .first()
        if plausible_reference(reference)
        else None
    )
    access = signal_access(actor, signal) if signal is not None else None
    if signal is None or access is None:
        from verband.sharing.accesslog import record

        record(actor, action="view", object_type="signal", object_id=reference, outcome="denied")
        raise Http404
    return signal, access


@dataclass(frozen=True)
class History:
    signals: list[Signal]
    last_12_months: int


def history(household: Household, *, exclude: Signal | None = None) -> History:
    found = household.signals.select_related("source_organisation")
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    signals = list(found)
    since = timezone.now() - timedelta(days=365)
    return History(signals, sum(1 for s in signals if s.received_at >= since))
