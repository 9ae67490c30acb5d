"""Writes of the family plan (regie is `verband.plans.regie`).

Plan saves are optimistic: the caller passes the version it started from; if someone saved in between,
`StalePlan` is raised and nothing is written, so the view can show the newer plan next to what the user
typed. Every save writes a `PlanVersion` snapshot and a timeline line and is logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import EventKind, Household
from verband.households.services import add_event
from verband.network.models import ACTING_ROLES
from verband.plans.models import (
    ACTION_FLOW,
    ActionStatus,
    Agreement,
    FamilyPlan,
    Goal,
    PlanAction,
    PlanStatus,
    PlanVersion,
    SafetyAgreement,
)
from verband.sharing.access import can_see_household, memberships_seeing, partner_organisations, works_with
from verband.sharing.accesslog import Subject, record, record_many
from verband.shielding.models import ItemType
from verband.shielding.scope import involvement_members, view_scope
from verband.text import refuse_nul
from verband.workflow import happened


class StalePlan(Exception):
    """Someone saved the plan after this editor opened it."""

    def __init__(self, plan: FamilyPlan) -> None:
        super().__init__("stale plan")
        self.plan = plan


@dataclass
class GoalInput:
    text: str
    person_id: int | None = None
    id: int | None = None  # an existing goal of this plan: kept (its shields with it)


@dataclass
class AgreementInput:
    text: str
    monitored_by_id: int
    person_id: int | None = None
    id: int | None = None  # an existing agreement of this plan: kept (its shields with it)


@dataclass
class ActionInput:
    text: str
    owner_organisation_id: int
    due_on: date
    status: str = ActionStatus.OPEN
    owner_user_id: int | None = None
    person_id: int | None = None
    id: int | None = None


@dataclass
class PlanInput:
    status: str = PlanStatus.DRAFT
    household_wishes: str = ""
    household_agreement: str = Agreement.NOT_ASKED
    agreement_note: str = ""
    goals: list[GoalInput] = field(default_factory=list)
    agreements: list[AgreementInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def plan_for(household: Household) -> FamilyPlan:
    """The household's one plan, to write to: created (version 0) when nobody wrote one yet. Reads use
    `plans.selectors.plan_of`, which never writes."""
    plan, _created = FamilyPlan.objects.get_or_create(household=household)
    return plan


def owner_choices(household: Household) -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """Who can own an action or monitor an agreement: the partner organisations, and the people the
    household is open to (with their organisation)."""
    organisations = {o.pk: str(o) for o in partner_organisations(household)}
    people: dict[int, tuple[int, str]] = {}
    for membership in memberships_seeing(household).select_related("user", "organisation"):
        if membership.organisation_id in organisations:
            people.setdefault(membership.user_id, (membership.organisation_id, membership.user.display_name))
    return organisations, people


def validate_plan(household: Household, plan: FamilyPlan, data: PlanInput) -> None:
    refuse_nul(
        data.status,
        data.household_wishes,
        data.household_agreement,
        data.agreement_note,
        *(g.text for g in data.goals),
        *(a.text for a in data.agreements),
        *(a.text for a in data.actions),
        *(a.status for a in data.actions),
    )
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        if message not in errors.setdefault(key, []):
            errors[key].append(message)

    members = set(household.members.values_list("person_id", flat=True))
    organisations, people = owner_choices(household)
    if data.status not in PlanStatus.values:
        add("status", _("Choose the plan status."))
    if data.household_agreement not in Agreement.values:
        add("household_agreement", _("Choose whether the household agrees."))
    if len(data.household_wishes) > 4000:
        add("household_wishes", _("At most 4000 characters."))
    if len(data.agreement_note) > 500:
        add("agreement_note", _("At most 500 characters."))
    for goal in data.goals:
        if goal.person_id is not None and goal.person_id not in members:
            add("goals", _("A goal is for the household or for one of its members."))
        if not goal.text.strip() or len(goal.text) > 500:
            add("goals", _("Write each goal in 1 to 500 characters."))
    for agreement in data.agreements:
        if agreement.person_id is not None and agreement.person_id not in members:
            add("agreements", _("An agreement is for the household or for one of its members."))
        if not agreement.text.strip() or len(agreement.text) > 500:
            add("agreements", _("Write each agreement in 1 to 500 characters."))
        if agreement.monitored_by_id not in organisations:
            add("agreements", _("Choose a partner working with this household to monitor each agreement."))
    for key, items, model in (("goals", data.goals, Goal), ("agreements", data.agreements, SafetyAgreement)):
        known = set(model.objects.filter(plan=plan).values_list("pk", flat=True)) if plan.pk else set()
        ids = [i.id for i in items if i.id is not None]
        if len(ids) != len(set(ids)) or not set(ids) <= known:
            add(key, _("This item does not belong to this plan."))
    existing = set(plan.actions.values_list("pk", flat=True)) if plan.pk else set()
    _check_actions(data.actions, existing, members, organisations, people, add)
    if errors:
        raise ValidationError(errors)


def _check_actions(
    actions: list[ActionInput],
    existing: set[int],
    members: set[int],
    organisations: dict[int, str],
    people: dict[int, tuple[int, str]],
    add: Callable[[str, str], None],
) -> None:
    """The rules every action obeys, whether saved with the whole plan or added from a case meeting."""
    ids = [a.id for a in actions if a.id is not None]
    if len(ids) != len(set(ids)):
        add("actions", _("This action does not belong to this plan."))
    for action in actions:
        if action.id is not None and action.id not in existing:
            add("actions", _("This action does not belong to this plan."))
        if action.person_id is not None and action.person_id not in members:
            add("actions", _("An action is for the household or for one of its members."))
        if not action.text.strip() or len(action.text) > 500:
            add("actions", _("Write each action in 1 to 500 characters."))
        named = {"action": action.text.strip()[:80]}
        if action.owner_organisation_id not in organisations:
            add(
                "actions",
                _(
                    "“%(action)s”: choose a partner working with this household as owner (an organisation whose "
                    "involvement ended cannot own actions)."
                )
                % named,
            )
        elif action.owner_user_id is not None and people.get(action.owner_user_id, (None,))[0] != (
            action.owner_organisation_id
        ):
            add(
                "actions",
                _("“%(action)s”: the person who owns it must work for its owner and see this household.")
                % named,
            )
        if action.status not in ActionStatus.values:
            add("actions", _("Choose a status for each action."))


def add_actions(
    actor: Actor, household: Household, actions: list[ActionInput], change: str
) -> list[PlanAction]:
    """Append actions to the household's plan as a new version (e.g. decided in a case meeting). Does not
    touch the rest of the plan, so it never collides with an edit: the version is claimed afresh."""
    if actor.membership is None or actor.membership.role not in ACTING_ROLES:
        raise PermissionDenied
    if not works_with(actor, household):
        raise PermissionDenied
    refuse_member_scoped(actor, household)
    refuse_nul(*(a.text for a in actions))
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        if message not in errors.setdefault(key, []):
            errors[key].append(message)

    members = set(household.members.values_list("person_id", flat=True))
    organisations, people = owner_choices(household)
    _check_actions(actions, set(), members, organisations, people, add)
    today = timezone.localdate()
    if any(a.due_on < today for a in actions):
        add("actions", _("A new action is due today or later."))
    if errors:
        raise ValidationError(errors)
    plan = plan_for(household)
    with transaction.atomic():
        plan = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
        _claim(plan, plan.version, actor)
        start = plan.actions.count()
        made = [
            PlanAction.objects.create(
                plan=plan,
                person_id=item.person_id,
                text=item.text.strip(),
                owner_organisation_id=item.owner_organisation_id,
                owner_user_id=item.owner_user_id,
                due_on=item.due_on,
                status=ActionStatus.OPEN,
                order=start + i,
            )
            for i, item in enumerate(actions)
        ]
        version = _new_version(actor, plan, change)
        add_event(
            household,
            EventKind.PLAN,
            _("Family plan version %(n)s: %(count)s actions added (%(change)s)")
            % {"n": version.number, "count": len(made), "change": change[:120]},
            actor=actor,
        )
        _log_plan(actor, household, "update", plan)
    return made


def snapshot(plan: FamilyPlan) -> dict:
    """The plan as words, for the version history and comparisons; each item with its id and the member it
    is for (`person_id`), so that a version is shown through the same shielding scope as the plan."""
    from verband.households.models import Person

    people = {p.pk: p.full_name for p in Person.objects.filter(memberships__household=plan.household_id)}

    def who(pid: int | None) -> str:
        return people.get(pid, "") if pid else str(_("Household"))

    return {
        "status": plan.get_status_display(),
        "household_wishes": plan.household_wishes,
        "household_agreement": plan.get_household_agreement_display(),
        "agreement_note": plan.agreement_note,
        "goals": [
            {"id": g.pk, "person_id": g.person_id, "for": who(g.person_id), "text": g.text}
            for g in plan.goals.all()
        ],
        "agreements": [
            {
                "id": a.pk,
                "person_id": a.person_id,
                "for": who(a.person_id),
                "text": a.text,
                "monitored_by": str(a.monitored_by),
            }
            for a in plan.agreements.select_related("monitored_by")
        ],
        "actions": [
            {
                "id": a.pk,
                "person_id": a.person_id,
                "owner_organisation_id": a.owner_organisation_id,
                "for": who(a.person_id),
                "text": a.text,
                "owner": str(a.owner_organisation),
                "person": a.owner_user.display_name if a.owner_user else "",
                "due_on": a.due_on.isoformat(),
                "status": a.get_status_display(),
            }
            for a in plan.actions.select_related("owner_organisation", "owner_user")
        ],
    }


def _new_version(actor: Actor, plan: FamilyPlan, change: str) -> PlanVersion:
    user = actor.user
    plan.refresh_from_db()
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        saved_by=user,
        saved_by_name=(user.get_full_name() or user.get_username())
        if user
        else (actor.token.name if actor.token else ""),
        organisation_name=actor.organisation.name if actor.organisation else "",
        change=change[:300],
        snapshot=snapshot(plan),
    )


def _claim(plan: FamilyPlan, expected: int, actor: Actor) -> None:
    """Take the next version number if nobody saved since `expected`; otherwise StalePlan."""
    claimed = FamilyPlan.objects.filter(pk=plan.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=actor.user
    )
    if not claimed:
        plan.refresh_from_db()
        raise StalePlan(plan)


class MemberScopedEditor(PermissionDenied):
    """A partner involved only with some members would overwrite the items it cannot see."""


def refuse_member_scoped(actor: Actor, household: Household) -> None:
    """Only a partner working with the whole household edits the whole plan; a member-scoped partner's
    attempt is refused and logged as denied."""
    whole, persons = involvement_members(actor, household)
    if not whole and persons:
        record(
            actor, action="update", object_type="family_plan", object_id=household.reference,
            household_id=household.pk, outcome="denied",
        )  # fmt: skip
        raise MemberScopedEditor(
            _(
                "You work with some members of this household only, so you cannot edit the whole plan: "
                "you would overwrite parts you cannot see. Ask the regisseur or a partner working with the "
                "whole household to change it."
            )
        )


def _sync(model: type[Goal] | type[SafetyAgreement], plan: FamilyPlan, rows: list[dict]) -> None:
    """Goals and agreements keep their identity: rows with an id are updated, the plan's others deleted,
    rows without an id created."""
    kept = [row.pop("id") for row in rows]
    model.objects.filter(plan=plan).exclude(pk__in=[pk for pk in kept if pk is not None]).delete()
    for order, (pk, values) in enumerate(zip(kept, rows, strict=True)):
        if pk is not None:
            model.objects.filter(plan=plan, pk=pk).update(order=order, **values)
        else:
            model.objects.create(plan=plan, order=order, **values)


def save_plan(actor: Actor, household: Household, data: PlanInput, expected_version: int) -> FamilyPlan:
    refuse_member_scoped(actor, household)
    plan = plan_for(household)
    validate_plan(household, plan, data)
    with transaction.atomic():
        _claim(plan, expected_version, actor)
        FamilyPlan.objects.filter(pk=plan.pk).update(
            status=data.status,
            household_wishes=data.household_wishes.strip(),
            household_agreement=data.household_agreement,
            agreement_note=data.agreement_note.strip(),
        )
        _sync(
            Goal, plan, [{"id": g.id, "person_id": g.person_id, "text": g.text.strip()} for g in data.goals]
        )
        _sync(
            SafetyAgreement,
            plan,
            [
                {
                    "id": a.id,
                    "person_id": a.person_id,
                    "text": a.text.strip(),
                    "monitored_by_id": a.monitored_by_id,
                }
                for a in data.agreements
            ],
        )
        kept = [a.id for a in data.actions if a.id is not None]
        plan.actions.exclude(pk__in=kept).delete()
        before = dict(plan.actions.values_list("pk", "status"))
        for order, item in enumerate(data.actions):
            values = {
                "person_id": item.person_id,
                "text": item.text.strip(),
                "owner_organisation_id": item.owner_organisation_id,
                "owner_user_id": item.owner_user_id,
                "due_on": item.due_on,
                "order": order,
            }
            if item.id is None:
                PlanAction.objects.create(plan=plan, status=item.status, **values)
                continue
            row = PlanAction.objects.filter(plan=plan, pk=item.id)
            row.update(**values)
            if item.status != before[item.id]:
                ACTION_FLOW.move_rows(row, item.status, source=before[item.id])
        version = _new_version(actor, plan, _("Plan saved"))
        add_event(
            household,
            EventKind.PLAN,
            _("Family plan version %(n)s: %(goals)s goals, %(agreements)s agreements, %(actions)s actions")
            % {
                "n": version.number,
                "goals": len(data.goals),
                "agreements": len(data.agreements),
                "actions": len(data.actions),
            },
            actor=actor,
        )
        _log_plan(actor, household, "update", plan)
    plan.refresh_from_db()
    return plan


def may_set_action_status(actor: Actor, action: PlanAction) -> bool:
    """Only the action's owner (its organisation or person) who sees the household and, within it, the
    action (not shielded from their members) reports its progress."""
    owner = actor.organisation is not None and action.owner_organisation_id == actor.organisation.pk
    if not owner and not (actor.user is not None and action.owner_user_id == actor.user.pk):
        return False
    household = action.plan.household
    return can_see_household(actor, household) and view_scope(actor, household).shows(
        ItemType.ACTION, action.pk, action.person_id, owner_organisation_id=action.owner_organisation_id
    )


def set_action_status(actor: Actor, action: PlanAction, status: str) -> PlanAction:
    """An owner reports progress on their action; this is a new plan version like any other change. A
    save by someone else at the same moment is not an error here: the status change simply follows it."""
    if not may_set_action_status(actor, action):
        raise PermissionDenied
    refuse_nul(status)
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Choose a status for the action.")]})
    plan = action.plan
    for attempt in range(3):
        try:
            with transaction.atomic():
                plan.refresh_from_db()
                _claim(plan, plan.version, actor)
                if status != action.status:
                    ACTION_FLOW.move(action, status, stale=_("Someone changed this action in the meantime."))
                change = {"action": action.text[:200], "status": action.get_status_display()}
                _new_version(actor, plan, _("%(action)s: %(status)s") % change)
                happened(
                    actor,
                    plan.household,
                    "plan_action",
                    str(action.pk),
                    event=(EventKind.PLAN, _("Action “%(action)s”: %(status)s") % change),
                )
            return action
        except StalePlan:
            if attempt == 2:
                raise ValidationError(_("The plan is being changed right now. Try again.")) from None
    return action


def _log_plan(actor: Actor, household: Household, action: str, plan: FamilyPlan) -> None:
    persons = sorted(set(household.members.values_list("person_id", flat=True)))
    record_many(
        actor,
        action=action,
        object_type="family_plan",
        object_id=str(plan.pk),
        subjects=[Subject(household.pk)] + [Subject(household.pk, pid) for pid in persons],
    )
