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
from verband.households.models import Household
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


def household_of(s: Signal) -> Household:
    assert s.household is not None
    return s.household


def assess(s: Signal, when: datetime, organisation: Any = None) -> SafetyAssessment:
    return SafetyAssessment.objects.create(
        household=household_of(s),
        assessed_at=when,
        organisation=organisation,
        acute=False,
        structural=False,
        phase="direct",
    )


def involvement(s: Signal, t: Team, started_on: date, first_contact: datetime | None = None) -> Any:
    from verband.factories import InvolvementFactory
    from verband.sharing.models import Involvement

    inv = InvolvementFactory.create(household=household_of(s), team=t, started_on=started_on)
    if first_contact is not None:
        Involvement.objects.filter(pk=inv.pk).update(first_contact_at=first_contact)
    return inv


def help_kind(r: Region, name: str, norm: int | None = None) -> Any:
    from verband.collaboration.models import HelpKind

    return HelpKind.objects.create(region=r, name=name, default_funding="wmo", waiting_norm_working_days=norm)


def help_(s: Signal, kind: Any, t: Team, requested_on: date, started_on: date | None = None) -> Any:
    from verband.collaboration.models import Help

    return Help.objects.create(
        household=household_of(s),
        kind=kind,
        provider=t,
        funding="wmo",
        status="started" if started_on else "waiting",
        requested_on=requested_on,
        started_on=started_on,
    )


def member(t: Team, role: str = "professional") -> Any:
    from verband.factories import MembershipFactory

    return MembershipFactory.create(team=t, role=role)


def regie(s: Signal, m: Any, when: datetime) -> Any:
    from verband.plans.models import Regie

    return Regie.objects.create(
        household=household_of(s),
        user=m.user,
        membership=m,
        organisation=m.organisation,
        mandated_by=m.user,
        started_at=when,
    )


def escalation(
    s: Signal, opened: datetime, steps: list[tuple[int, datetime]], closed: datetime | None = None
) -> Any:
    from verband.escalation.models import Escalation, EscalationRecipient

    m = member(team(s.region, f"Team esc {s.pk}"))
    e = Escalation.objects.create(
        region=s.region,
        household=household_of(s),
        kind="first_contact_late",
        subject_type="involvement",
        subject_id=1,
        summary="Te laat",
        breach_since=opened.date(),
        opened_at=opened,
        step=steps[-1][0],
        status="resolved" if closed else "open",
        closed_at=closed,
    )
    for step, when in steps:
        EscalationRecipient.objects.create(escalation=e, membership=m, step=step, reached_at=when)
    return e


def handover(
    s: Signal, sender: Any, to: Team, when: datetime, status: str, decided: datetime | None = None
) -> Any:
    from verband.collaboration.models import Handover

    return Handover.objects.create(
        household=household_of(s),
        kind="referral",
        from_user=sender.user,
        from_membership=sender,
        from_organisation=sender.organisation,
        to_team=to,
        question="Graag overnemen",
        requested_at=when,
        norm_working_days=3,
        due_on=date(2099, 1, 1),
        status=status,
        decided_at=decided,
    )


def closing(s: Signal, when: datetime, scores: list[int], target: int = 7, organisation: Any = None) -> Any:
    from verband.measures.models import Closing

    return Closing.objects.create(
        household=household_of(s),
        closed_at=when,
        organisation=organisation,
        phase="stable",
        target=target,
        scores=[{"person": i + 1, "score": score} for i, score in enumerate(scores)],
        summary="Veilig genoeg",
    )


def consultation(network: Any, m: Any, when: datetime, n: int) -> Any:
    from verband.consultation.models import Consultation

    return Consultation.objects.create(
        network=network,
        reference=f"CO-{n:04d}",
        facts="Casus zonder namen",
        question="Wat zouden jullie doen?",
        asked_by=m.user,
        asked_by_membership=m,
        organisation=m.organisation,
        asked_at=when,
    )


def meeting(
    network: Any, chair: Any, when: datetime, households: list[Any], expert: Any = None, held: bool = True
) -> Any:
    from verband.collaboration.models import AgendaItem, CaseMeeting

    m = CaseMeeting.objects.create(
        region=network.region,
        network=network,
        scheduled_at=when,
        status="held" if held else "planned",
        chair=chair.user,
        chair_membership=chair,
        experience_expert=expert,
        held_at=when if held else None,
    )
    for i, household in enumerate(households):
        AgendaItem.objects.create(meeting=m, household=household, order=i)
    return m
