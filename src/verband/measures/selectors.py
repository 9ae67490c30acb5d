"""Reads of protective measures under the shielding scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from verband.households.models import Household, HouseholdMember
from verband.measures.models import ABOUT_THE_THREAT, ProtectiveMeasure
from verband.shielding.models import ItemType
from verband.shielding.scope import PROTECTED_ROLES, Scope


def shows_measure(scope: Scope, measure: ProtectiveMeasure, protected: Iterable[int]) -> bool:
    """Whether this viewer sees the measure: as any item about its member (`Scope.shows`, with the default
    shields of `measures.shields`); and a huisverbod or a detention also when the viewer works with one of
    the members it protects (the victims and children: `protected`) — when he may come home, or comes out,
    is what those who work with her must know."""
    if scope.shows(ItemType.MEASURE, measure.pk, measure.person_id):
        return True
    if measure.protected_person_id is not None and scope.shows(
        ItemType.MEASURE, measure.pk, measure.protected_person_id
    ):
        return True  # a ban is seen by those who work with the one it protects
    if measure.kind not in ABOUT_THE_THREAT:
        return False
    return any(scope.shows(ItemType.MEASURE, measure.pk, pid) for pid in protected)


def protected_members(household: Household) -> set[int]:
    return set(
        HouseholdMember.objects.filter(household=household, role__in=PROTECTED_ROLES).values_list(
            "person_id", flat=True
        )
    )


def visible_measures(
    scope: Scope,
    household: Household,
    *,
    protected: Iterable[int] | None = None,
    in_force_on: date | None = None,
    extensions: bool = True,
) -> tuple[list[ProtectiveMeasure], int]:
    """The household's measures this viewer sees (running first, then by end), and how many it left out.
    Callers that know the protected members pass them (saves a query); `in_force_on` keeps those running
    on that day (the household page), in one query without their extensions."""
    rows = ProtectiveMeasure.objects.filter(household=household).select_related(
        "person", "protected_person", "organisation", "recorded_by"
    )
    if in_force_on is not None:
        rows = rows.filter(ended_at__isnull=True, ends_on__gte=in_force_on)
    if extensions:
        rows = rows.prefetch_related("extensions")
    measures = list(rows)
    if not measures:
        return [], 0
    members = set(protected) if protected is not None else protected_members(household)
    shown = [m for m in measures if shows_measure(scope, m, members)]
    for m in shown:
        # Whom it protects is named only to a viewer whose scope shows that member (probation working with
        # him sees his huisverbod, not her name).
        m.protected_shown = (  # type: ignore[attr-defined]
            m.protected_person if scope.sees_person(m.protected_person_id) else None
        )
    return shown, len(measures) - len(shown)
