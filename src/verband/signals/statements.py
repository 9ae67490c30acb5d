"""What a report says about a known person: the differences with what is known, and the involved
professional's decision to take them over or dismiss them (each exactly once, logged). A partial address
never replaces a complete one; confidential reported addresses stay confidential, managed by the
reporting organisation (`verband.households.addresses`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households import matching
from verband.households.addresses import address_text, record_reported_address
from verband.households.models import Address, Household, Person
from verband.sharing.accesslog import record
from verband.signals.models import SignalPerson, StatementState


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    reported: str
    known: str


NAME_FIELDS = ("given_names", "surname_prefix", "family_name")
CONTACT_FIELDS = ("phone", "languages")


def _current(person: Person) -> Address | None:
    current = [a for a in person.addresses.all() if a.valid_until is None]
    return current[0] if current else None


def statement_differences(sp: SignalPerson, person: Person, actor: Actor | None = None) -> list[Difference]:
    """What the report says that differs from what is known (a blank never differs). With an actor, the
    addresses read as that actor may see them."""
    labels = {
        "given_names": _("given names"),
        "surname_prefix": _("surname prefix"),
        "family_name": _("family name"),
        "phone": _("phone"),
        "languages": _("languages"),
    }
    found = [
        Difference(name, labels[name], getattr(sp, name), getattr(person, name))
        for name in NAME_FIELDS + CONTACT_FIELDS
        if getattr(sp, name).strip()
        and getattr(sp, name).strip().lower() != getattr(person, name).strip().lower()
    ]
    if sp.interpreter_needed and not person.interpreter_needed:
        found.append(Difference("interpreter_needed", _("needs an interpreter"), _("yes"), _("no")))
    if sp.birth_year and (sp.birth_year, sp.birth_month, sp.birth_day) != (
        person.birth_year, person.birth_month, person.birth_day,
    ):  # fmt: skip
        found.append(Difference("birth", _("date of birth"), sp.birth_display, person.birth_display))
    reported = sp.reported_address
    if reported is not None:
        current = _current(person)
        same = current is not None and (
            current.postcode == reported["postcode"]
            and current.house_number.strip() == reported["house_number"].strip()
        )
        if not same:
            secret = sp.address_confidential and not (
                actor is not None and actor.organisation is not None
                and actor.organisation.pk == sp.signal.source_organisation_id
            )  # fmt: skip
            shown = _("confidential address") if secret else _one_line(reported)
            known = (address_text(actor, current) if actor else current.one_line) if current else "—"
            found.append(Difference("address", _("address"), shown, known))
    return found


def _one_line(reported: dict[str, str]) -> str:
    street = f"{reported['street']} {reported['house_number']}".strip()
    place = f"{reported['postcode']} {reported['city']}".strip()
    return ", ".join(part for part in (street, place) if part)


def _statement_log(actor: Actor, household: Household, sp: SignalPerson, outcome: str = "granted") -> None:
    record(
        actor,
        action="update",
        object_type="reported_statement",
        object_id=str(sp.pk),
        household_id=household.pk,
        person_id=sp.person_id,
        outcome=outcome,
    )


def household_statement(household: Household, statement_id: int | None) -> SignalPerson | None:
    """A pending statement of a signal on this household about one of its members, or None."""
    if statement_id is None:
        return None
    return (
        SignalPerson.objects.filter(
            pk=statement_id,
            signal__household=household,
            statement=StatementState.PENDING,
            person__memberships__household=household,
        )
        .select_related("signal", "person")
        .first()
    )


def confirm_statement(actor: Actor, household: Household, sp: SignalPerson) -> None:
    """The involved professional takes over what the report says. A partial address never replaces a
    complete one; an address becomes the current one and the earlier one ends (history is kept)."""
    assert sp.person_id is not None  # a statement is about a known person
    person = Person.objects.prefetch_related("addresses").get(pk=sp.person_id)
    differences = {d.field: d for d in statement_differences(sp, person)}
    reported = sp.reported_address
    current = _current(person)
    partial = reported is not None and not (
        reported["street"] and reported["house_number"] and reported["postcode"]
    )
    if "address" in differences and partial and current is not None and current.is_complete:
        raise ValidationError(
            _(
                "A partial address never replaces a complete one. Dismiss this statement, or ask the "
                "reporter for the whole address."
            )
        )
    with transaction.atomic():
        _claim_statement(actor, sp, StatementState.CONFIRMED)
        updates = {
            name: getattr(sp, name).strip() for name in NAME_FIELDS + CONTACT_FIELDS if name in differences
        }
        if "interpreter_needed" in differences:
            updates["interpreter_needed"] = True
        if "birth" in differences:
            updates.update(birth_year=sp.birth_year, birth_month=sp.birth_month, birth_day=sp.birth_day)
        if updates:
            Person.objects.filter(pk=person.pk).update(**updates)
        if "address" in differences:
            record_reported_address(person, sp, sp.signal)
        person.refresh_from_db()
        matching.index_person(person)
        _statement_log(actor, household, sp)


def dismiss_statement(actor: Actor, household: Household, sp: SignalPerson) -> None:
    with transaction.atomic():
        _claim_statement(actor, sp, StatementState.DISMISSED)
        _statement_log(actor, household, sp)


def _claim_statement(actor: Actor, sp: SignalPerson, state: str) -> None:
    """Decide a pending statement exactly once (conditional update): a second answer changes nothing."""
    claimed = SignalPerson.objects.filter(pk=sp.pk, statement=StatementState.PENDING).update(
        statement=state, statement_decided_by=actor.user, statement_decided_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("Someone else already dealt with this."))
