"""Reads of safety data, for a household the caller has already opened through the access core."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from verband.households.models import Household, Person
from verband.safety.models import (
    PHASE_TARGET,
    TARGET_DIRECT,
    TARGET_STABLE,
    DangerFact,
    Phase,
    SafetyAssessment,
    SafetyScore,
)


def danger_flags(household_ids: Iterable[int]) -> dict[int, list[DangerFact]]:
    """Current danger facts per household, in one query: for the flag on pages, inbox items and actions."""
    flags: dict[int, list[DangerFact]] = defaultdict(list)
    ids = list(set(household_ids))
    if ids:
        for fact in DangerFact.objects.current().filter(household_id__in=ids).order_by("recorded_at", "pk"):
            flags[fact.household_id].append(fact)
    return dict(flags)


@dataclass
class Point:
    at: str
    label: str
    professional: int
    own: int | None
    x: int = 0
    y: int = 0
    own_y: int | None = None


@dataclass
class Series:
    person: Person
    points: list[Point]
    latest: Point | None
    target: int
    polyline: str = ""
    own_polyline: str = ""

    @property
    def below_target(self) -> bool:
        return self.latest is not None and self.latest.professional < self.target


@dataclass
class SafetySummary:
    latest: SafetyAssessment | None
    history: list[SafetyAssessment]
    series: list[Series]
    danger: list[DangerFact]
    target_direct: int = TARGET_DIRECT
    target_stable: int = TARGET_STABLE
    chart: dict = field(default_factory=dict)


# Whole pixels: the template prints numbers, and a localised decimal comma would break the SVG.
CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 260, 130, 24, 12, 10, 10


def _y(score: float) -> int:
    return round(PAD_T + (10 - score) * (CHART_H - PAD_T - PAD_B) / 9)


def safety_summary(household: Household, members: list[Person]) -> SafetySummary:
    history = list(
        SafetyAssessment.objects.filter(household=household)
        .select_related("organisation")
        .prefetch_related(Prefetch("scores", queryset=SafetyScore.objects.order_by("pk")))
        .order_by("-assessed_at", "-pk")[:100]
    )
    latest = history[0] if history else None
    target = PHASE_TARGET[Phase(latest.phase)] if latest else TARGET_DIRECT
    chronological = list(reversed(history))
    by_person: dict[int, list[Point]] = defaultdict(list)
    for assessment in chronological:
        for score in assessment.scores.all():
            by_person[score.person_id].append(
                Point(
                    at=assessment.assessed_at.date().isoformat(),
                    label=assessment.assessed_at.strftime("%d-%m-%Y"),
                    professional=score.professional,
                    own=score.own,
                )
            )
    series = []
    for person in members:
        points = by_person.get(person.pk, [])
        item = Series(person=person, points=points, latest=points[-1] if points else None, target=target)
        n = len(points)
        for i, point in enumerate(points):
            span = CHART_W - PAD_L - PAD_R
            point.x = round(PAD_L + (i * span / (n - 1) if n > 1 else span / 2))
            point.y = _y(point.professional)
            point.own_y = _y(point.own) if point.own is not None else None
        item.polyline = " ".join(f"{p.x},{p.y}" for p in points)
        item.own_polyline = " ".join(f"{p.x},{p.own_y}" for p in points if p.own_y is not None)
        series.append(item)
    chart = {
        "w": CHART_W,
        "h": CHART_H,
        "left": PAD_L,
        "right": CHART_W - PAD_R,
        "y6": _y(TARGET_DIRECT),
        "y7": _y(TARGET_STABLE),
        "y1": _y(1),
        "y10": _y(10),
    }
    danger = list(
        DangerFact.objects.current()
        .filter(household=household)
        .select_related("organisation")
        .order_by("recorded_at")
    )
    return SafetySummary(latest=latest, history=history, series=series, danger=danger, chart=chart)
