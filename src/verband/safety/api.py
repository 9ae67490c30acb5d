"""Safety assessments and danger facts over the API, through the same access core as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, ErrorOut, require_scope
from verband.households.models import HouseholdMember
from verband.safety import services
from verband.safety.models import DangerFact, SafetyAssessment
from verband.safety.selectors import shows_source, visible_assessments
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record_many
from verband.shielding.models import ItemType
from verband.shielding.scope import view_scope

router = Router(tags=["safety"])


class ScoreIO(Schema):
    person_id: int
    professional: int = Field(..., ge=1, le=10, description="Safety as the professional judges it, 1 to 10")
    own: int | None = Field(None, ge=1, le=10, description="Safety as the member says it, 1 to 10")


class DangerIn(Schema):
    kind: str = Field(..., description="weapon, violence_professionals, aggressive_dog, threats or other")
    detail: str = Field("", max_length=300)


class DangerOut(DangerIn):
    id: int
    recorded_at: datetime
    organisation: str | None


class AssessmentIn(Schema):
    acute: bool
    structural: bool
    phase: str = Field(..., description="direct, stable or recovery")
    weighing: dict[str, str] = Field(
        default_factory=dict,
        description="Meldcode weighing questions (suspicion, unsafety, help_possible, help_accepted, "
        "help_effective): yes, no or unknown",
    )
    profiles: list[str] = Field(
        default_factory=list,
        description="intimate_terror, family_stress, long_term_care, child_behaviour, conflict_divorce",
    )
    balance: list[str] = Field(default_factory=list, description="Ticked Balansmodel factor ids")
    summary: str = Field("", max_length=4000)
    scores: list[ScoreIO] = Field(default_factory=list)
    danger: list[DangerIn] = Field(default_factory=list)


class AssessmentOut(Schema):
    id: int
    assessed_at: datetime
    assessed_by: str
    organisation: str | None
    acute: bool
    structural: bool
    phase: str
    target: int
    weighing: dict[str, str]
    profiles: list[str]
    balance: list[str]
    summary: str
    scores: list[ScoreIO]
    shielded_from: list[int] = Field(
        default_factory=list,
        description="Members (person ids) this assessment is kept from; only for a whole-household partner",
    )


class SafetyOut(Schema):
    reference: str
    danger: list[DangerOut]
    assessments: list[AssessmentOut]
    hidden: int = Field(0, description="Assessments left out for this organisation (shielded), never which")


def _assessment(a: SafetyAssessment, shielded_from: list[int] | None = None) -> dict:
    scores = getattr(a, "visible_scores", None)
    if scores is None:
        scores = list(a.scores.all())
    return {
        "id": a.pk,
        "assessed_at": a.assessed_at,
        "assessed_by": a.assessor_name,
        "organisation": str(a.organisation) if a.organisation else None,
        "acute": a.acute,
        "structural": a.structural,
        "phase": a.phase,
        "target": a.target,
        "weighing": a.weighing,
        "profiles": a.profiles,
        "balance": a.balance,
        "summary": a.summary,
        "scores": [{"person_id": s.person_id, "professional": s.professional, "own": s.own} for s in scores],
        "shielded_from": shielded_from or [],
    }


def _danger(f: DangerFact, source: bool = True) -> dict:
    return {
        "id": f.pk,
        "kind": f.kind,
        "detail": f.detail,
        "recorded_at": f.recorded_at,
        "organisation": str(f.organisation) if f.organisation and source else None,
    }


@router.get(
    "/households/{reference}/safety",
    response={200: SafetyOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="The household's safety assessments (newest first) and current danger facts",
)
def get_safety(request: HttpRequest, reference: str) -> dict:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    assessments, hidden = visible_assessments(
        scope,
        list(
            SafetyAssessment.objects.filter(household=household)
            .select_related("organisation")
            .prefetch_related("scores")
        ),
    )
    # Danger facts are for every partner of the household: they concern a professional's own safety.
    danger = list(DangerFact.objects.current().filter(household=household).select_related("organisation"))
    persons = sorted(
        p
        for p in set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
        if scope.sees_person(p)
    )
    record_many(
        actor,
        action="view",
        object_type="safety",
        object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, p) for p in persons],
        basis=basis,
    )
    return {
        "reference": household.reference,
        "danger": [_danger(f, shows_source(scope, f.organisation_id)) for f in danger],
        "assessments": [
            _assessment(a, sorted(scope.shielded_from(ItemType.ASSESSMENT, a.pk)) if scope.whole else [])
            for a in assessments
        ],
        "hidden": hidden,
    }


def _bad_input(exc: ValidationError) -> HttpError:
    return HttpError(422, " ".join(exc.messages))


@router.post(
    "/households/{reference}/assessments",
    response={201: AssessmentOut, **AUTH_ERRORS, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a safety assessment (a new entry in the history)",
)
def post_assessment(request: HttpRequest, reference: str, body: AssessmentIn) -> Status:
    require_scope(request, ApiScope.SAFETY_WRITE)
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="create")
    data = services.AssessmentInput(
        acute=body.acute,
        structural=body.structural,
        phase=body.phase,
        weighing=body.weighing,
        profiles=body.profiles,
        balance=body.balance,
        summary=body.summary,
        scores=[services.ScoreInput(s.person_id, s.professional, s.own) for s in body.scores],
        danger=[(d.kind, d.detail) for d in body.danger],
    )
    try:
        assessment = services.record_assessment(actor, household, data)
    except ValidationError as exc:
        raise _bad_input(exc) from None
    return Status(201, _assessment(assessment))


@router.post(
    "/households/{reference}/danger-facts",
    response={201: DangerOut, **AUTH_ERRORS, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a danger fact for professionals (e.g. a weapon is present)",
)
def post_danger(request: HttpRequest, reference: str, body: DangerIn) -> Status:
    require_scope(request, ApiScope.SAFETY_WRITE)
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="create")
    try:
        fact = services.add_danger_fact(actor, household, body.kind, body.detail)
    except ValidationError as exc:
        raise _bad_input(exc) from None
    return Status(201, _danger(fact))
