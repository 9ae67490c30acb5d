"""Reads of safety data, for a household the caller has already opened through the access core."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from verband.households.models import Household, HouseholdMember, Person
from verband.safety.models import (
    PHASE_TARGET,
    TARGET_DIRECT,
    TARGET_STABLE,
    DangerFact,
    Phase,
    SafetyAssessment,
    SafetyScore,
)
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope


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
    # Assessments left out for this viewer (shielded, or not theirs to see): a count, never what.
    hidden: int = 0
    # The members whose scores the viewer sees (for the access log).
    shown_person_ids: frozenset[int] = frozenset()


def member_names(household: Household | int) -> dict[int, str]:
    """Each member's full name, for the labels "not visible to …". A household page loads its members once
    (`households.selectors.open_household`) and keeps the names on the household for its panels."""
    known = getattr(household, "member_names", None)
    if known is not None:
        return known
    household_id = household if isinstance(household, int) else household.pk
    return {
        m.person_id: m.person.full_name
        for m in HouseholdMember.objects.filter(household_id=household_id).select_related("person")
    }


def shielded_names(scope: Scope, item_type: str, item_id: int, names: dict[int, str]) -> list[str]:
    """For a whole-household viewer: whom this item is kept from, by name (sorted); nothing otherwise."""
    if not scope.whole:
        return []
    return sorted(names.get(pid, "?") for pid in scope.shielded_from(item_type, item_id))


def shows_source(scope: Scope | None, organisation_id: int | None) -> bool:
    """Whether this viewer reads which organisation recorded something of the household's."""
    return (
        scope is None
        or scope.whole
        or (organisation_id is not None and organisation_id == scope.organisation_id)
    )


def visible_assessments(
    scope: Scope, assessments: list[SafetyAssessment], names: dict[int, str] | None = None
) -> tuple[list[SafetyAssessment], int]:
    """The assessments this viewer may see, each with `visible_scores` (only the members the viewer
    sees) and `shielded_names` (for a whole-household viewer); and how many were left out.

    A member-scoped partner sees its own organisation's assessments (they are the household's, not one
    member's), never one shielded from one of its members, and in them only its members' scores."""
    shown = []
    for a in assessments:
        if not scope.shows(ItemType.ASSESSMENT, a.pk, None, owner_organisation_id=a.organisation_id):
            continue
        a.visible_scores = [s for s in a.scores.all() if scope.sees_person(s.person_id)]  # type: ignore[attr-defined]
        a.shielded_names = shielded_names(scope, ItemType.ASSESSMENT, a.pk, names or {})  # type: ignore[attr-defined]
        shown.append(a)
    return shown, len(assessments) - len(shown)


# Whole pixels: the template prints numbers, and a localised decimal comma would break the SVG.
CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 260, 130, 24, 12, 10, 10


def _y(score: float) -> int:
    return round(PAD_T + (10 - score) * (CHART_H - PAD_T - PAD_B) / 9)


def safety_summary(household: Household, members: list[Person], scope: Scope | None = None) -> SafetySummary:
    """The latest phase and scores, the history and the current danger facts. With a `scope` (the
    viewer's, `shielding.scope.view_scope`) only what that viewer may see, with the count of assessments
    left out; danger facts are for every partner of the household (a professional's own safety)."""
    everything = list(
        SafetyAssessment.objects.filter(household=household)
        .select_related("organisation")
        .prefetch_related(Prefetch("scores", queryset=SafetyScore.objects.order_by("pk")))
        .order_by("-assessed_at", "-pk")[:100]
    )
    if scope is None:
        history = everything
        for a in history:
            a.visible_scores = list(a.scores.all())  # type: ignore[attr-defined]
            a.shielded_names = []  # type: ignore[attr-defined]
        hidden = 0
    else:
        history, hidden = visible_assessments(scope, everything, member_names(household))
        members = [p for p in members if scope.sees_person(p.pk)]
    latest = history[0] if history else None
    target = PHASE_TARGET[Phase(latest.phase)] if latest else TARGET_DIRECT
    chronological = list(reversed(history))
    by_person: dict[int, list[Point]] = defaultdict(list)
    for assessment in chronological:
        for score in assessment.visible_scores:  # type: ignore[attr-defined]
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
    for fact in danger:
        # Every partner reads the fact; who recorded it only a whole-household partner (or the recorder's
        # own organisation): a partner working with the perpetrator does not learn who else is involved.
        fact.shown_organisation = (  # type: ignore[attr-defined]
            fact.organisation if shows_source(scope, fact.organisation_id) else None
        )
    return SafetySummary(
        latest=latest,
        history=history,
        series=series,
        danger=danger,
        chart=chart,
        hidden=hidden,
        shown_person_ids=frozenset(p.pk for p in members),
    )
