"""Every write to persons and households: new persons (with their blocking keys), members, addresses,
timeline events. Callers log; these keep the register consistent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Length
from django.utils import timezone

from verband.actors import Actor
from verband.households import matching
from verband.households.models import (
    Address,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdMember,
    Person,
    PersonKey,
    Relation,
    initials_of,
)
from verband.network.models import Organisation, Region


def next_reference(prefix: str, model: Any, year: int | None = None) -> str:
    """`HH-2026-00012`: the next number within the year. Callers hold a transaction; the unique
    constraint on the reference catches the rare race, which the caller retries."""
    year = year or timezone.localdate().year
    stem = f"{prefix}-{year}-"
    rows = model.objects.filter(reference__startswith=stem)
    if connection.vendor == "sqlite":
        # SQLite's LIKE cannot use the reference's index (a scan of every household); a range in its binary
        # order can. PostgreSQL has a pattern index for the LIKE, and a locale's order may ignore the "-".
        rows = rows.filter(reference__gte=stem, reference__lt=f"{prefix}-{year}.")
    # Longest first, then highest: numbers of different widths still sort right.
    last = (
        rows.annotate(width=Length("reference"))
        .order_by("-width", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:05d}"


def _new_person(
    *,
    given_names: str = "",
    surname_prefix: str = "",
    family_name: str,
    birth_year: int | None = None,
    birth_month: int | None = None,
    birth_day: int | None = None,
    sex: str = "unknown",
    bsn: str = "",
    phone: str = "",
    languages: str = "",
    interpreter_needed: bool = False,
) -> Person:
    return Person(
        given_names=given_names.strip(),
        initials=initials_of(given_names.strip()),
        surname_prefix=surname_prefix.strip(),
        family_name=family_name.strip(),
        birth_year=birth_year,
        birth_month=birth_month,
        birth_day=birth_day,
        sex=sex or "unknown",
        bsn=bsn,
        phone=phone,
        languages=languages,
        interpreter_needed=interpreter_needed,
    )


def create_person(*, address: dict | None = None, **fields: Any) -> Person:
    """One new person (the fields of `_new_person`), with an address and the blocking keys."""
    person = _new_person(**fields)
    person.save()
    if address:
        add_address(person, **address)
    matching.index_person(person)
    return person


def create_persons(people: list[dict[str, Any]]) -> list[Person]:
    """New persons without addresses (the fields of `_new_person` each), with their blocking keys: two
    queries however many."""
    persons = Person.objects.bulk_create([_new_person(**fields) for fields in people])
    PersonKey.objects.bulk_create(
        [PersonKey(person_id=pid, key=key) for pid, key in matching.keys_for_new(persons)]
    )
    return persons


def add_first_addresses(rows: list[tuple[Person, dict[str, str]]]) -> list[Address]:
    """The current address, from today, of persons just made (who have none yet): `add_address` for each,
    in one query."""
    today = timezone.localdate()
    made = Address.objects.bulk_create(
        [
            Address(
                person=person,
                street=address.get("street", "").strip(),
                house_number=address.get("house_number", "").strip(),
                postcode=address.get("postcode", "").replace(" ", "").upper(),
                city=address.get("city", "").strip(),
                valid_from=today,
            )
            for person, address in rows
            if address.get("street") or address.get("postcode")
        ]
    )
    # The address is a blocking key too: a repeat report at the same address finds the person.
    PersonKey.objects.bulk_create(
        [
            PersonKey(person_id=pid, key=key)
            for pid, key in matching.keys_for_people(
                (a.person_id, matching.Description(addresses=((a.postcode, a.house_number, a.street),)))
                for a in made
            )
        ],
        ignore_conflicts=True,
    )
    return made


def add_address(
    person: Person,
    *,
    street: str = "",
    house_number: str = "",
    postcode: str = "",
    city: str = "",
    confidential: bool = False,
    valid_from: date | None = None,
) -> Address | None:
    """Add an address unless the person already has it as current one; an earlier current address ends
    the day before."""
    postcode = postcode.replace(" ", "").upper()
    if not (street or postcode):
        return None
    current = [a for a in person.addresses.all() if a.valid_until is None]
    for existing in current:
        if existing.postcode == postcode and existing.house_number.strip() == house_number.strip():
            return existing
    start = valid_from or timezone.localdate()
    for existing in current:
        started_earlier = existing.valid_from is None or existing.valid_from < start
        existing.valid_until = start - timedelta(days=1) if started_earlier else start
        existing.save(update_fields=["valid_until"])
    address = Address.objects.create(
        person=person,
        street=street.strip(),
        house_number=house_number.strip(),
        postcode=postcode,
        city=city.strip(),
        confidential=confidential,
        valid_from=start,
    )
    return address


def new_household(region: Region, *, retry: bool = True) -> Household:
    """A household with the next reference of the year. With `retry`, a reference a concurrent
    transaction took meanwhile is retried here, each attempt in a savepoint; without, its IntegrityError
    is for the caller, who holds a transaction and starts it again."""
    if not retry:
        return Household.objects.create(reference=next_reference("HH", Household), region=region)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Household.objects.create(reference=next_reference("HH", Household), region=region)
        except IntegrityError:  # a concurrent transaction took this reference; take the next
            continue
    raise RuntimeError("Could not allocate a household reference")


def add_member(household: Household, person: Person, role: str) -> HouseholdMember:
    member, _created = HouseholdMember.objects.get_or_create(household=household, person=person, role=role)
    return member


def add_members(household: Household, members: list[tuple[Person, str]]) -> None:
    """`add_member` for each (person, role), in one query: a member already there stays as it is."""
    HouseholdMember.objects.bulk_create(
        [HouseholdMember(household=household, person=person, role=role) for person, role in members],
        ignore_conflicts=True,
    )


def add_event(
    household: Household,
    kind: str,
    summary: str,
    *,
    actor: Actor | None = None,
    organisation: Organisation | None = None,
    signal: Any = None,
    at: datetime | None = None,
) -> HouseholdEvent:
    event = new_event(household, kind, summary, actor=actor, organisation=organisation, signal=signal, at=at)
    event.save()
    return event


def save_events(events: list[HouseholdEvent]) -> list[HouseholdEvent]:
    """Timeline events made with `new_event` (of one or more households), in one insert, in this order."""
    return HouseholdEvent.objects.bulk_create(events)


def new_event(
    household: Household,
    kind: str,
    summary: str,
    *,
    actor: Actor | None = None,
    organisation: Organisation | None = None,
    signal: Any = None,
    at: datetime | None = None,
) -> HouseholdEvent:
    """A timeline event, not yet saved."""
    return HouseholdEvent(
        household=household,
        kind=kind,
        summary=summary[:300],
        organisation=organisation or (actor.organisation if actor else None),
        user=actor.user if actor else None,
        signal=signal,
        at=at or timezone.now(),
    )


__all__ = [
    "EventKind",
    "add_address",
    "add_event",
    "add_first_addresses",
    "add_member",
    "add_members",
    "create_person",
    "create_persons",
    "new_event",
    "new_household",
    "save_events",
]


def add_relation(actor: Actor, household: Household, person_id: int, other_id: int, kind: str) -> Relation:
    """Record how two members of this household are related; logged for both."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from verband.households.models import RelationKind
    from verband.sharing.accesslog import Subject, record_many

    members = set(household.members.values_list("person_id", flat=True))
    if person_id not in members or other_id not in members:
        raise ValidationError(_("Both persons must be members of this household."))
    if person_id == other_id:
        raise ValidationError(_("Choose two different persons."))
    if kind not in RelationKind.values:
        raise ValidationError(_("Choose a relation."))
    with transaction.atomic():
        relation, created = Relation.objects.get_or_create(person_id=person_id, other_id=other_id, kind=kind)
        if created:
            add_event(household, EventKind.NOTE, f"{relation.person} — {relation.get_kind_display()} — {relation.other}",
                      actor=actor)  # fmt: skip
        record_many(
            actor,
            action="update",
            object_type="relation",
            object_id=str(relation.pk),
            subjects=[Subject(household.pk, person_id), Subject(household.pk, other_id)],
        )
    return relation
