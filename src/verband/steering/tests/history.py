"""Small hand-made histories for the engine's tests: rows made directly with their dates, so each
expected number can be worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from verband.factories import (
    ActivationFactory,
    HouseholdFactory,
    OrganisationFactory,
    RegionFactory,
    SignalFactory,
    TeamFactory,
)
from verband.network.models import OrganisationKind, Region, Team
from verband.safety.models import SafetyAssessment
from verband.signals.models import Signal

AMS = ZoneInfo("Europe/Amsterdam")


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Dutch local time (stored as UTC)."""
    return datetime(y, m, d, hour, minute, tzinfo=AMS)


def region(name: str = "Regio Test") -> Region:
    return RegionFactory.create(name=name, code=name.lower().replace(" ", "-"))


def team(r: Region, name: str = "Wijkteam Noord", kind: str = OrganisationKind.NEIGHBOURHOOD_TEAM) -> Team:
    return TeamFactory.create(
        organisation=OrganisationFactory.create(region=r, kind=kind, name=f"Org {name}"), name=name
    )


def signal(
    r: Region, when: datetime, *, postcode: str = "3072AB", activate: Team | None = None, **kwargs: Any
) -> Signal:
    s = SignalFactory.create(
        region=r, received_at=when, postcode=postcode, household=HouseholdFactory.create(region=r), **kwargs
    )
    if activate is not None:
        ActivationFactory.create(signal=s, team=activate, created_at=when, due_on=date(2099, 1, 1))
    return s


def assess(s: Signal, when: datetime, organisation: Any = None) -> SafetyAssessment:
    return SafetyAssessment.objects.create(
        household=s.household,  # type: ignore[misc]
        assessed_at=when,
        organisation=organisation,
        acute=False,
        structural=False,
        phase="direct",
    )
