"""Reads of plans, actions and regie, for households the caller opened through the access core (or, for
Mijn werk, restricted to `visible_households`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from verband.households.models import Household, HouseholdMember, Person, member_sort_key
from verband.plans.models import ActionStatus, FamilyPlan, PlanAction, Regie, RegieTransfer, TransferStatus
from verband.sharing.access import Actor, visible_households


@dataclass
class Section:
    person: Person | None
    roles: str
    goals: list[Any] = field(default_factory=list)
    agreements: list[Any] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.goals or self.agreements or self.actions)


@dataclass
class PlanDocument:
    plan: FamilyPlan
    sections: list[Section]
    regie: Regie | None
    actions_total: int

    @property
    def empty(self) -> bool:
        return all(section.empty for section in self.sections)


def plan_document(plan: FamilyPlan, reader: Person | None) -> PlanDocument:
    """The plan grouped in sections: the household first, then each member. For a member as reader only
    the household's section and their own."""
    members = sorted(
        HouseholdMember.objects.filter(household_id=plan.household_id).select_related("person"),
        key=member_sort_key,
    )
    sections: dict[int | None, Section] = {None: Section(None, "")}
    for member in members:
        if member.person_id in sections:
            section = sections[member.person_id]
            section.roles += ", " + str(member.get_role_display()).lower()
        else:
            sections[member.person_id] = Section(member.person, str(member.get_role_display()).lower())
    for goal in plan.goals.all():
        sections.get(goal.person_id, sections[None]).goals.append(goal)
    for agreement in plan.agreements.select_related("monitored_by"):
        sections.get(agreement.person_id, sections[None]).agreements.append(agreement)
    actions = list(plan.actions.select_related("owner_organisation", "owner_user"))
    for action in actions:
        sections.get(action.person_id, sections[None]).actions.append(action)
    chosen = list(sections.values())
    if reader is not None:
        chosen = [s for s in chosen if s.person is None or s.person.pk == reader.pk]
    regie = (
        Regie.objects.filter(household_id=plan.household_id, ended_at__isnull=True)
        .select_related("user", "organisation", "membership__team")
        .first()
    )
    return PlanDocument(plan, chosen, regie, len(actions))


OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def my_actions(actor: Actor) -> list[PlanAction]:
    """Open actions owned by this person, or by their organisation without a named person, in households
    they may see; overdue first."""
    if actor.membership is None or actor.user is None:
        return []
    mine = Q(owner_user=actor.user) | Q(
        owner_user__isnull=True, owner_organisation_id=actor.membership.organisation_id
    )
    return list(
        PlanAction.objects.filter(mine, status__in=OPEN_ACTION, plan__household__in=visible_households(actor))
        .select_related("plan__household", "owner_organisation", "owner_user", "person")
        .order_by("due_on", "pk")[:200]
    )


def regie_state(household_id: int) -> tuple[Regie | None, list[Regie], RegieTransfer | None]:
    history = list(
        Regie.objects.filter(household_id=household_id)
        .select_related("user", "organisation", "mandated_by", "membership__team")
        .order_by("-started_at", "-pk")
    )
    current = next((r for r in history if r.ended_at is None), None)
    pending = (
        RegieTransfer.objects.filter(household_id=household_id, status=TransferStatus.PENDING)
        .select_related("to_user", "to_membership__organisation")
        .first()
    )
    return current, history, pending


def regie_panel(actor: Actor, household: Household) -> dict[str, Any]:
    """What the household page shows about regie, and what this actor may do about it."""
    from verband.network.models import Role
    from verband.plans import services

    current, history, pending = regie_state(household.pk)
    membership = actor.membership
    user_id = actor.user.pk if actor.user else None
    writer = membership is not None and membership.role in services.REGISSEUR_ROLES
    may_request = writer and (current is None or current.user_id == user_id)
    may_end = (
        current is not None
        and membership is not None
        and (
            current.user_id == user_id
            or (
                membership.role == Role.LINE_MANAGER and membership.organisation_id == current.organisation_id
            )
        )
    )
    plan = FamilyPlan.objects.filter(household=household).only("version").first()
    candidates = services.regie_candidates(household) if may_request and pending is None else []
    return {
        "current": current,
        "history": history,
        "pending": pending,
        "may_request": may_request and pending is None,
        "may_withdraw": pending is not None
        and user_id in {pending.requested_by_id, current.user_id if current else None},
        "may_end": may_end,
        "candidates": candidates,
        "self_candidate": next((m for m in candidates if membership and m.pk == membership.pk), None)
        if current is None
        else None,
        "plan_version": plan.version if plan else 0,
    }
