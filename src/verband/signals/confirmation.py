"""The "te bevestigen" queue: signals attached to a known household on a likely (not certain) match,
waiting for the reporting centre to confirm who the people are.

Routing (`services._finish`) links a person with a likely candidate to that person and the signal to
their household (`MatchState.LIKELY`), so that a repeat report through any door finds its history. The
reporting centre of the region — which triages every report (`selectors.may_triage`) — then says per
person "dezelfde persoon" (CONFIRMED) or "iemand anders" (NEW, a person of their own). When nobody of the
signal stays recognised, the signal leaves the known household for a new one of its own (a split), with
its open activations and its lines on the timeline; the people it brought in only go with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households import services as households
from verband.households.models import EventKind, Household, HouseholdEvent, HouseholdMember, Person
from verband.sharing.accesslog import Subject, record_many
from verband.signals.models import Activation, ActivationStatus, MatchState, Signal, SignalPerson
from verband.signals.selectors import Clock, may_triage
from verband.workdays import add_working_days, working_days_between
from verband.workflow import happened


def may_confirm(actor: Actor, signal: Signal | None = None) -> bool:
    """The reporting centre's reporting roles of the signal's region confirm likely matches."""
    if not may_triage(actor) or actor.organisation is None:
        return False
    return signal is None or signal.region_id == actor.organisation.region_id


def queue(actor: Actor) -> QuerySet[Signal]:
    """The signals of the actor's region with a person still to be confirmed, oldest first."""
    if not may_confirm(actor):
        return Signal.objects.none()
    return (
        Signal.objects.filter(
            region_id=actor.organisation.region_id,  # type: ignore[union-attr]
            persons__match_state=MatchState.LIKELY,
        )
        .distinct()
        .select_related("household", "source_organisation")
        .order_by("received_at", "pk")
    )


def clock(signal: Signal) -> Clock:
    due = add_working_days(signal.received_at, settings.RECOGNITION_CONFIRM_WORKING_DAYS)
    return Clock(due, working_days_between(timezone.localdate(), due))


@dataclass(frozen=True)
class Pair:
    """A person as the signal describes them next to the register person routing linked them to."""

    sp: SignalPerson
    known: Person
    reasons: list[str]
    score: float
    against: tuple[str, ...] = ()

    @property
    def agree(self) -> list[str]:
        return [r for r in self.reasons if r not in self.against]

    @property
    def certainty(self) -> str:
        """How sure recognition is, in words (the score is a calibrated probability)."""
        if self.score >= 0.99:
            return _("almost certainly the same person")
        if self.score >= 0.9:
            return _("probably the same person")
        return _("possibly the same person: check carefully")


def pairs(signal: Signal) -> list[Pair]:
    people = [sp for sp in signal.persons.all() if sp.match_state == MatchState.LIKELY]
    known = Person.objects.in_bulk({sp.person_id for sp in people})
    found = []
    for sp in people:
        candidate: dict = next((c for c in sp.candidates if c.get("person") == sp.person_id), {})
        found.append(
            Pair(
                sp,
                known[sp.person_id],
                candidate.get("reasons", []),
                candidate.get("score", 0),
                tuple(candidate.get("against", ())),
            )
        )
    return found


def decide(actor: Actor, signal: Signal, decisions: dict[int, bool]) -> Household | None:
    """The reporting centre's decisions: per likely person (by SignalPerson id), True for "the same
    person", False for "someone else". Every likely person of the signal must be decided. Returns the
    new household when the signal was split off, else None."""
    if not may_confirm(actor, signal):
        raise PermissionDenied
    with transaction.atomic():
        locked = Signal.objects.select_for_update().get(pk=signal.pk)
        people = list(locked.persons.select_for_update())
        likely = [sp for sp in people if sp.match_state == MatchState.LIKELY]
        if not likely:
            raise ValidationError(_("Someone else already confirmed this signal."))
        if any(sp.pk not in decisions for sp in likely):
            raise ValidationError(_("Say for every person whether it is the same person."))
        rejected = [sp for sp in likely if not decisions[sp.pk]]
        wrongly_linked = [sp.person_id for sp in rejected]
        for sp in likely:
            sp.match_state = MatchState.CONFIRMED if decisions[sp.pk] else MatchState.NEW
        _new_persons(rejected)
        SignalPerson.objects.bulk_update(likely, ["person", "match_state"])
        household = locked.household
        moved = None
        if household is not None and rejected:
            still = any(sp.match_state in (MatchState.AUTO, MatchState.CONFIRMED) for sp in people)
            if still:
                households.add_members(
                    household, [(sp.person, sp.role) for sp in rejected if sp.person is not None]
                )
            else:
                moved = split_signal(actor, locked, household, people)
        record_many(
            actor,
            action="update",
            object_type="recognition",
            object_id=locked.reference,
            subjects=[Subject(household.pk if household else None, pid) for pid in wrongly_linked]
            + [Subject(household.pk if household else None, sp.person_id) for sp in likely],
            basis="legal_task:safety_assessment",
        )
        if household is not None:
            confirmed = len(likely) - len(rejected)
            happened(
                actor,
                household,
                "recognition",
                locked.reference,
                action="update",
                event=(
                    EventKind.RECOGNITION,
                    _("Recognition of %(reference)s confirmed by the reporting centre.")
                    % {"reference": locked.reference}
                    if confirmed and not moved
                    else _("Signal %(reference)s was about someone else: moved to a household of its own.")
                    % {"reference": locked.reference},
                ),
                # A signal moved away is no longer linked from the old household's timeline.
                signal=None if moved else locked,
            )
    return moved


def _new_persons(rejected: list[SignalPerson]) -> None:
    """Each person found to be someone else gets a person of their own, as the reporter typed them
    (the address as reported; a confidential one stays with the reporting organisation)."""
    for sp in rejected:
        sp.person = households.create_person(
            given_names=sp.given_names,
            surname_prefix=sp.surname_prefix,
            family_name=sp.family_name,
            birth_year=sp.birth_year,
            birth_month=sp.birth_month,
            birth_day=sp.birth_day,
            sex=sp.sex,
            bsn=sp.bsn if sp.bsn and not Person.objects.filter(bsn=sp.bsn).exists() else "",
            phone=sp.phone,
            languages=sp.languages,
            interpreter_needed=sp.interpreter_needed,
            address=None if sp.address_confidential else sp.reported_address,
        )


def split_signal(actor: Actor, signal: Signal, household: Household, people: list[SignalPerson]) -> Household:
    """Move a wrongly linked signal to a new household of its own, with its people, its open activations
    and its timeline lines. Who came into the old household only with this signal leaves it. Refused once
    a partner took it up there: the take-up opened the old household, and a member is split off instead."""
    if Activation.objects.filter(signal=signal, status=ActivationStatus.ACCEPTED).exists():
        raise ValidationError(
            _(
                "A partner has already taken this signal up on the household. Ask the regisseur to split "
                "the wrongly linked member off instead."
            )
        )
    new = households.new_household(household.region)
    households.add_members(new, [(sp.person, sp.role) for sp in people if sp.person is not None])
    others = set(
        SignalPerson.objects.filter(signal__household=household, person__isnull=False)
        .exclude(signal=signal)
        .values_list("person_id", flat=True)
    )
    only_here = [sp for sp in people if sp.match_state == MatchState.NEW and sp.person_id not in others]
    for sp in only_here:
        HouseholdMember.objects.filter(household=household, person=sp.person, role=sp.role).delete()
    Activation.objects.filter(signal=signal).update(household=new)
    lines = HouseholdEvent.objects.filter(signal=signal, household=household)
    reopened = lines.filter(kind=EventKind.REOPENED).exists()
    lines.exclude(kind=EventKind.REOPENED).update(household=new)
    Signal.objects.filter(pk=signal.pk).update(household=new, repeat_after_closing=False)
    signal.household = new
    if reopened:
        _close_again(actor, household, signal)
    happened(
        actor,
        new,
        "recognition",
        signal.reference,
        action="update",
        event=(
            EventKind.RECOGNITION,
            _("Household made for %(reference)s: the reporting centre found it was about someone else.")
            % {"reference": signal.reference},
        ),
        signal=signal,
    )
    return new


def _close_again(actor: Actor, household: Household, signal: Signal) -> None:
    """The wrongly linked signal had opened the closed household again: it is closed again, unless
    something happened to it since (another signal, a partner involved)."""
    from verband.households.models import HOUSEHOLD_FLOW, HouseholdStatus
    from verband.sharing.models import Involvement

    later = Signal.objects.filter(household=household, received_at__gt=signal.received_at).exists()
    involved = Involvement.objects.filter(household=household, created_at__gte=signal.received_at).exists()
    if later or involved or household.status != HouseholdStatus.ACTIVE:
        return
    HOUSEHOLD_FLOW.move(
        household,
        HouseholdStatus.CLOSED,
        source=HouseholdStatus.ACTIVE,
        stale=_("The household changed in the meantime."),
        closed_at=timezone.now(),
    )
    happened(
        actor,
        household,
        "household",
        household.reference,
        action="close",
        event=(
            EventKind.RECOGNITION,
            _("Household closed again: the signal that opened it was about someone else."),
        ),
    )
