"""Who sees which platform and which barrier, and the counts they see. Reads only.

- A platform is seen by its members, and by the network coordinators and functional administrators of
  its region (they keep its members and meetings).
- The barriers of a region are seen by its case workers who act (professional, line manager,
  coordinator), its managers and executives, and the members of its platforms: titles, texts, status,
  decisions and the number of households affected — never which households.
- The household links of a barrier are seen only by the one who made them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.network.models import ACTING_ROLES, AGGREGATE_ROLES, Role
from verband.platforms.models import (
    OPEN_BARRIER,
    Barrier,
    BarrierCase,
    BarrierStatus,
    Decision,
    DecisionStatus,
    Platform,
    PlatformMember,
)

# Who keeps a region's platforms (members, meetings) and groups and schedules its barriers.
KEEPERS = frozenset({Role.NETWORK_COORDINATOR, Role.FUNCTIONAL_ADMIN})
# Who may raise a barrier and add to one: the case workers who act.
RAISERS = ACTING_ROLES
# Who reads a region's barriers (besides platform members).
BARRIER_READERS = frozenset(ACTING_ROLES | AGGREGATE_ROLES)


def region_of(actor: Actor) -> int | None:
    return actor.membership.organisation.region_id if actor.membership is not None else None


def is_keeper(actor: Actor, region_id: int) -> bool:
    return actor.membership is not None and actor.membership.role in KEEPERS and region_of(actor) == region_id


def is_coordinator(actor: Actor, region_id: int) -> bool:
    m = actor.membership
    return m is not None and m.role == Role.NETWORK_COORDINATOR and region_of(actor) == region_id


def member_platform_ids(actor: Actor) -> set[int]:
    if actor.membership is None:
        return set()
    return set(
        PlatformMember.objects.filter(membership=actor.membership).values_list("platform_id", flat=True)
    )


def visible_platforms(actor: Actor) -> QuerySet[Platform]:
    if actor.membership is None:
        return Platform.objects.none()
    scope = Q(pk__in=member_platform_ids(actor))
    if actor.membership.role in KEEPERS:
        scope |= Q(region_id=region_of(actor))
    return Platform.objects.filter(scope).select_related("region")


def is_member(actor: Actor, platform: Platform) -> bool:
    return platform.pk in member_platform_ids(actor)


def may_work_on(actor: Actor, platform: Platform) -> bool:
    """Decide, plan meetings, write minutes and priorities: its members and the region's keepers."""
    return is_member(actor, platform) or is_keeper(actor, platform.region_id)


def may_read_barriers(actor: Actor, region_id: int) -> bool:
    if actor.membership is None:
        return False
    if actor.membership.role in BARRIER_READERS and region_of(actor) == region_id:
        return True
    return Platform.objects.filter(pk__in=member_platform_ids(actor), region_id=region_id).exists()


def readable_region_ids(actor: Actor) -> set[int]:
    found: set[int] = set()
    if actor.membership is not None and actor.membership.role in BARRIER_READERS:
        region = region_of(actor)
        if region is not None:
            found.add(region)
    found |= set(
        Platform.objects.filter(pk__in=member_platform_ids(actor)).values_list("region_id", flat=True)
    )
    return found


def visible_barriers(actor: Actor) -> QuerySet[Barrier]:
    return Barrier.objects.filter(region_id__in=readable_region_ids(actor))


def my_barriers(actor: Actor) -> QuerySet[Barrier]:
    """The barriers I raised or support (merged ones too: I am told where they went)."""
    if actor.user is None:
        return Barrier.objects.none()
    return Barrier.objects.filter(Q(raised_by=actor.user) | Q(supports__user=actor.user)).distinct()


def is_involved(actor: Actor, barrier: Barrier) -> bool:
    """Raised or supports it."""
    if actor.user is None:
        return False
    return barrier.raised_by_id == actor.user.pk or barrier.supports.filter(user=actor.user).exists()


def my_links(actor: Actor, barrier: Barrier) -> list[BarrierCase]:
    if actor.user is None:
        return []
    return list(BarrierCase.objects.filter(barrier=barrier, linked_by=actor.user).select_related("household"))


@dataclass(frozen=True)
class Affected:
    """The number of households a barrier affects, as the platform sees it."""

    count: int
    supporters: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < settings.SMALL_CELL_THRESHOLD

    @property
    def shown(self) -> str:
        if self.suppressed:
            return _("fewer than %(n)d") % {"n": settings.SMALL_CELL_THRESHOLD}
        return str(self.count)


def affected(barriers: list[Barrier]) -> dict[int, Affected]:
    """Households linked and professionals supporting, per barrier, in two queries. Every professional's
    link counts (`BarrierCase`): a count of distinct households would not rise when someone links a
    household another already linked, and so tell them that it was."""
    ids = [b.pk for b in barriers]
    cases = dict(
        BarrierCase.objects.filter(barrier_id__in=ids)
        .values("barrier_id")
        .annotate(n=Count("pk"))
        .values_list("barrier_id", "n")
    )
    supports = dict(Barrier.objects.filter(pk__in=ids).annotate(n=Count("supports")).values_list("pk", "n"))
    return {pk: Affected(cases.get(pk, 0), supports.get(pk, 0)) for pk in ids}


def open_decisions(platform: Platform) -> QuerySet[Decision]:
    return platform.decisions.filter(status=DecisionStatus.OPEN).select_related(
        "owner_membership__user", "owner_membership__organisation", "owner_organisation", "barrier"
    )


def open_barriers(region_id: int) -> QuerySet[Barrier]:
    return Barrier.objects.filter(region_id=region_id, status__in=OPEN_BARRIER)


def merge_targets(barrier: Barrier) -> QuerySet[Barrier]:
    return (
        open_barriers(barrier.region_id)
        .exclude(pk=barrier.pk)
        .exclude(status=BarrierStatus.DECIDED)
        .order_by("title")
    )
