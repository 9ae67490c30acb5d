"""Every write to persons and households: new persons (with their blocking keys), members, addresses,
timeline events. Callers log; these keep the register consistent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
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
    Relation,
)
from verband.network.models import Organisation, Region


def next_reference(prefix: str, model: Any, year: int | None = None) -> str:
    """`HH-2026-00012`: the next number within the year. Callers hold a transaction; the unique
    constraint on the reference catches the rare race, which the caller retries."""
    year = year or timezone.localdate().year
    stem = f"{prefix}-{year}-"
    # Longest first, then highest: numbers of different widths still sort right.
    last = (
        model.objects.filter(reference__startswith=stem)
        .annotate(width=Length("reference"))
        .order_by("-width", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:05d}"


def create_person(
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
    address: dict | None = None,
) -> Person:
    person = Person(
        given_names=given_names.strip(),
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
    person.save()
    if address:
        add_address(person, **address)
    matching.index_person(person)
    return person


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


def new_household(region: Region) -> Household:
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
    return HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        summary=summary[:300],
        organisation=organisation or (actor.organisation if actor else None),
        user=actor.user if actor else None,
        signal=signal,
        at=at or timezone.now(),
    )


__all__ = ["EventKind", "add_address", "add_event", "add_member", "create_person", "new_household"]


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
