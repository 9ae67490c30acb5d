"""Counts for managers and executives. They see numbers, never persons; counts below the threshold are
suppressed so that a small cell cannot point at one household."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from verband.network.models import Organisation, OrganisationKind, Team
from verband.sharing.models import Involvement


@dataclass(frozen=True)
class Cell:
    label: str
    count: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < settings.SMALL_CELL_THRESHOLD

    @property
    def shown(self) -> str:
        if self.suppressed:
            return _("fewer than %(n)d") % {"n": settings.SMALL_CELL_THRESHOLD}
        return str(self.count)


def _active_households(extra: Q) -> Count:
    today_active = Involvement.objects.active().values("pk")
    return Count(
        "involvements__household", filter=extra & Q(involvements__pk__in=today_active), distinct=True
    )


def households_per_team(organisation: Organisation) -> list[Cell]:
    teams = (
        Team.objects.filter(organisation=organisation, active=True)
        .annotate(n=_active_households(Q()))
        .order_by("name")
    )
    return [Cell(team.name, team.n) for team in teams]


def households_per_kind() -> list[Cell]:
    labels = dict(OrganisationKind.choices)
    rows = (
        Involvement.objects.active()
        .filter(organisation__isnull=False)
        .values("organisation__kind")
        .annotate(n=Count("household_id", distinct=True))
        .order_by("organisation__kind")
    )
    cells = [
        Cell(str(labels.get(row["organisation__kind"], row["organisation__kind"])), row["n"]) for row in rows
    ]
    networks = (
        Involvement.objects.active().filter(network__isnull=False).values("household_id").distinct().count()
    )
    if networks:
        cells.append(Cell(_("Networks (core teams)"), networks))
    return cells


def households_total() -> Cell:
    return Cell(
        _("Households with an active involvement"),
        Involvement.objects.active().values("household_id").distinct().count(),
    )
