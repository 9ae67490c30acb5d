"""Writes of the sharing app. Every change of who may see a household is logged."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import Network, Organisation, Team
from verband.sharing.accesslog import record
from verband.sharing.models import Involvement, SharingBasis, SharingKind

if TYPE_CHECKING:
    from verband.accounts.models import User


@transaction.atomic
def involve(
    actor: Actor,
    household: Household,
    *,
    purpose: str,
    legal_basis: str,
    started_on: date,
    team: Team | None = None,
    network: Network | None = None,
    organisation: Organisation | None = None,
    excluded_organisation: Organisation | None = None,
    excluded_user: User | None = None,
    basis_record: SharingBasis | None = None,
    separate: bool = False,
) -> Involvement:
    """Make a team, a network or a whole organisation involved with a household. Involving the same party
    for the same purpose again returns the existing involvement.

    `excluded_organisation` and `excluded_user` close the involvement to them (a reporter and their
    organisation, when it is created by taking up their report: `sharing.access.not_closed_to`). An
    open involvement of the same party and purpose covers a closed one, so it is returned as it is; a
    closed one is never returned for an involvement asked without (or with other) exclusions — an
    explicit, recorded involvement then gets its own, open, involvement and no exclusion is copied.

    `basis_record` is the legal basis the professional chose (`sharing.basis`); it is tied to the
    involvement it made or found."""
    if sum(x is not None for x in (team, network, organisation)) != 1:
        raise ValueError("Give exactly one of team, network or organisation.")
    if team is not None:
        organisation = team.organisation
    same = Involvement.objects.active(started_on).filter(
        household=household, purpose=purpose, team=team, network=network, organisation=organisation
    )
    existing = (
        same.filter(excluded_organisation__isnull=True, excluded_user__isnull=True).first()
        or same.filter(excluded_organisation=excluded_organisation, excluded_user=excluded_user).first()
    )
    if separate:
        existing = None  # an involvement of its own, with its own basis (`basis_record`)
    if existing is not None:
        if basis_record is not None and basis_record.kind == SharingKind.TAKE_UP:
            SharingBasis.objects.filter(pk=basis_record.pk).update(subject_id=existing.pk)
        return existing
    involvement = Involvement(
        household=household,
        team=team,
        network=network,
        organisation=organisation,
        purpose=purpose,
        legal_basis=legal_basis,
        started_on=started_on,
        created_by=actor.user,
        excluded_organisation=excluded_organisation,
        excluded_user=excluded_user,
        basis_record=basis_record,
    )
    involvement.full_clean()
    with transaction.atomic():
        involvement.save()
        if basis_record is not None and basis_record.kind == SharingKind.TAKE_UP:
            SharingBasis.objects.filter(pk=basis_record.pk).update(subject_id=involvement.pk)
        _reopen(actor, household)
    record(
        actor,
        action="create",
        object_type="involvement",
        object_id=str(involvement.pk),
        household_id=household.pk,
        basis=f"{legal_basis}:{purpose}",
    )
    if excluded_organisation is not None or excluded_user is not None:
        # For the privacy officer: whom this involvement does not open the household to.
        record(
            actor,
            action="create",
            object_type="involvement_exclusion",
            object_id=str(involvement.pk),
            household_id=household.pk,
            basis=exclusion_basis(involvement),
        )
    return involvement


def exclusion_basis(involvement: Involvement) -> str:
    """`excludes:<organisation id>:<user id>` (empty when not excluded), for the access log."""
    return f"excludes:{involvement.excluded_organisation_id or ''}:{involvement.excluded_user_id or ''}"


def record_first_contact(actor: Actor, involvement: Involvement) -> Involvement:
    """The involved partner reached the household: once, by someone of that partner."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from verband.households.models import EventKind
    from verband.households.services import add_event
    from verband.sharing.access import is_own_involvement, works_with

    m = actor.membership
    own = m is not None and m.does_casework and is_own_involvement(actor, involvement)
    if not own or not works_with(actor, involvement.household):
        raise PermissionDenied
    with transaction.atomic():
        moved = Involvement.objects.filter(pk=involvement.pk, first_contact_at__isnull=True).update(
            first_contact_at=timezone.now(), first_contact_by=actor.user
        )
        if not moved:
            raise ValidationError(_("First contact was already recorded."))
        involvement.refresh_from_db()
        add_event(
            involvement.household,
            EventKind.INVOLVED,
            _("First contact by %(party)s") % {"party": involvement.party},
            actor=actor,
        )
        record(
            actor,
            action="update",
            object_type="involvement",
            object_id=str(involvement.pk),
            household_id=involvement.household_id,
        )
    return involvement


def _reopen(actor: Actor, household: Household) -> None:
    """A closed household opens again when a partner becomes involved (a new signal taken up): with its
    history, and a line on its timeline that it was closed."""
    from django.utils.translation import gettext as _

    from verband.households.models import HOUSEHOLD_FLOW, EventKind, HouseholdStatus
    from verband.households.services import add_event

    current = Household.objects.filter(pk=household.pk).values_list("status", flat=True).first()
    if current != HouseholdStatus.CLOSED:
        return
    HOUSEHOLD_FLOW.move(
        household,
        HouseholdStatus.ACTIVE,
        source=HouseholdStatus.CLOSED,
        stale=_("The household was opened again in the meantime."),
        closed_at=None,
    )
    add_event(household, EventKind.INVOLVED, _("Household opened again: a partner is involved."), actor=actor)
    record(
        actor,
        action="reopen",
        object_type="household",
        object_id=household.reference,
        household_id=household.pk,
    )
