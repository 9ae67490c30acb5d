"""The one place that decides about addresses: how one is shown, when it is confidential, who decides
about that, and where a reported address lands.

A confidential address (a victim in a shelter) reads "geheim adres" to everyone but the organisations
it is disclosed to — in pages, API answers, exports and log lines alike. The organisation that entered
or marked it manages it: only its members disclose it to another partner, revoke a disclosure or lift
the confidentiality, always with a reason. Any professional who sees the household may mark an address
confidential. Every decision is kept with its reason (`AddressDecision`) and written to the access log.
What a report says about a known person is decided in `verband.signals.statements`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from verband.sharing import basis as sharing_basis
from verband.sharing.accesslog import record
from verband.sharing.basis import Basis
from verband.sharing.models import InformationScope, SharingKind
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
        entrust(address, signal.source_organisation, signal.reference)
    return address


def entrust(address: Address, organisation: Organisation, source: str) -> None:
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
    actor: Actor,
    household: Household,
    address: Address,
    organisation: Organisation,
    reason: str,
    basis: Basis | None = None,
) -> None:
    """The managing organisation lets a partner working with the household see the address, on the legal
    basis the professional chose (`sharing.basis`): the consent of the person whose address it is, or
    another basis with the five questions answered. Without `basis` (the system's own disclosures, e.g.
    demo data) no choice is recorded."""
    from verband.sharing.access import partner_organisations

    reason = reason_text(reason)
    if not manages(actor, address):
        raise _refuse(actor, household, address, "disclosed")
    if not partner_organisations(household).filter(pk=organisation.pk).exists():
        raise ValidationError(_("Choose an organisation that works with this household."))
    consent, answers = None, dict[str, str]()
    if basis is not None:
        consent, answers = sharing_basis.check(
            household,
            basis,
            kind=SharingKind.ADDRESS,
            receiver=organisation,
            information=InformationScope.ADDRESS,
            actor=actor,
        )
        if consent is not None and consent.person_id != address.person_id:
            raise ValidationError(
                {"consent": [_("An address is disclosed on the consent of the person whose address it is.")]}
            )
    with transaction.atomic():
        if consent is not None:
            sharing_basis.lock_in_force(consent)
        _grant(address, organisation, reason, actor)
        decision = AddressDecision.objects.create(
            address=address, kind=AddressDecisionKind.DISCLOSED, organisation=organisation, reason=reason,
            by=actor.user, by_organisation=actor.organisation,
        )  # fmt: skip
        if basis is not None:
            sharing_basis.store(
                actor, household, basis, kind=SharingKind.ADDRESS, subject_id=decision.pk,
                proposal=sharing_basis.proposed(SharingKind.ADDRESS), consent=consent, answers=answers,
            )  # fmt: skip
        _log(actor, household, address, "disclosed")


def revoke_on_withdrawn_consent(actor: Actor, household: Household, decision: AddressDecision) -> bool:
    """A disclosure that rested on a consent ends when the consent is withdrawn (by whoever records the
    withdrawal, not only the managing organisation). Returns whether a disclosure was still in force."""
    address = decision.address
    if decision.organisation_id is None:
        return False
    changed = AddressDisclosure.objects.filter(
        address=address, organisation_id=decision.organisation_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not changed:
        return False
    AddressDecision.objects.create(
        address=address, kind=AddressDecisionKind.REVOKED, organisation_id=decision.organisation_id,
        reason=_("The consent it rested on was withdrawn."), by=actor.user, by_organisation=actor.organisation,
    )  # fmt: skip
    _log(actor, household, address, "revoked")
    return True


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
