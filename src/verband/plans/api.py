"""The family plan, its actions and regie over the API, through the same access core as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, ErrorOut, require_scope
from verband.households.models import Household, HouseholdMember
from verband.plans import services
from verband.plans.models import PlanAction
from verband.plans.selectors import OPEN_ACTION, in_scope, plan_of, regie_state, with_whole_household
from verband.sharing.access import actor_for_request, get_household_or_404, visible_households
from verband.sharing.accesslog import Subject, record_many
from verband.shielding.models import ItemType
from verband.shielding.scope import WHOLE, Scope, view_scope

router = Router(tags=["plans"])


class GoalOut(Schema):
    id: int
    person_id: int | None = Field(None, description="None: for the whole household")
    text: str
    shielded_from: list[int] = Field(
        default_factory=list,
        description="Members this item is kept from (shown to partners working with the whole household)",
    )


class AgreementOut(GoalOut):
    monitored_by: str
    monitored_by_id: int


class ActionOut(Schema):
    id: int
    household: str
    person_id: int | None
    text: str
    owner_organisation_id: int
    owner_organisation: str
    owner_person: str | None
    due_on: date
    status: str
    overdue: bool
    shielded_from: list[int] = Field(
        default_factory=list,
        description="Members this action is kept from (shown to partners working with the whole household)",
    )


class PlanOut(Schema):
    reference: str
    version: int = Field(..., description="0 while nothing has been saved")
    status: str
    household_wishes: str | None = Field(
        ..., description="None: shown only to partners working with the whole household"
    )
    household_agreement: str
    agreement_note: str | None = Field(
        ..., description="None: shown only to partners working with the whole household"
    )
    updated_at: datetime
    goals: list[GoalOut]
    agreements: list[AgreementOut]
    actions: list[ActionOut]
    whole_household: bool = Field(
        ..., description="False: this organisation works with some members only and sees their parts"
    )
    hidden: int = Field(..., description="How many goals, agreements and actions are shielded from you")


class ActionPatch(Schema):
    status: str = Field(..., description="open, in_progress, done or cancelled")


class RegieOut(Schema):
    regisseur: str | None
    organisation: str | None
    mandated_by: str | None
    mandate: str | None = Field(
        None, description="requested (the line manager named has not confirmed yet), confirmed or refused"
    )
    since: datetime | None
    pending_to: str | None = Field(None, description="Asked to take regie, not yet accepted")
    history: list[dict]


def _action(a: PlanAction, reference: str, scope: Scope = WHOLE) -> dict:
    return {
        "id": a.pk,
        "household": reference,
        "person_id": a.person_id,
        "text": a.text,
        "owner_organisation_id": a.owner_organisation_id,
        "owner_organisation": str(a.owner_organisation),
        "owner_person": a.owner_user.display_name if a.owner_user else None,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.overdue,
        "shielded_from": _kept(scope, ItemType.ACTION, a.pk),
    }


def _kept(scope: Scope, item_type: str, item_id: int) -> list[int]:
    return sorted(scope.shielded_from(item_type, item_id)) if scope.whole else []


def _log(request: HttpRequest, household: Household, basis: str, object_type: str) -> None:
    actor = actor_for_request(request)
    persons = sorted(
        set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    )
    hid = household.pk
    record_many(
        actor,
        action="view",
        object_type=object_type,
        object_id=household.reference,
        subjects=[Subject(hid)] + [Subject(hid, p) for p in persons],
        basis=basis,
    )


@router.get(
    "/households/{reference}/plan",
    response={200: PlanOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="The household's one family plan",
)
def get_plan(request: HttpRequest, reference: str) -> dict:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    plan = plan_of(household)
    scope = view_scope(actor, household)
    goals = list(plan.goals.all())
    agreements = list(plan.agreements.select_related("monitored_by"))
    actions = list(plan.actions.select_related("owner_organisation", "owner_user"))
    shown_goals = scope.visible(goals, ItemType.GOAL)
    shown_agreements = scope.visible(agreements, ItemType.AGREEMENT)
    shown_actions = scope.visible(actions, ItemType.ACTION)
    _log(request, household, basis, "family_plan")
    return {
        "reference": household.reference,
        "version": plan.version,
        "status": plan.status,
        "household_wishes": plan.household_wishes if scope.whole else None,
        "household_agreement": plan.household_agreement,
        "agreement_note": plan.agreement_note if scope.whole else None,
        "updated_at": plan.updated_at,
        "goals": [
            {
                "id": g.pk,
                "person_id": g.person_id,
                "text": g.text,
                "shielded_from": _kept(scope, ItemType.GOAL, g.pk),
            }
            for g in shown_goals
        ],
        "agreements": [
            {
                "id": a.pk,
                "person_id": a.person_id,
                "text": a.text,
                "monitored_by": str(a.monitored_by),
                "monitored_by_id": a.monitored_by_id,
                "shielded_from": _kept(scope, ItemType.AGREEMENT, a.pk),
            }
            for a in shown_agreements
        ],
        "actions": [_action(a, household.reference, scope) for a in shown_actions],
        "whole_household": scope.whole,
        "hidden": len(goals)
        + len(agreements)
        + len(actions)
        - len(shown_goals)
        - len(shown_agreements)
        - len(shown_actions),
    }


@router.get(
    "/actions",
    response={200: list[ActionOut], **AUTH_ERRORS},
    summary="Open family-plan actions owned by this organisation",
)
def list_actions(request: HttpRequest) -> list[dict]:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    actions = list(
        with_whole_household(
            actor,
            PlanAction.objects.filter(
                owner_organisation=actor.organisation,
                status__in=OPEN_ACTION,
                plan__household__in=visible_households(actor),
            ),
        )
        .select_related("plan__household", "owner_organisation", "owner_user")
        .order_by("due_on", "pk")[:500]
    )
    actions = in_scope(actor, actions)
    record_many(
        actor,
        action="list",
        object_type="plan_action",
        subjects=[Subject(a.plan.household_id, a.person_id) for a in actions] or [Subject()],
    )
    return [_action(a, a.plan.household.reference) for a in actions]


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, **AUTH_ERRORS, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Report progress on an action of this organisation",
)
def patch_action(request: HttpRequest, action_id: int, body: ActionPatch) -> dict:
    require_scope(request, ApiScope.PLANS_WRITE)
    actor = actor_for_request(request)
    action = (
        PlanAction.objects.filter(
            pk=action_id, owner_organisation=actor.organisation, plan__household__in=visible_households(actor)
        )
        .select_related("plan__household", "owner_organisation", "owner_user")
        .first()
        if 0 < action_id < 2**62
        else None
    )
    if action is None or not in_scope(actor, [action]):
        raise HttpError(404, "Niet gevonden.")
    try:
        services.set_action_status(actor, action, body.status)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    except PermissionDenied:
        raise HttpError(404, "Niet gevonden.") from None
    action.refresh_from_db()
    return _action(action, action.plan.household.reference)


@router.get(
    "/households/{reference}/regie",
    response={200: RegieOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="Who has regie (or nobody yet), a request waiting for acceptance, and the history",
)
def get_regie(request: HttpRequest, reference: str) -> dict:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    current, history, pending = regie_state(household.pk)
    scope = view_scope(actor, household)
    if not scope.whole:
        # As on the household page: no history or pending request, and a shelter is not named.
        history, pending = [], None
        if current is not None and not scope.names_organisation(current.organisation):
            current = None
    _log(request, household, basis, "regie")
    return {
        "regisseur": current.user.display_name if current else None,
        "organisation": str(current.organisation) if current else None,
        "mandated_by": current.mandated_by.display_name if current else None,
        "mandate": current.mandate_status if current else None,
        "since": current.started_at if current else None,
        "pending_to": pending.to_user.display_name if pending else None,
        "history": [
            {
                "regisseur": r.user.display_name,
                "organisation": str(r.organisation),
                "mandated_by": r.mandated_by.display_name,
                "mandate": r.mandate_status,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            }
            for r in history
        ],
    }
