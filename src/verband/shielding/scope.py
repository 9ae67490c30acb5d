"""What of a household a viewer may see, member by member and item by item.

`can_see_household` (sharing.access) opens a household; within it, `view_scope(actor, household)` says
which members and which items the actor sees, and `member_scope(household, person)` does the same for
one member's own copy (the plan PDF for that member, later the household's own door). Every renderer of
household data asks the scope — `scope.shows(item_type, item_id, person_id)` — before it shows an item,
and says how many items it left out (`Scope.count_hidden`), never what they are.

The rules:
- A partner whose involvement is for the whole household sees every member and item; items shielded
  from a member are labelled with whom they are kept from.
- A partner involved only with named members (probation for the perpetrator) sees those members and
  the items about them — not items about other members, not items about no one member (the household's
  parts) unless the partner owns them (an action given to it), and never an item shielded from one of
  its members.
- A member's own copy shows the household's parts and that member's, minus what is shielded from them.
- Shields: what protects a victim — the addresses of victims and children, safety agreements that are not
  the perpetrator's own, help at a shelter and actions given to a shelter — is kept from every member
  recorded as perpetrator, by default. A shelter is named only in whole-household views
  (`Scope.names_organisation`): not to a member-scoped partner, not in a member's or the household's copy. A professional shields any item from a named member, or lifts a shield (the default one
  too), always with a reason (`verband.shielding.services`); the latest decision counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from verband.actors import Actor
from verband.households.models import Address, Household, HouseholdMember, MemberRole
from verband.network.models import OrganisationKind
from verband.sharing.access import visible_involvements
from verband.sharing.models import Involvement
from verband.shielding.models import ItemType, ShieldDecision

PROTECTED_ROLES = frozenset({MemberRole.VICTIM, MemberRole.CHILD})
THREAT_ROLES = frozenset({MemberRole.PERPETRATOR})

Key = tuple[str, int]

# The default shields of the items other apps hold: each rule gets the household, its members recorded as
# perpetrator (threats) and its victims and children (protected), and yields (item type, item id, the
# members it is kept from). The apps register their rules when Django starts (`plans.shields`,
# `collaboration.shields`, from their AppConfig.ready), so this module depends on no app above it.
DefaultShield = Callable[[int, frozenset[int], frozenset[int]], Iterable[tuple[str, int, frozenset[int]]]]
DEFAULT_SHIELDS: list[DefaultShield] = []


def registers_default_shield(rule: DefaultShield) -> DefaultShield:
    """Register a default-shield rule (a decorator; idempotent)."""
    if rule not in DEFAULT_SHIELDS:
        DEFAULT_SHIELDS.append(rule)
    return rule


@dataclass(frozen=True)
class Scope:
    whole: bool
    person_ids: frozenset[int]
    household_level: bool = False
    organisation_id: int | None = None
    shields: Mapping[Key, frozenset[int]] = field(default_factory=dict)

    def sees_person(self, person_id: int | None) -> bool:
        return self.whole or (person_id is not None and person_id in self.person_ids)

    def shows(
        self,
        item_type: str,
        item_id: int,
        person_id: int | None = None,
        *,
        owner_organisation_id: int | None = None,
    ) -> bool:
        """May this viewer see the item (about `person_id`, or about no one member when None)?"""
        if self.whole:
            return True
        if self.shields.get((item_type, item_id), frozenset()) & self.person_ids:
            return False
        if person_id is None:
            own = owner_organisation_id is not None and owner_organisation_id == self.organisation_id
            return self.household_level or own
        return person_id in self.person_ids

    def shielded_from(self, item_type: str, item_id: int) -> frozenset[int]:
        """The members this item is kept from (for the labels a whole-household partner sees)."""
        return self.shields.get((item_type, item_id), frozenset())

    def names_organisation(self, organisation: object) -> bool:
        """A shelter is named only in whole-household views: its name is where she is."""
        return self.whole or getattr(organisation, "kind", None) != OrganisationKind.SHELTER

    def visible(self, items: Iterable[object], item_type: str, person_attr: str = "person_id") -> list:
        """The items this viewer may see, of one type (each with `pk` and the person attribute)."""
        return [
            item
            for item in items
            if self.shows(
                item_type,
                item.pk,  # type: ignore[attr-defined]
                getattr(item, person_attr),
                owner_organisation_id=getattr(item, "owner_organisation_id", None),
            )
        ]

    def count_hidden(self, items: Iterable[object], item_type: str, person_attr: str = "person_id") -> int:
        items = list(items)
        return len(items) - len(self.visible(items, item_type, person_attr))


def household_shields(
    household: Household | int, *, decisions: bool = True, members: Iterable[HouseholdMember] | None = None
) -> dict[Key, frozenset[int]]:
    """Every item of the household that is kept from someone, with whom: the defaults, then every
    decision in order (the latest about an item and a member counts). Callers that hold the household's
    members pass them (saves a query)."""
    household_id = household if isinstance(household, int) else household.pk
    roles: dict[int, set[str]] = defaultdict(set)
    pairs = (
        [(m.person_id, m.role) for m in members]
        if members is not None
        else HouseholdMember.objects.filter(household_id=household_id).values_list("person_id", "role")
    )
    for person_id, role in pairs:
        roles[person_id].add(role)
    threats = {pid for pid, r in roles.items() if r & THREAT_ROLES}
    protected = {pid for pid, r in roles.items() if r & PROTECTED_ROLES}
    shields: dict[Key, set[int]] = defaultdict(set)
    if threats:
        for pk, owner in Address.objects.filter(person_id__in=protected).values_list("pk", "person_id"):
            shields[(ItemType.ADDRESS, pk)] |= threats - {owner}
        for rule in DEFAULT_SHIELDS:
            for item_type, pk, kept_from in rule(household_id, frozenset(threats), frozenset(protected)):
                shields[(item_type, pk)] |= kept_from
    made = (
        ShieldDecision.objects.filter(household_id=household_id)
        if decisions
        else ShieldDecision.objects.none()
    )
    for item_type, item_id, person_id, shielded in made.values_list(
        "item_type", "item_id", "person_id", "shielded"
    ):
        if shielded:
            shields[(item_type, item_id)].add(person_id)
        else:
            shields[(item_type, item_id)].discard(person_id)
    return {key: frozenset(persons) for key, persons in shields.items() if persons}


def default_shield(household: Household, item_type: str, item_id: int, person_id: int) -> bool:
    """Whether the item is kept from this member by default, before any decision."""
    return person_id in household_shields(household, decisions=False).get((item_type, item_id), frozenset())


def involvement_members(
    actor: Actor, household: Household, involvements: Iterable[Involvement] | None = None
) -> tuple[bool, frozenset[int]]:
    """(whole household?, the members the actor's involvements are for). Callers that hold the
    household's active involvements with their scoped members prefetched pass them."""
    if involvements is None:
        involvements = list(
            visible_involvements(actor).filter(household=household).prefetch_related("scoped_members")
        )
    else:
        mine = set(visible_involvements(actor).filter(household=household).values_list("pk", flat=True))
        involvements = [i for i in involvements if i.pk in mine]
    return members_of(involvements)


def members_of(involvements: Iterable[Involvement]) -> tuple[bool, frozenset[int]]:
    """The one rule of member scoping: (for the whole household?, the members the involvements are for).
    Whole as soon as one involvement names no members; else the members they name together. Reads the
    prefetched `scoped_members`."""
    persons: set[int] = set()
    for involvement in involvements:
        scoped = {m.person_id for m in involvement.scoped_members.all()}
        if not scoped:
            return True, frozenset()
        persons |= scoped
    return False, frozenset(persons)


def view_scope(
    actor: Actor,
    household: Household,
    *,
    involvements: Iterable[Involvement] | None = None,
    members: Iterable[HouseholdMember] | None = None,
) -> Scope:
    whole, persons = involvement_members(actor, household, involvements)
    return Scope(
        whole=whole,
        person_ids=persons,
        household_level=False,
        organisation_id=actor.organisation.pk if actor.organisation else None,
        shields=household_shields(household, members=members),
    )


def member_scope(household: Household, person_id: int) -> Scope:
    """One member's own copy: the household's parts and theirs, minus what is kept from them."""
    return Scope(
        whole=False,
        person_ids=frozenset({person_id}),
        household_level=True,
        shields=household_shields(household),
    )


def door_scope(household: Household, person_id: int) -> Scope:
    """A member's view at the household's own door (`verband.portal`): their own copy (`member_scope`) —
    and for a child, also without what is kept from a member recorded as perpetrator. A child's phone is
    within his reach (a weekend of contact, a visit): an escape agreement, the shelter's part or any other
    item shielded from him stays off the child's door too, unless a professional lifted the shield for
    this child in particular, with a reason (`verband.shielding.services`)."""
    members = list(HouseholdMember.objects.filter(household=household))
    shields = household_shields(household, members=members)
    roles = {m.role for m in members if m.person_id == person_id}
    threats = {m.person_id for m in members if m.role in THREAT_ROLES} - {person_id}
    if MemberRole.CHILD in roles and not roles & THREAT_ROLES and threats:
        latest: dict[Key, bool] = {}
        for item_type, item_id, shielded in ShieldDecision.objects.filter(
            household=household, person_id=person_id
        ).values_list("item_type", "item_id", "shielded"):
            latest[(item_type, item_id)] = shielded
        shields = {
            key: kept | {person_id} if kept & threats and latest.get(key) is not False else kept
            for key, kept in shields.items()
        }
    return Scope(
        whole=False,
        person_ids=frozenset({person_id}),
        household_level=True,
        shields=shields,
    )


def household_copy_scope(household: Household) -> Scope:
    """The household's own copy for everyone at home (the plan PDF without a reader): the household's
    parts and every member's, minus every item kept from any member — they read it together, so an item
    shielded from one of them is in no shared copy."""
    members = HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True)
    return Scope(
        whole=False,
        person_ids=frozenset(members),
        household_level=True,
        shields=household_shields(household),
    )


WHOLE = Scope(whole=True, person_ids=frozenset())
