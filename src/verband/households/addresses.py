"""The one place that decides about addresses: how one is shown, when it is confidential, who decides
about that, and what a report's statement about a known person may change.

A confidential address (a victim in a shelter) reads "geheim adres" to everyone but the organisations
it is disclosed to — in pages, API answers, exports and log lines alike. The organisation that entered
or marked it manages it: only its members disclose it to another partner, revoke a disclosure or lift
the confidentiality, always with a reason. Any professional who sees the household may mark an address
confidential. Every decision is kept with its reason (`AddressDecision`) and written to the access log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import (
    Address,
    AddressDecision,
    AddressDecisionKind,
    AddressDisclosure,
    Household,
    Person,
)
from verband.network.models import Organisation, OrganisationKind, ShelterAddress
from verband.sharing.accesslog import record
from verband.text import reason_text

if TYPE_CHECKING:
    from verband.signals.models import Signal, SignalPerson


# --- Showing -----------------------------------------------------------------------------------------


def may_see_address(actor: Actor, address: Address) -> bool:
    if not address.confidential:
        return True
    if actor.organisation is None:
        return False
    # Reads prefetched disclosures when the caller prefetched them.
    return any(
        d.organisation_id == actor.organisation.pk and d.revoked_at is None for d in address.disclosures.all()
    )


def address_text(actor: Actor, address: Address) -> str:
    return address.one_line if may_see_address(actor, address) else _("confidential address")


# --- When an address is confidential -------------------------------------------------------------------


def shelter_numbers(region_id: int, postcodes: Iterable[str]) -> dict[str, list[str]]:
    """The configured shelter house numbers of the region at these postcodes (one query), for
    `is_shelter_location(..., shelters=...)` on several addresses at once."""
    wanted = {p.replace(" ", "").upper() for p in postcodes} - {""}
    found: dict[str, list[str]] = {p: [] for p in wanted}
    if wanted:
        rows = ShelterAddress.objects.filter(region_id=region_id, postcode__in=wanted)
        for postcode, number in rows.values_list("postcode", "house_number"):
            found[postcode].append(number)
    return found


def is_shelter_location(
    region_id: int, postcode: str, house_number: str, *, shelters: dict[str, list[str]] | None = None
) -> bool:
    """A configured shelter address of the region: the postcode with this house number, or the whole
    postcode when the configuration names no number. With no house number given, the postcode alone
    matches (a postcode that holds a shelter never routes or shows). `shelters`: read before with
    `shelter_numbers` for this postcode."""
    postcode = postcode.replace(" ", "").upper()
    if not postcode:
        return False
    if shelters is not None and postcode in shelters:
        found = shelters[postcode]
    else:
        found = list(
            ShelterAddress.objects.filter(region_id=region_id, postcode=postcode).values_list(
                "house_number", flat=True
            )
        )
    if not house_number.strip():
        return bool(found)
    # "5A", "5 a", "05", "5-1" are the shelter at number 5 too: compare the number, not the addition.
    number = _number(house_number)
    return any(not configured or _number(configured) == number for configured in found)


def _number(house_number: str) -> str:
    match = re.match(r"\s*0*(\d+)", house_number)
    return match.group(1) if match else house_number.strip().lower()


def apply_shelter_location(actor: Actor, location: ShelterAddress) -> int:
    """A shelter location just configured: every address already known there becomes confidential too,
    managed by the shelter (when the location names one), each decision kept and logged. Returns how many."""
    reason = _("At a shelter location configured by the functional administrator")
    changed = 0
    for address in Address.objects.filter(postcode=location.postcode, confidential=False):
        if location.house_number and _number(address.house_number) != _number(location.house_number):
            continue
        with transaction.atomic():
            _mark(address, location.organisation, reason, actor)
            record(actor, action="update", object_type="address_marked", object_id=str(address.pk),
                   person_id=address.person_id)  # fmt: skip
        changed += 1
    return changed


def must_be_confidential(
    organisation: Organisation | None,
    postcode: str,
    house_number: str,
    *,
    ticked: bool,
    shelters: dict[str, list[str]] | None = None,
) -> bool:
    """The reporter's tick, a report from a shelter, or a configured shelter address."""
    if ticked:
        return True
    if organisation is None:
        return False
    if organisation.kind == OrganisationKind.SHELTER:
        return True
    return is_shelter_location(organisation.region_id, postcode, house_number, shelters=shelters)


def last_open_postcode(person_id: int | None) -> str:
    """The person's most recent postcode that is not confidential (current or earlier): where routing
    may send a signal without pointing anyone to a shelter."""
    if person_id is None:
        return ""
    rows = list(
        Address.objects.filter(person_id=person_id, confidential=False)
        .exclude(postcode="")
        .exclude(postcode__in=ShelterAddress.objects.values("postcode"))
        .values_list("postcode", "valid_until", "valid_from", "pk")
    )
    if not rows:
        return ""
    # The current one (no end) first, then the one that ended last.
    chosen = max(rows, key=lambda r: (r[1] is None, r[1] or date.min, r[2] or date.min, r[3]))
    return str(chosen[0])


def _grant(address: Address, organisation: Organisation, reason: str, actor: Actor | None) -> None:
    disclosure, created = AddressDisclosure.objects.get_or_create(
        address=address,
        organisation=organisation,
        defaults={"basis": reason[:200], "granted_by": actor.user if actor else None},
    )
    if not created and disclosure.revoked_at is not None:
        AddressDisclosure.objects.filter(pk=disclosure.pk).update(
            revoked_at=None,
            basis=reason[:200],
            granted_by=actor.user if actor else None,
            granted_at=timezone.now(),
        )


def record_reported_address(person: Person, sp: SignalPerson, signal: Signal) -> Address | None:
    """A new person's address as reported. A confidential one is managed by the reporting organisation,
    which is the first to see it."""
    from verband.households.services import add_address

    reported = sp.reported_address
    if reported is None:
        return None
    address = add_address(
        person,
        street=reported["street"],
        house_number=reported["house_number"],
        postcode=reported["postcode"],
        city=reported["city"],
        confidential=sp.address_confidential,
    )
    if address is not None and sp.address_confidential and signal.source_organisation is not None:
        _manage(address, signal.source_organisation, signal.reference)
    return address


def _manage(address: Address, organisation: Organisation, source: str) -> None:
    _mark(address, organisation, _("Entered as a confidential address (%(source)s)") % {"source": source})


def _mark(
    address: Address, organisation: Organisation | None, reason: str, actor: Actor | None = None
) -> None:
    """Make the address confidential, managed by `organisation` (which then sees it), the decision kept."""
    Address.objects.filter(pk=address.pk).update(confidential=True, managed_by=organisation)
    address.confidential, address.managed_by = True, organisation
    if organisation is not None:
        _grant(address, organisation, reason, actor)
    AddressDecision.objects.create(
        address=address, kind=AddressDecisionKind.MARKED, organisation=organisation, reason=reason,
        by=actor.user if actor else None, by_organisation=actor.organisation if actor else organisation,
    )  # fmt: skip


# --- Decisions about confidentiality --------------------------------------------------------------------


def household_address(household: Household, address_id: int | None) -> Address | None:
    """An address of one of this household's members, or None."""
    if address_id is None:
        return None
    return (
        Address.objects.filter(pk=address_id, person__memberships__household=household)
        .select_related("person", "managed_by")
        .prefetch_related("disclosures")
        .first()
    )


def manages(actor: Actor, address: Address) -> bool:
    """The acting person's organisation manages this confidential address."""
    return (
        address.confidential
        and actor.organisation is not None
        and actor.membership is not None
        and address.managed_by_id == actor.organisation.pk
    )


def _log(actor: Actor, household: Household, address: Address, what: str, outcome: str = "granted") -> None:
    record(
        actor,
        action="update",
        object_type=f"address_{what}",
        object_id=str(address.pk),
        household_id=household.pk,
        person_id=address.person_id,
        outcome=outcome,
    )


def _refuse(actor: Actor, household: Household, address: Address, what: str) -> PermissionDenied:
    _log(actor, household, address, what, outcome="denied")
    return PermissionDenied(_("Only the organisation that manages this confidential address decides this."))


def mark_confidential(actor: Actor, household: Household, address: Address, reason: str) -> None:
    """Any professional who sees the household marks an address confidential; their organisation then
    manages it and is the only one to see it until it discloses it."""
    reason = reason_text(reason)
    if actor.organisation is None or actor.membership is None:
        raise _refuse(actor, household, address, "marked")
    if address.confidential:
        raise ValidationError(_("This address is already confidential."))
    with transaction.atomic():
        _mark(address, actor.organisation, reason, actor)
        _log(actor, household, address, "marked")


def lift_confidential(actor: Actor, household: Household, address: Address, reason: str) -> None:
    reason = reason_text(reason)
    if not manages(actor, address):
        raise _refuse(actor, household, address, "lifted")
    with transaction.atomic():
        Address.objects.filter(pk=address.pk).update(confidential=False)
        AddressDecision.objects.create(
            address=address, kind=AddressDecisionKind.LIFTED, reason=reason, by=actor.user,
            by_organisation=actor.organisation,
        )  # fmt: skip
        _log(actor, household, address, "lifted")


def disclose(
    actor: Actor, household: Household, address: Address, organisation: Organisation, reason: str
) -> None:
    """The managing organisation lets a partner working with the household see the address."""
    from verband.sharing.access import partner_organisations

    reason = reason_text(reason)
    if not manages(actor, address):
        raise _refuse(actor, household, address, "disclosed")
    if not partner_organisations(household).filter(pk=organisation.pk).exists():
        raise ValidationError(_("Choose an organisation that works with this household."))
    with transaction.atomic():
        _grant(address, organisation, reason, actor)
        AddressDecision.objects.create(
            address=address, kind=AddressDecisionKind.DISCLOSED, organisation=organisation, reason=reason,
            by=actor.user, by_organisation=actor.organisation,
        )  # fmt: skip
        _log(actor, household, address, "disclosed")


def revoke(
    actor: Actor, household: Household, address: Address, organisation: Organisation, reason: str
) -> None:
    reason = reason_text(reason)
    if not manages(actor, address):
        raise _refuse(actor, household, address, "revoked")
    if organisation.pk == address.managed_by_id:
        raise ValidationError(_("The managing organisation keeps seeing the address."))
    with transaction.atomic():
        changed = AddressDisclosure.objects.filter(
            address=address, organisation=organisation, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not changed:
            raise ValidationError(_("This organisation does not see the address."))
        AddressDecision.objects.create(
            address=address, kind=AddressDecisionKind.REVOKED, organisation=organisation, reason=reason,
            by=actor.user, by_organisation=actor.organisation,
        )  # fmt: skip
        _log(actor, household, address, "revoked")


# --- What a report says about a known person ---------------------------------------------------------


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
    from verband.signals.models import SignalPerson, StatementState

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
    from verband.households import matching
    from verband.households.services import add_address
    from verband.signals.models import StatementState

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
        if "address" in differences and reported is not None:
            address = add_address(
                person,
                street=reported["street"],
                house_number=reported["house_number"],
                postcode=reported["postcode"],
                city=reported["city"],
                confidential=sp.address_confidential,
            )
            if address is not None and sp.address_confidential and sp.signal.source_organisation is not None:
                _manage(address, sp.signal.source_organisation, sp.signal.reference)
        person.refresh_from_db()
        matching.index_person(person)
        _statement_log(actor, household, sp)


def dismiss_statement(actor: Actor, household: Household, sp: SignalPerson) -> None:
    from verband.signals.models import StatementState

    with transaction.atomic():
        _claim_statement(actor, sp, StatementState.DISMISSED)
        _statement_log(actor, household, sp)


def _claim_statement(actor: Actor, sp: SignalPerson, state: str) -> None:
    """Decide a pending statement exactly once (conditional update): a second answer changes nothing."""
    from verband.signals.models import SignalPerson, StatementState

    claimed = SignalPerson.objects.filter(pk=sp.pk, statement=StatementState.PENDING).update(
        statement=state, statement_decided_by=actor.user, statement_decided_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("Someone else already dealt with this."))
