"""Reads of plans, actions and regie, for households the caller opened through the access core (or, for
Mijn werk, restricted to `visible_households`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from verband.actors import Actor
from verband.households.models import Household, HouseholdMember, Person, member_sort_key
from verband.network.models import ACTING_ROLES, Role
from verband.plans import regie
from verband.plans.models import ActionStatus, FamilyPlan, PlanAction, Regie, RegieTransfer, TransferStatus
from verband.sharing.access import visible_households, visible_involvements
from verband.shielding.models import ItemType
from verband.shielding.scope import WHOLE, Scope, view_scope


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
    hidden: int = 0
    whole: bool = True
    regie_withheld: bool = False

    @property
    def empty(self) -> bool:
        return all(section.empty for section in self.sections)


def plan_of(household: Household) -> FamilyPlan:
    """The household's one plan, for reading: it exists from the household's first moment (`plans.apps`),
    so a page that shows it never writes."""
    return FamilyPlan.objects.get(household=household)


def shows_item(scopes: Sequence[Scope], item_type: str, item: Any) -> bool:
    """Whether every one of the scopes lets the item through (a copy made by a member-scoped partner must
    pass both the copy's scope and the partner's own)."""
    return all(
        scope.shows(
            item_type,
            item.pk,
            item.person_id,
            owner_organisation_id=getattr(item, "owner_organisation_id", None),
        )
        for scope in scopes
    )


def shield_names(scope: Scope, item_type: str, item_id: int, names: dict[int, str]) -> str:
    """For a whole-household view: the members an item is kept from, by name ("" when none)."""
    if not scope.whole:
        return ""
    return ", ".join(sorted(names.get(pid, "?") for pid in scope.shielded_from(item_type, item_id)))


def plan_document(
    plan: FamilyPlan, reader: Person | None, scopes: Sequence[Scope] = (WHOLE,)
) -> PlanDocument:
    """The plan grouped in sections: the household first, then each member. For a member as reader only
    the household's section and their own. Only items every scope shows are in it (`hidden` counts the
    others); for a whole-household view each item carries `shielded_names`, whom it is kept from."""
    members = sorted(
        HouseholdMember.objects.filter(household_id=plan.household_id).select_related("person"),
        key=member_sort_key,
    )
    sections: dict[int | None, Section] = {None: Section(None, "")}
    names: dict[int, str] = {}
    for member in members:
        names[member.person_id] = member.person.full_name
        if member.person_id in sections:
            section = sections[member.person_id]
            section.roles += ", " + str(member.get_role_display()).lower()
        else:
            sections[member.person_id] = Section(member.person, str(member.get_role_display()).lower())
    labels = scopes[0] if len(scopes) == 1 and scopes[0].whole else None
    hidden = 0
    actions = list(plan.actions.select_related("owner_organisation", "owner_user"))
    for item_type, items, attr in (
        (ItemType.GOAL, plan.goals.all(), "goals"),
        (ItemType.AGREEMENT, plan.agreements.select_related("monitored_by"), "agreements"),
        (ItemType.ACTION, actions, "actions"),
    ):
        for item in items:
            if not shows_item(scopes, item_type, item):
                hidden += 1
                continue
            item.shielded_names = (  # type: ignore[union-attr]
                shield_names(labels, item_type, item.pk, names) if labels else ""
            )
            getattr(sections.get(item.person_id, sections[None]), attr).append(item)
    chosen = list(sections.values())
    if reader is not None:
        chosen = [s for s in chosen if s.person is None or s.person.pk == reader.pk]
    regie = (
        Regie.objects.filter(household_id=plan.household_id, ended_at__isnull=True)
        .select_related("user", "organisation", "membership__team")
        .first()
    )
    withheld = regie is not None and not all(scope.names_organisation(regie.organisation) for scope in scopes)
    if withheld:
        regie = None  # a shelter holding regie is not named in a copy or to a member-scoped partner
    return PlanDocument(
        plan,
        chosen,
        regie,
        len([a for a in actions if shows_item(scopes, ItemType.ACTION, a)]),
        hidden=hidden,
        whole=all(scope.whole for scope in scopes),
        regie_withheld=withheld,
    )


OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def my_actions_page(actor: Actor, number: str | int | None, per_page: int) -> Page:
    """One page of the open actions owned by this person, or by their organisation without a named person,
    in households they may see and as far as their scope in that household shows them; overdue first.
    The choice is made on ids (a scope is asked only where the actor works with named members); only the
    page's actions are loaded."""
    if actor.membership is None or actor.user is None:
        return Paginator([], per_page).get_page(number)
    mine = Q(owner_user=actor.user) | Q(
        owner_user__isnull=True, owner_organisation_id=actor.membership.organisation_id
    )
    candidates = list(
        with_whole_household(  # type: ignore[misc]  # values_list names the annotation
            actor,
            PlanAction.objects.filter(
                mine, status__in=OPEN_ACTION, plan__household__in=visible_households(actor)
            ),
        )
        .order_by("due_on", "pk")
        .values_list("pk", "plan__household_id", "person_id", "owner_organisation_id", "whole_household")
    )
    partial = {household_id for _pk, household_id, _p, _o, whole in candidates if not whole}
    scopes = {h.pk: view_scope(actor, h) for h in Household.objects.filter(pk__in=partial)}
    ids: list[Any] = [
        pk
        for pk, household_id, person_id, owner_id, whole in candidates
        if whole or scopes[household_id].shows(ItemType.ACTION, pk, person_id, owner_organisation_id=owner_id)
    ]
    page = Paginator(ids, per_page).get_page(number)
    loaded = PlanAction.objects.filter(pk__in=list(page.object_list)).select_related(
        "plan__household", "owner_organisation", "owner_user", "person"
    )
    order = {pk: n for n, pk in enumerate(page.object_list)}
    page.object_list = sorted(loaded, key=lambda action: order[action.pk])
    return page


def with_whole_household(actor: Actor, actions: QuerySet[PlanAction]) -> QuerySet[PlanAction]:
    """Annotate `whole_household`: one of the actor's involvements with the action's household is for the
    whole household (then the scope shows every action there; no further query is needed)."""
    whole = visible_involvements(actor).filter(
        household_id=OuterRef("plan__household_id"), scoped_members__isnull=True
    )
    return actions.annotate(whole_household=Exists(whole))


def in_scope(actor: Actor, actions: list[PlanAction]) -> list[PlanAction]:
    """The actions (with `plan__household` selected) the actor's scope in their household shows: all of
    them where the actor works with the whole household (`whole_household`, annotated by
    `with_whole_household`, else asked), elsewhere as the household's `view_scope` decides."""
    scopes: dict[int, Scope] = {}
    shown = []
    for action in actions:
        household = action.plan.household
        if household.pk not in scopes:
            whole = getattr(action, "whole_household", None)
            scopes[household.pk] = WHOLE if whole else view_scope(actor, household)
        if shows_item((scopes[household.pk],), ItemType.ACTION, action):
            shown.append(action)
    return shown


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
    current, history, pending = regie_state(household.pk)
    membership = actor.membership
    user_id = actor.user.pk if actor.user else None
    writer = membership is not None and membership.role in ACTING_ROLES
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
    candidates = regie.regie_candidates(household) if may_request and pending is None else []
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
