"""Reads of households, always starting from a queryset already scoped by the access core."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from verband.actors import Actor
from verband.households.addresses import address_text
from verband.households.models import (
    Address,
    AddressDecision,
    AddressDisclosure,
    Household,
    HouseholdEvent,
    HouseholdMember,
    MemberRole,
    Person,
    Relation,
    member_sort_key,
)
from verband.sharing.access import (
    get_household_or_404,
    is_own_involvement,
    visible_households,
    visible_involvements,
)
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.models import Involvement
from verband.shielding.models import ItemType
from verband.shielding.scope import WHOLE, Scope, members_of, view_scope


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    members: list[HouseholdMember]
    involvement: Involvement

    @property
    def basis(self) -> str:
        inv = self.involvement
        return f"involvement:{inv.pk}:{inv.purpose}:{inv.legal_basis}"


def household_rows(households: QuerySet[Household], actor: Actor) -> list[HouseholdRow]:
    """Households for a work list, with members and the involvement that brings each to this actor."""
    return _rows(_for_rows(households, actor))


def household_rows_page(
    actor: Actor, number: str | int | None, per_page: int
) -> tuple[Page, list[HouseholdRow]]:
    """One page of the households the actor may see (by reference), as rows: the queries per page do not
    grow with the number of households."""
    page = Paginator(_for_rows(visible_households(actor), actor), per_page).get_page(number)
    return page, _rows(page.object_list)


def _for_rows(households: QuerySet[Household], actor: Actor) -> QuerySet[Household]:
    mine = (
        visible_involvements(actor)
        .select_related("organisation", "team__organisation", "network")
        .prefetch_related("scoped_members")
        .order_by("started_on", "pk")
    )
    members = HouseholdMember.objects.select_related("person").order_by("role", "person__family_name")
    return households.prefetch_related(
        Prefetch("members", queryset=members),
        Prefetch("involvements", queryset=mine, to_attr="my_involvements"),
    ).order_by("reference")


def _rows(households: Iterable[Household]) -> list[HouseholdRow]:
    roles = dict(MemberRole.choices)
    rows = []
    for h in households:
        if not h.my_involvements:  # type: ignore[attr-defined]
            continue
        members = sorted(_members_in_scope(h.members.all(), h.my_involvements), key=member_sort_key)  # type: ignore[attr-defined]
        for member in members:
            member.role_label = roles.get(member.role, member.role)  # type: ignore[attr-defined]
        rows.append(HouseholdRow(household=h, members=members, involvement=h.my_involvements[0]))  # type: ignore[attr-defined]
    return rows


def _members_in_scope(
    members: Iterable[HouseholdMember], involvements: list[Involvement]
) -> list[HouseholdMember]:
    """The members the actor's involvements (scoped members prefetched) are for."""
    whole, persons = members_of(involvements)
    return list(members) if whole else [m for m in members if m.person_id in persons]


def row_subjects(rows: list[HouseholdRow]) -> list[Subject]:
    """For the access log of a list: each household, and each member whose name the list shows."""
    subjects = []
    for row in rows:
        subjects.append(Subject(household_id=row.household.pk))
        subjects += [
            Subject(household_id=row.household.pk, person_id=pid)
            for pid in sorted({m.person_id for m in row.members})
        ]
    return subjects


@dataclass(frozen=True)
class PersonRow:
    person: Person
    roles: list[str]
    address: str
    confidential: bool
    # Whom the current address is kept from (names, for a whole-household partner's label), and whether it
    # is kept from this viewer (a partner working only with someone it is shielded from).
    shielded_from: list[str] = field(default_factory=list)
    address_hidden: bool = False


@dataclass(frozen=True)
class RelationRow:
    person: Person
    label: str
    other: Person
    kind: str


TIMELINE_ON_PAGE = 50
TIMELINE_PAGE_SIZE = 100


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[HouseholdMember]
    involvements: list[Involvement]
    people: list[PersonRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)
    events: list[HouseholdEvent] = field(default_factory=list)
    more_events: bool = False
    activations: list[Any] = field(default_factory=list)
    diagram: Any = None
    scope: Any = None
    # Members and partners a member-scoped viewer does not see (counts only, never who).
    hidden_people: int = 0
    hidden_involvements: int = 0


def _people(actor: Actor, members: list[HouseholdMember], scope: Scope = WHOLE) -> list[PersonRow]:
    names = {m.person_id: m.person.full_name for m in members}
    by_person: dict[int, PersonRow] = {}
    for member in members:
        person = member.person
        if person.pk in by_person:
            by_person[person.pk].roles.append(member.get_role_display())
            continue
        current = [a for a in person.addresses.all() if a.valid_until is None]
        address = current[0] if current else None
        hidden = address is not None and not scope.shows(ItemType.ADDRESS, address.pk, person.pk)
        by_person[person.pk] = PersonRow(
            person=person,
            roles=[member.get_role_display()],
            address=address_text(actor, address) if address and not hidden else "",
            confidential=bool(address and address.confidential and not hidden),
            shielded_from=sorted(
                names.get(pid, "") for pid in scope.shielded_from(ItemType.ADDRESS, address.pk)
            )
            if address and scope.whole
            else [],
            address_hidden=hidden,
        )
    return list(by_person.values())


def _relations(members: list[HouseholdMember]) -> list[RelationRow]:
    people = {m.person_id: m.person for m in members}
    rows = []
    for relation in Relation.objects.filter(person_id__in=people, other_id__in=people).order_by("pk"):
        rows.append(
            RelationRow(
                people[relation.person_id],
                relation.get_kind_display(),
                people[relation.other_id],
                relation.kind,
            )
        )
    return rows


def open_household(actor: Actor, reference: str) -> HouseholdDetail:
    """The household page's data, if the actor may see it (else 404), recorded in the access log for the
    household and each member shown."""
    household, basis = get_household_or_404(actor, reference)
    every_member = sorted(
        HouseholdMember.objects.filter(household=household)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__addresses", queryset=Address.objects.prefetch_related("disclosures")),
        ),
        key=member_sort_key,
    )
    every_involvement = list(
        Involvement.objects.active()
        .filter(household=household)
        .select_related("organisation", "team__organisation", "network", "created_by")
        .prefetch_related("scoped_members")
    )
    scope = view_scope(actor, household, involvements=every_involvement, members=every_member)
    # For the shield labels of the page's panels (`safety.selectors.member_names`): no second query.
    household.member_names = {m.person_id: m.person.full_name for m in every_member}  # type: ignore[attr-defined]
    members = [m for m in every_member if scope.sees_person(m.person_id)]
    involvements = [i for i in every_involvement if shows_involvement(scope, i, actor)]
    from verband.signals.models import Activation, ActivationStatus
    from verband.signals.selectors import clock_for

    activations = (
        list(
            Activation.objects.filter(household=household, status=ActivationStatus.OPEN)
            .select_related("team__organisation", "network")
            .order_by("due_on")
        )
        if scope.whole
        else []
    )
    for activation in activations:
        activation.clock = clock_for(activation)  # type: ignore[attr-defined]
    # The newest events on the page; the whole timeline has its own, paged, page.
    journal: dict[int, Any] = {}
    events = list(
        timeline_events(household, scope, journal)
        .select_related("organisation", "signal__source_organisation")
        .order_by("-at", "-pk")[: TIMELINE_ON_PAGE + 1]
    )
    more = len(events) > TIMELINE_ON_PAGE
    events = events[:TIMELINE_ON_PAGE]
    for event in events:
        event.journal_entry = journal.get(event.pk)  # type: ignore[attr-defined]
    people = _people(actor, members, scope)
    relations = _relations(members)
    subjects = [Subject(household_id=household.pk)] + [
        Subject(household_id=household.pk, person_id=pid) for pid in sorted({m.person_id for m in members})
    ]
    record_many(
        actor,
        action="view",
        object_type="household",
        object_id=household.reference,
        subjects=subjects,
        basis=basis,
    )
    return HouseholdDetail(
        household,
        members,
        involvements,
        people=people,
        relations=relations,
        events=events,
        more_events=more,
        activations=activations,
        diagram=family_diagram(people, relations),
        scope=scope,
        hidden_people=len({m.person_id for m in every_member}) - len(people),
        hidden_involvements=len(every_involvement) - len(involvements),
    )


def shows_involvement(scope: Scope, involvement: Involvement, actor: Actor) -> bool:
    """A member-scoped partner sees its own involvements and those for its members — not who else works
    with the household (a shelter's involvement would say where the victim is)."""
    if scope.whole:
        return True
    scoped = {m.person_id for m in involvement.scoped_members.all()}
    return is_own_involvement(actor, involvement) or bool(scoped and scoped <= scope.person_ids)


def timeline_events(
    household: Household, scope: Scope, journal: dict[int, Any] | None = None
) -> QuerySet[HouseholdEvent]:
    """The timeline as this viewer may see it: all of it for a whole-household partner; for a partner
    working with named members only the lines its own organisation wrote (lines name partners and steps
    about everyone), and never a note shielded from one of its members. A line of the journal is there
    only when its entry is shown to this viewer (`verband.journal.selectors`); `journal`, when given, is
    filled with each shown line's entry (newest version) by the line's id."""
    from verband.journal.selectors import journal_events

    hidden_journal, lines = journal_events(household, scope)
    if journal is not None:
        journal.update(lines)
    events = household.events.all()
    if hidden_journal:
        events = events.exclude(pk__in=hidden_journal)
    if scope.whole:
        return events
    # Its own lines, and the journal's lines of entries shown to it (they hold only the entry's kind).
    own = Q(organisation_id=scope.organisation_id) if scope.organisation_id else Q(pk__in=[])
    events = events.filter(own | Q(pk__in=list(lines)))
    hidden = [
        key[1]
        for key, persons in scope.shields.items()
        if key[0] == ItemType.NOTE and persons & scope.person_ids
    ]
    return events.exclude(pk__in=hidden) if hidden else events


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: list[dict]
    lines: list[dict]


def family_diagram(people: list[PersonRow], relations: list[RelationRow]) -> Diagram | None:
    """A small picture of who is related to whom: adults on the top row, children below. The same facts
    are in the table next to it, which is what screen readers use."""
    if not people:
        return None
    child_ids = {r.other.pk for r in relations if r.kind in ("parent_of", "grandparent_of", "guardian_of")}
    adults = [p for p in people if p.person.pk not in child_ids]
    children = [p for p in people if p.person.pk in child_ids]
    box_w, gap = 150, 30
    width = max(len(adults), len(children), 1) * (box_w + gap) + gap
    positions: dict[int, tuple[int, int]] = {}
    nodes = []
    for row, group in enumerate((adults, children)):
        offset = (width - (len(group) * (box_w + gap) - gap)) // 2
        for index, item in enumerate(group):
            x, y = offset + index * (box_w + gap), 20 + row * 110
            positions[item.person.pk] = (x + box_w // 2, y + 25)
            nodes.append(
                {"x": x, "y": y, "w": box_w, "name": item.person.full_name, "role": ", ".join(item.roles)}
            )
    lines = []
    for relation in relations:
        (x1, y1), (x2, y2) = positions[relation.person.pk], positions[relation.other.pk]
        lines.append(
            {
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "dashed": relation.kind == "ex_partner",
                "label": relation.label,
            }
        )
    height = 20 + (2 if children else 1) * 110
    return Diagram(width, height, nodes, lines)


def household_people(household: Household) -> list[Person]:
    """The household's persons, once each (a person may hold two roles), in the usual member order."""
    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    people: dict[int, Person] = {}
    for member in members:
        people.setdefault(member.person_id, member.person)
    return list(people.values())


def log_household_view(actor: Actor, household: Household, basis: str, object_type: str) -> None:
    """A page about the whole household was shown: log the household and each of its members."""
    persons = sorted(p.pk for p in household_people(household))
    record_many(
        actor,
        action="view",
        object_type=object_type,
        object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, pid) for pid in persons],
        basis=basis,
    )


@dataclass(frozen=True)
class AddressRow:
    address: Address
    text: str
    current: bool
    manages: bool
    disclosures: list[Any]
    decisions: list[Any]
    # The legal basis fields of the disclose form (`sharing.basis.form_context`), set by the view.
    basis: dict[str, Any] | None = None


@dataclass(frozen=True)
class MemberAddresses:
    person: Person
    roles: list[str]
    rows: list[AddressRow]


@dataclass(frozen=True)
class StatementRow:
    statement: Any
    differences: list[Any]
    # Which report said it: the reference and organisation only to whole-household partners and to the
    # reporting organisation itself (a shelter's name says where she is).
    source: str = ""


@dataclass(frozen=True)
class AddressOverview:
    members: list[MemberAddresses]
    statements: list[StatementRow]
    partners: list[Any]


def address_overview(actor: Actor, household: Household, basis: str) -> AddressOverview:
    """The addresses page: every member's addresses as this actor may see them, the decisions of the
    organisation managing a confidential one (shown to that organisation only), and the pending statements
    of reports about the members. Logged for the household and each member."""
    from verband.households.addresses import address_text, manages
    from verband.sharing.access import partner_organisations
    from verband.signals.models import SignalPerson, StatementState
    from verband.signals.statements import statement_differences

    members = sorted(
        HouseholdMember.objects.filter(household=household)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__addresses",
                queryset=Address.objects.select_related("managed_by").prefetch_related(
                    Prefetch(
                        "disclosures", queryset=AddressDisclosure.objects.select_related("organisation")
                    ),
                    Prefetch(
                        "decisions", queryset=AddressDecision.objects.select_related("organisation", "by")
                    ),
                ),
            )
        ),
        key=member_sort_key,
    )
    scope = view_scope(actor, household)
    members = [m for m in members if scope.sees_person(m.person_id)]
    by_person: dict[int, MemberAddresses] = {}
    for member in members:
        if member.person_id in by_person:
            by_person[member.person_id].roles.append(member.get_role_display())
            continue
        rows = []
        for address in member.person.addresses.all():
            if not scope.shows(ItemType.ADDRESS, address.pk, member.person_id):
                continue
            mine = manages(actor, address)
            rows.append(
                AddressRow(
                    address=address,
                    text=address_text(actor, address),
                    current=address.valid_until is None,
                    manages=mine,
                    disclosures=[d for d in address.disclosures.all() if d.revoked_at is None]
                    if mine
                    else [],
                    decisions=list(address.decisions.all()) if mine else [],
                )
            )
        by_person[member.person_id] = MemberAddresses(member.person, [member.get_role_display()], rows)
    pending = (
        SignalPerson.objects.filter(
            signal__household=household, statement=StatementState.PENDING, person_id__in=list(by_person)
        )
        .select_related("signal__source_organisation", "person")
        .prefetch_related(
            Prefetch("person__addresses", queryset=Address.objects.prefetch_related("disclosures"))
        )
        .order_by("signal__received_at", "position")
    )
    own = actor.organisation.pk if actor.organisation else None
    statements = [
        StatementRow(
            sp,
            statement_differences(sp, sp.person, actor),
            _source(sp.signal) if scope.whole or sp.signal.source_organisation_id == own else "",
        )
        for sp in pending
        if sp.person
    ]
    managed = any(row.manages for m in by_person.values() for row in m.rows)
    record_many(
        actor,
        action="view",
        object_type="addresses",
        object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, pid) for pid in sorted(by_person)],
        basis=basis,
    )
    return AddressOverview(
        members=list(by_person.values()),
        statements=[s for s in statements if s.differences],
        partners=list(partner_organisations(household)) if managed else [],
    )


def _source(signal: Any) -> str:
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    return _("signal %(ref)s of %(date)s from %(org)s") % {
        "ref": signal.reference,
        "date": date_format(signal.received_at, "j F Y"),
        "org": signal.source_organisation,
    }


def pending_statement_count(household: Household, person_ids: Iterable[int]) -> int:
    """Pending statements about the members the viewer sees."""
    from verband.signals.models import SignalPerson, StatementState

    return SignalPerson.objects.filter(
        signal__household=household, statement=StatementState.PENDING, person_id__in=list(person_ids)
    ).count()


@dataclass(frozen=True)
class Reports:
    """How often a household was reported: every signal on it (the repeat count: "3e melding"), and how
    many of them came within 12 months after it was closed (repeat reports after closing)."""

    count: int
    after_closing: int

    @property
    def repeat(self) -> bool:
        return self.count > 1


def reports(household: Household) -> Reports:
    from django.db.models import Count, Q

    counts = household.signals.aggregate(
        count=Count("pk"), after_closing=Count("pk", filter=Q(repeat_after_closing=True))
    )
    return Reports(counts["count"], counts["after_closing"])
