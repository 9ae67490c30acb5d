"""Reads for the household page: handovers waiting or refused, help deployed, open escalations."""

from __future__ import annotations

from dataclasses import dataclass, field

from verband.collaboration.models import Handover, HandoverStatus, Help, HelpStatus
from verband.escalation.models import Escalation, EscalationStatus
from verband.households.models import Household
from verband.sharing.access import Actor


@dataclass
class CollaborationPanel:
    pending: list[Handover] = field(default_factory=list)
    bounces: int = 0
    help: list[Help] = field(default_factory=list)
    escalations: int = 0
    may_write: bool = False

    @property
    def bounced(self) -> bool:
        return self.bounces >= 2

    @property
    def active_help(self) -> list[Help]:
        return [h for h in self.help if h.status != HelpStatus.ENDED]


def panel(actor: Actor, household: Household) -> CollaborationPanel:
    """Three queries, whatever the household's size."""
    from verband.collaboration.services import WORKER_ROLES

    handovers = list(
        Handover.objects.filter(
            household=household, status__in=(HandoverStatus.PENDING, HandoverStatus.REJECTED)
        )
        .select_related("to_team__organisation")
        .order_by("-requested_at")
    )
    return CollaborationPanel(
        pending=[h for h in handovers if h.status == HandoverStatus.PENDING],
        bounces=sum(h.status == HandoverStatus.REJECTED for h in handovers),
        help=list(
            Help.objects.filter(household=household).select_related(
                "kind", "provider__organisation", "person"
            )
        ),
        escalations=Escalation.objects.filter(household=household, status=EscalationStatus.OPEN).count(),
        may_write=actor.membership is not None and actor.membership.role in WORKER_ROLES,
    )


def incoming_for(actor: Actor) -> list[Handover]:
    """Handovers waiting for the actor's team to accept."""
    if actor.membership is None or actor.membership.team_id is None:
        return []
    return list(
        Handover.objects.filter(to_team_id=actor.membership.team_id, status=HandoverStatus.PENDING)
        .select_related("household", "from_organisation")
        .order_by("due_on", "pk")
    )


def returned_for(actor: Actor, days: int = 30) -> list[Handover]:
    """The actor's handovers that were not accepted lately: they stay responsible and ask someone else."""
    from datetime import timedelta

    from django.utils import timezone

    if actor.user is None:
        return []
    since = timezone.now() - timedelta(days=days)
    return list(
        Handover.objects.filter(from_user=actor.user, status=HandoverStatus.REJECTED, decided_at__gte=since)
        .select_related("household", "to_team")
        .order_by("-decided_at")
    )
