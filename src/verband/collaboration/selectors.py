"""Reads for the household page: handovers waiting or refused, and help deployed (its open escalations are
the escalation app's: `escalation.selectors.open_shown`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from verband.actors import Actor
from verband.collaboration.models import Handover, HandoverStatus, Help, HelpStatus
from verband.households.models import Household
from verband.network.models import ACTING_ROLES
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, view_scope

HANDOVER = "handover"  # not an item one shields; a handover follows the member it is about


def shows_help(scope: Scope, help_: Help) -> bool:
    """Help for a member follows that member (help at a shelter is kept from the perpetrator and from
    partners working only with him); help for the whole household is shown to a member-scoped partner
    only when its own organisation gives it."""
    provider_org = help_.provider.organisation_id if help_.provider_id and help_.provider else None
    return scope.shows(ItemType.HELP, help_.pk, help_.person_id, owner_organisation_id=provider_org)


def shows_handover(scope: Scope, handover: Handover) -> bool:
    """A handover of one member is shown to partners working with that member; one of the whole household
    only to whole-household partners (and to the organisation that sent it)."""
    return scope.shows(
        HANDOVER, handover.pk, handover.person_id, owner_organisation_id=handover.from_organisation_id
    )


def visible_help(scope: Scope, rows: Iterable[Help], names: dict[int, str]) -> tuple[list[Help], int]:
    """The help this viewer sees, each with `shielded_names` (for whole-household partners); and how many
    were left out."""
    from verband.safety.selectors import shielded_names

    rows = list(rows)
    shown = []
    for h in rows:
        if shows_help(scope, h):
            h.shielded_names = shielded_names(scope, ItemType.HELP, h.pk, names)  # type: ignore[attr-defined]
            shown.append(h)
    return shown, len(rows) - len(shown)


@dataclass
class CollaborationPanel:
    pending: list[Handover] = field(default_factory=list)
    bounces: int = 0
    help: list[Help] = field(default_factory=list)
    may_write: bool = False
    hidden_help: int = 0
    hidden_handovers: int = 0

    @property
    def bounced(self) -> bool:
        return self.bounces >= 2

    @property
    def active_help(self) -> list[Help]:
        return [h for h in self.help if h.status != HelpStatus.ENDED]


def panel(actor: Actor, household: Household, scope: Scope | None = None) -> CollaborationPanel:
    """A few queries, whatever the household's size. Only what the actor's scope shows (a partner working
    only with the perpetrator sees his help and handovers, not the victim's shelter place), with counts of
    what was left out and, for whole-household partners, whom an item is kept from."""
    from verband.safety.selectors import member_names

    scope = scope or view_scope(actor, household)
    every = list(
        Handover.objects.filter(
            household=household, status__in=(HandoverStatus.PENDING, HandoverStatus.REJECTED)
        )
        .select_related("to_team__organisation")
        .order_by("-requested_at")
    )
    handovers = [h for h in every if shows_handover(scope, h)]
    help_, hidden_help = visible_help(
        scope,
        Help.objects.filter(household=household).select_related("kind", "provider__organisation", "person"),
        member_names(household) if scope.whole else {},
    )
    pending = [h for h in handovers if h.status == HandoverStatus.PENDING]
    return CollaborationPanel(
        pending=pending,
        bounces=sum(h.status == HandoverStatus.REJECTED for h in handovers),
        help=help_,
        may_write=actor.membership is not None and actor.membership.role in ACTING_ROLES,
        hidden_help=hidden_help,
        hidden_handovers=sum(h.status == HandoverStatus.PENDING for h in every) - len(pending),
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
