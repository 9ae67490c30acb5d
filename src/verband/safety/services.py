"""Writes of the safety app: assessments, danger facts and instrument results. Each checks its input
(Dutch messages), writes in one transaction, adds a line to the household's timeline and logs every
member whose data it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import EventKind, Household
from verband.households.services import add_event
from verband.safety import instrument as instruments
from verband.safety.models import (
    WEIGHING_QUESTIONS,
    Answer,
    DangerFact,
    DangerKind,
    InstrumentResult,
    Phase,
    Profile,
    SafetyAssessment,
    SafetyScore,
)
from verband.sharing.accesslog import Subject, record_many
from verband.text import refuse_nul
from verband.workflow import happened

# Sent in the transaction that records an assessment (`assessment`, `actor`): apps above safety act on
# it (an acute assessment makes the household's open inbox items urgent: `signals.apps`).
assessment_recorded = Signal()


@dataclass
class ScoreInput:
    person_id: int
    professional: int
    own: int | None = None


@dataclass
class AssessmentInput:
    acute: bool
    structural: bool
    phase: str
    weighing: dict[str, str] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    balance: list[str] = field(default_factory=list)
    summary: str = ""
    scores: list[ScoreInput] = field(default_factory=list)
    danger: list[tuple[str, str]] = field(default_factory=list)


def _balance_ids() -> set[str]:
    return {q.id for q in balansmodel().questions}


def balansmodel() -> instruments.Instrument:
    return instruments.load(instruments.BUILT_IN / "balansmodel.yaml")


def actor_name(actor: Actor) -> str:
    if actor.user is not None:
        return actor.user.get_full_name() or actor.user.get_username()
    return actor.token.name if actor.token is not None else ""


def validate_assessment(household: Household, data: AssessmentInput) -> None:
    refuse_nul(
        data.summary,
        data.phase,
        *data.profiles,
        *data.balance,
        *data.weighing,
        *data.weighing.values(),
        *(text for pair in data.danger for text in pair),
    )
    errors: dict[str, list[str]] = {}
    if data.phase not in Phase.values:
        errors.setdefault("phase", []).append(_("Choose the phase."))
    unknown = [p for p in data.profiles if p not in Profile.values]
    if unknown:
        errors.setdefault("profiles", []).append(_("Unknown violence profile."))
    keys = {key for key, _text in WEIGHING_QUESTIONS}
    if any(k not in keys or v not in Answer.values for k, v in data.weighing.items()):
        errors.setdefault("weighing", []).append(
            _("Answer the weighing questions with yes, no or not known yet.")
        )
    if set(data.balance) - _balance_ids():
        errors.setdefault("balance", []).append(_("Unknown Balansmodel factor."))
    members = set(household.members.values_list("person_id", flat=True))
    seen: set[int] = set()
    for score in data.scores:
        if score.person_id not in members or score.person_id in seen:
            errors.setdefault("scores", []).append(
                _("A score can only be given once per member of this household.")
            )
            break
        seen.add(score.person_id)
        for value in (score.professional, score.own):
            if value is not None and not 1 <= value <= 10:
                errors.setdefault("scores", []).append(_("A safety score is a whole number from 1 to 10."))
                break
    for kind, detail in data.danger:
        if kind not in DangerKind.values:
            errors.setdefault("danger", []).append(_("Unknown kind of danger."))
        if len(detail) > 300:
            errors.setdefault("danger", []).append(_("Describe the danger in at most 300 characters."))
    if len(data.summary) > 4000:
        errors.setdefault("summary", []).append(_("The summary can be at most 4000 characters."))
    if data.acute and data.phase != Phase.DIRECT:
        errors.setdefault("phase", []).append(
            _("With acute unsafety the household is in phase 1, direct safety.")
        )
    if errors:
        raise ValidationError(errors)


def _scores_within_scope(actor: Actor, household: Household, data: AssessmentInput) -> None:
    from verband.shielding.scope import view_scope

    if actor.membership is None and actor.token is None:
        return  # Verband itself (the demo loader, a migration)
    scope = view_scope(actor, household)
    if scope.whole or not scope.person_ids:
        return  # whole household, or no involvement at all (access is the caller's check)
    if any(s.person_id not in scope.person_ids for s in data.scores):
        raise ValidationError(
            {"scores": [_("Record scores only for the members your organisation works with.")]}
        )


def record_assessment(actor: Actor, household: Household, data: AssessmentInput) -> SafetyAssessment:
    """A new assessment in the household's history, with its scores and danger facts. A partner involved
    only with named members scores only those members."""
    validate_assessment(household, data)
    _scores_within_scope(actor, household, data)
    with transaction.atomic():
        user = actor.user
        assessment = SafetyAssessment.objects.create(
            household=household,
            assessed_by=user,
            assessor_name=(user.get_full_name() or user.get_username()) if user else actor_name(actor),
            organisation=actor.organisation,
            acute=data.acute,
            structural=data.structural,
            weighing=data.weighing,
            profiles=sorted(set(data.profiles), key=Profile.values.index),
            phase=data.phase,
            balance=sorted(set(data.balance)),
            summary=data.summary.strip(),
        )
        SafetyScore.objects.bulk_create(
            SafetyScore(assessment=assessment, person_id=s.person_id, professional=s.professional, own=s.own)
            for s in data.scores
        )
        if data.balance:
            result = instruments.score(balansmodel(), {qid: 1 for qid in data.balance})
            _store_result(
                actor, household, balansmodel(), {qid: 1 for qid in data.balance}, result, assessment
            )
        for kind, detail in data.danger:
            _add_danger(actor, household, kind, detail, assessment)
        verdict = ", ".join(
            str(x)
            for x in (
                _("acute unsafety") if data.acute else "",
                _("structural unsafety") if data.structural else "",
            )
            if x
        ) or _("no acute or structural unsafety")
        add_event(
            household,
            EventKind.ASSESSMENT,
            _("Safety assessment: %(verdict)s; %(phase)s")
            % {"verdict": verdict, "phase": Phase(data.phase).label},
            actor=actor,
        )
        record_many(
            actor,
            action="create",
            object_type="safety_assessment",
            object_id=str(assessment.pk),
            subjects=[Subject(household.pk)] + [Subject(household.pk, s.person_id) for s in data.scores],
        )
        assessment_recorded.send(sender=SafetyAssessment, assessment=assessment, actor=actor)
    return assessment


def _add_danger(
    actor: Actor, household: Household, kind: str, detail: str, assessment: SafetyAssessment | None
) -> DangerFact:
    fact = DangerFact.objects.create(
        household=household,
        kind=kind,
        detail=detail.strip()[:300],
        recorded_by=actor.user,
        organisation=actor.organisation,
        assessment=assessment,
    )
    happened(
        actor, household, "danger_fact", str(fact.pk), action="create", event=(EventKind.DANGER, str(fact))
    )
    return fact


def add_danger_fact(
    actor: Actor, household: Household, kind: str, detail: str = "", review_on: date | None = None
) -> DangerFact:
    refuse_nul(kind, detail)
    if kind not in DangerKind.values:
        raise ValidationError({"kind": [_("Choose the kind of danger.")]})
    if len(detail) > 300:
        raise ValidationError({"detail": [_("Describe the danger in at most 300 characters.")]})
    if review_on is not None and review_on < timezone.localdate():
        raise ValidationError({"review_on": [_("The review date cannot lie in the past.")]})
    with transaction.atomic():
        fact = _add_danger(actor, household, kind, detail, None)
        if review_on is not None:
            fact.review_on = review_on
            fact.save(update_fields=["review_on"])
    return fact


def end_danger_fact(actor: Actor, household: Household, fact_id: int) -> DangerFact:
    """The danger no longer applies. The fact stays in the history."""
    with transaction.atomic():
        fact = DangerFact.objects.select_for_update().filter(household=household, pk=fact_id).first()
        if fact is None:
            raise ValidationError(_("This danger fact does not belong to this household."))
        if fact.ended_at is None:
            fact.ended_at = timezone.now()
            fact.ended_by = actor.user
            fact.save(update_fields=["ended_at", "ended_by"])
            happened(
                actor,
                household,
                "danger_fact",
                str(fact.pk),
                event=(EventKind.DANGER, _("No longer applies: %(fact)s") % {"fact": fact}),
            )
    return fact


def _store_result(
    actor: Actor,
    household: Household,
    instrument: instruments.Instrument,
    answers: dict[str, float],
    result: instruments.Result,
    assessment: SafetyAssessment | None = None,
) -> InstrumentResult:
    return InstrumentResult.objects.create(
        household=household,
        assessment=assessment,
        instrument_code=instrument.code,
        instrument_name=instrument.name,
        instrument_version=instrument.version,
        answers=answers,
        score=result.score,
        level=result.level,
        label=result.label,
        complete=result.complete,
        explanation=result.explanation,
        recorded_by=actor.user,
        organisation=actor.organisation,
    )


def record_instrument(
    actor: Actor, household: Household, instrument: instruments.Instrument, answers: dict[str, float]
) -> InstrumentResult:
    """Score the answers with the instrument file and keep answers, score and explanation."""
    try:
        result = instruments.score(instrument, answers)
    except instruments.InstrumentError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        stored = _store_result(actor, household, instrument, answers, result)
        summary = f"{instrument.name}: {result.label}" if result.label else instrument.name
        happened(
            actor,
            household,
            "instrument_result",
            str(stored.pk),
            action="create",
            event=(EventKind.ASSESSMENT, summary),
        )
    return stored
