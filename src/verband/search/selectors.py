"""The search: households and persons the actor may see, found by what was typed (`search.query`).

Fast by design on a national register: a name or a birth date is looked up through the recognition
engine's blocking keys (`PersonKey`, indexed — the same sound-alike name and birth-date keys that find a
known person in a report), and the database keeps only the keys of persons who are a member the actor may
see (`visible_members`: the access core's involvements, with member scope) — so at most MAX_CANDIDATES
persons ever reach Python, where they are scored with the engine's name and date comparison. A BSN is a
key too; a reference is one indexed lookup; an address is looked up among the visible members'
addresses only. Every kind takes a fixed number of queries, however many results.

Nothing about a household the actor may not see is read into the answer: an invisible household gives
the same "no results" as none at all. An address matches only where the actor may see it
(`households.addresses.may_see_address`, the member scope and its shields), never at a shelter location
unless the address there is disclosed to the actor's organisation, and never in a household where
another member has an address the actor may not see at the same place: a search for a victim's
confidential address must not find her household through her child."""

from __future__ import annotations

import re
import string
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from verband.actors import Actor
from verband.households import matching
from verband.households.addresses import is_shelter_location, may_see_address, shelter_numbers
from verband.households.models import Address, Household, HouseholdMember, MemberRole, Person, PersonKey
from verband.safety.models import Phase, SafetyAssessment
from verband.search.query import Query
from verband.sharing.access import visible_households, visible_involvements
from verband.sharing.accesslog import Subject
from verband.shielding.models import ItemType, ScopedMember, ShieldDecision
from verband.shielding.scope import Scope, household_shields, members_of
from verband.signals.models import Signal

MAX_RESULTS = 50
MAX_CANDIDATES = 150
ADDRESS_CANDIDATES = 200
# Evidence (log2 odds, `matching`) a registered name needs to be a hit: a family name alike, and with a
# given name or initials typed, that too.
FAMILY_ONLY_WEIGHT = 4.0
FULL_NAME_WEIGHT = 8.0
# A typed birth date agrees: equal, day and month swapped, one digit off, or the part that is known.
BIRTH_WEIGHT = 2.0
BIRTH_ONLY_WEIGHT = 7.0


@dataclass
class PersonHit:
    person: Person
    roles: list[str] = field(default_factory=list)


@dataclass
class Result:
    household: Household
    persons: list[PersonHit]
    phase: str
    basis: str
    score: float = 0.0


@dataclass
class Outcome:
    query: Query
    results: list[Result] = field(default_factory=list)
    more: bool = False  # more than MAX_RESULTS (or MAX_CANDIDATES persons): refine the query

    def subjects(self) -> list[Subject]:
        """For the access log: each household shown, and each person shown in it."""
        found = []
        for result in self.results:
            found.append(Subject(household_id=result.household.pk))
            found += [Subject(result.household.pk, hit.person.pk) for hit in result.persons]
        return found

    def bases(self) -> dict[int, str]:
        return {result.household.pk: result.basis for result in self.results}


def visible_members(actor: Actor) -> QuerySet[HouseholdMember]:
    """The household members the actor may see, as one filter the database evaluates: a member of a
    household with an active involvement of the actor's for the whole household (one naming no members),
    or one naming this member. The same rule as `shielding.scope.members_of`, in SQL. Used correlated
    (`.filter(person_id=OuterRef(...))`), checking one person costs a few index probes: the person's
    memberships (`search_member_person_household`), their households' involvements, the scoped members."""
    scoped = ScopedMember.objects.filter(involvement_id=OuterRef("pk"))
    involvements = visible_involvements(actor).filter(
        ~Exists(scoped) | Exists(scoped.filter(person_id=OuterRef(OuterRef("person_id")))),
        household_id=OuterRef("household_id"),
    )
    return HouseholdMember.objects.filter(Exists(involvements))


def search(actor: Actor, query: Query) -> Outcome:
    if query.errors or query.empty:
        return Outcome(query)
    if query.bsn:
        return _by_keys(actor, query, {f"s:{query.bsn}"}, lambda _p: 100.0)
    if query.reference:
        return _by_reference(actor, query)
    if query.address:
        return _by_address(actor, query)
    description = _description(query)
    keys = matching.blocking_keys(description, query=True)
    if query.name and not (description.given_names or description.initials) and not description.birth_year:
        # A family name alone: every initial with it (the register's name keys carry one).
        sound = matching.phonetic(description.core)
        keys |= {f"n:{sound}|{letter}" for letter in string.ascii_lowercase} if sound else set()
    return _by_keys(actor, query, keys, lambda known: _score(description, known))


def _description(query: Query) -> matching.Description:
    prefix, core = matching.split_surname("", query.family_name)
    birth = query.birth
    return matching.Description(
        given_names=query.given_names,
        initials=query.initials,
        surname_prefix=prefix,
        family_name=core,
        birth_year=birth.year if birth else None,
        birth_month=birth.month if birth else None,
        birth_day=birth.day if birth else None,
    )


def _score(query: matching.Description, known: matching.Description) -> float | None:
    """How well a registered person answers the query (higher is better), or None: not a hit."""
    total = 0.0
    if query.core:
        names = matching.Evidence()
        matching._compare_names(query, known, names)  # the engine's tolerance for names
        needed = FULL_NAME_WEIGHT if (query.given_names or query.initials) else FAMILY_ONLY_WEIGHT
        if names.weight < needed:
            return None
        total += names.weight
    if query.birth_year:
        birth = matching.Evidence()
        matching._compare_birth(query, known, birth)
        needed = BIRTH_WEIGHT if query.core else BIRTH_ONLY_WEIGHT
        if not known.birth_year or birth.weight < needed:
            return None
        total += birth.weight
    return total


def _by_keys(actor: Actor, query: Query, keys: set[str], score: object) -> Outcome:
    """Persons sharing a blocking key with the query among the members the actor may see (in SQL, at
    most MAX_CANDIDATES, most keys shared first), scored; their households as results."""
    if not keys:
        return Outcome(query)
    members = visible_members(actor)  # built once: the key lookup and the results both filter by it
    seen = members.filter(person_id=OuterRef("person_id"))
    blocked = (
        PersonKey.objects.filter(key__in=sorted(keys))
        .filter(Exists(seen))
        .values("person_id")
        .annotate(shared=Count("key"))
        .order_by("-shared", "person_id")
        .values_list("person_id", flat=True)[:MAX_CANDIDATES]
    )
    # One statement: the blocked persons' fields (the key lookup as its sub-select).
    rows = list(Person.objects.filter(pk__in=blocked).values(*matching.DESCRIPTION_FIELDS, "pk"))
    full = len(rows) >= MAX_CANDIDATES
    scores: dict[int, float] = {}
    for row in rows:
        pk = row.pop("pk")
        found = score(matching.Description(**row))  # type: ignore[operator]
        if found is not None:
            scores[pk] = found
    if not scores:  # the same answer, and the same work, for no one and for someone the actor may not see
        return Outcome(query, more=full)
    outcome = _results(actor, query, members, persons=scores)
    outcome.more = outcome.more or full
    return outcome


def _by_reference(actor: Actor, query: Query) -> Outcome:
    """The household with this reference (HH-), or the household a signal (SG-) was linked to, if the
    actor may see it; with the members the actor may see."""
    if query.reference.startswith("SG-"):
        households = Household.objects.filter(
            pk__in=Signal.objects.filter(reference=query.reference).values("household_id")
        )
    else:
        households = Household.objects.filter(reference=query.reference)
    ids = list(households.filter(pk__in=visible_households(actor).values("pk")).values_list("pk", flat=True))
    if not ids:
        return Outcome(query)
    return _results(actor, query, visible_members(actor), households=ids)


def _number(value: str) -> str:
    """The number of a house number: "12" of "012", "12a", "12-2" and "12 bis"."""
    found = re.match(r"\s*0*(\d+)", value or "")
    return found.group(1) if found else ""


def _place(address: Address) -> tuple[str, str, str]:
    return (
        address.postcode.replace(" ", "").upper(),
        _number(address.house_number),
        matching.fold(address.street),
    )


def _at(query: Query, address: Address) -> bool:
    """The address is the place the query names (postcode, number, street as far as typed)."""
    postcode, number, street = _place(address)
    if query.postcode and postcode != query.postcode:
        return False
    if query.house_number and number != query.house_number:
        return False
    return not query.street or matching.fold(query.street) in street


def _same_place(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    if a[0] and b[0]:
        return a[0] == b[0] and a[1] == b[1]
    return a[1] == b[1] and bool(a[2]) and a[2] == b[2]


def _by_address(actor: Actor, query: Query) -> Outcome:
    visible = visible_members(actor)
    addresses = Address.objects.filter(Exists(visible.filter(person_id=OuterRef("person_id"))))
    if query.postcode:
        addresses = addresses.filter(postcode=query.postcode)
    if query.street:
        addresses = addresses.filter(street__icontains=query.street)
    if query.house_number:
        addresses = addresses.filter(house_number__contains=query.house_number)
    candidates = [
        a
        for a in addresses.prefetch_related("disclosures").order_by("pk")[:ADDRESS_CANDIDATES]
        if _at(query, a)
    ]
    region_id = actor.organisation.region_id if actor.organisation else 0
    shelters = shelter_numbers(region_id, {a.postcode for a in candidates})
    hits = [
        a
        for a in candidates
        if may_see_address(actor, a)
        and (
            not is_shelter_location(region_id, a.postcode, a.house_number, shelters=shelters)
            or a.confidential  # at a shelter: only the confidential address disclosed to the actor
        )
    ]
    # The households these persons are visible members of, with every address held in them.
    members = list(
        visible.filter(person_id__in={a.person_id for a in hits}).values_list("household_id", "person_id")
    )
    households: dict[int, set[int]] = defaultdict(set)
    for household_id, person_id in members:
        households[household_id].add(person_id)
    held = Address.objects.filter(person__memberships__household_id__in=list(households)).values_list(
        "person__memberships__household_id", "pk"
    )
    in_household: dict[int, set[int]] = defaultdict(set)
    for household_id, address_id in held:
        in_household[household_id].add(address_id)
    every = Address.objects.filter(
        pk__in={pk for pks in in_household.values() for pk in pks}
    ).prefetch_related("disclosures")
    by_pk = {a.pk: a for a in every}
    scopes = _member_scopes(actor, list(households))
    persons: dict[int, set[int]] = defaultdict(set)  # household -> the persons whose address matched
    for household_id, person_ids in households.items():
        scope = scopes.get(household_id)
        shown = {
            pk
            for pk in in_household[household_id]
            if may_see_address(actor, by_pk[pk])
            and (scope is None or scope.shows(ItemType.ADDRESS, pk, by_pk[pk].person_id))
        }
        for address in hits:
            if address.person_id not in person_ids or address.pk not in shown:
                continue
            place = _place(address)
            hidden_here = any(
                _same_place(place, _place(by_pk[pk])) for pk in in_household[household_id] - shown
            )
            if not hidden_here:
                persons[household_id].add(address.person_id)
    if not persons:
        return Outcome(query)
    return _results(actor, query, visible, households=list(persons), only=persons)


def _member_scopes(actor: Actor, household_ids: list[int]) -> dict[int, Scope]:
    """The scope of the households where the actor works only with named members (none for those it
    works with as a whole): whose addresses it may see, and which are shielded from its members."""
    involvements = (
        visible_involvements(actor).filter(household_id__in=household_ids).prefetch_related("scoped_members")
    )
    per_household = defaultdict(list)
    for involvement in involvements:
        per_household[involvement.household_id].append(involvement)
    scopes = {}
    for household_id, mine in per_household.items():
        whole, persons = members_of(mine)
        if not whole:
            scopes[household_id] = Scope(
                whole=False,
                person_ids=persons,
                organisation_id=actor.organisation.pk if actor.organisation else None,
                shields=household_shields(household_id),
            )
    return scopes


def _results(
    actor: Actor,
    query: Query,
    visible: QuerySet[HouseholdMember],
    *,
    persons: dict[int, float] | None = None,
    households: list[int] | None = None,
    only: dict[int, set[int]] | None = None,
) -> Outcome:
    """The results: for persons found (with their scores), each household they are a visible member of;
    for households found, the household with its visible members (or `only` those per household)."""
    latest = SafetyAssessment.objects.filter(household_id=OuterRef("household_id")).order_by(
        "-assessed_at", "-pk"
    )
    members = (
        visible.select_related("person", "household")
        .annotate(phase=Subquery(latest.values("phase")[:1]))
        .order_by("household_id", "person__family_name")
    )
    if persons is not None:
        members = members.filter(person_id__in=list(persons))
    else:
        members = members.filter(household_id__in=households or [])
    roles = dict(MemberRole.choices)
    found: dict[int, dict[int, PersonHit]] = defaultdict(dict)
    rows: dict[int, Household] = {}
    phase_of: dict[int, str | None] = {}
    for member in members:
        rows[member.household_id] = member.household
        phase_of[member.household_id] = member.phase
        if only is not None and member.person_id not in only.get(member.household_id, set()):
            continue
        hit = found[member.household_id].setdefault(member.person_id, PersonHit(member.person))
        hit.roles.append(str(roles.get(member.role, member.role)))
    ids = list(found) if persons is not None else [h for h in households or [] if h in found or only is None]
    missing = [h for h in ids if h not in rows]  # a household found by reference whose members are all hidden
    if missing:
        latest = SafetyAssessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
        for h in Household.objects.filter(pk__in=missing).annotate(
            phase=Subquery(latest.values("phase")[:1])
        ):
            rows[h.pk], phase_of[h.pk] = h, h.phase
    bases: dict[int, str] = {}
    whole: set[int] = set()
    for household_id, pk, purpose, legal_basis, scoped in (
        visible_involvements(actor)
        .filter(household_id__in=ids)
        .annotate(scoped=Exists(ScopedMember.objects.filter(involvement_id=OuterRef("pk"))))
        .order_by("-started_on", "-pk")
        .values_list("household_id", "pk", "purpose", "legal_basis", "scoped")
    ):
        bases[household_id] = f"involvement:{pk}:{purpose}:{legal_basis}"  # the first started wins
        if not scoped:
            whole.add(household_id)
    # Seen for named members only: the phase only of an assessment of the actor's own organisation that
    # was never shielded (as the caseload, `workspace.caseload`): another partner's may be about her.
    partial = [h for h in bases if h not in whole]
    if partial:
        own = SafetyAssessment.objects.filter(
            household_id__in=partial, organisation_id=actor.organisation.pk if actor.organisation else 0
        ).exclude(
            Exists(ShieldDecision.objects.filter(item_type=ItemType.ASSESSMENT, item_id=OuterRef("pk")))
        )
        phase_of.update(dict.fromkeys(partial))
        for household_id, phase in own.order_by("household_id", "assessed_at", "pk").values_list(
            "household_id", "phase"
        ):
            phase_of[household_id] = phase  # the newest last
    phases = dict(Phase.choices)
    results = []
    for household_id in ids:
        household = rows.get(household_id)
        if household is None or household_id not in bases:
            continue
        hits = list(found.get(household_id, {}).values())
        score = max((persons or {}).get(hit.person.pk, 0.0) for hit in hits) if hits else 0.0
        shown = phase_of.get(household_id)
        results.append(
            Result(household, hits, str(phases.get(shown, "")) if shown else "", bases[household_id], score)
        )
    results.sort(key=lambda r: (-r.score, r.household.reference))
    return Outcome(query, results[:MAX_RESULTS], more=len(results) > MAX_RESULTS)
