"""Writes of regie: one regisseur per household, or explicitly none.

Regie changes only on acceptance: `request_regie` writes a pending transfer; `accept_regie` (by the
receiver, naming the line manager who gives the mandate) ends the current regie and starts the new one in
one transaction; `decline_regie`, `withdraw_regie` and `end_regie` complete the set. The line manager
named is asked: `confirm_mandate`, or `refuse_mandate` (the regie ends: it was never mandated); until then
the regie shows "mandate requested" and the escalation engine watches it (`mandates_unconfirmed`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.accounts.models import User
from verband.actors import Actor
from verband.households.models import EventKind, Household
from verband.network.models import ACTING_ROLES, Membership, Role
from verband.plans.models import (
    TRANSFER_FLOW,
    MandateStatus,
    Regie,
    RegieTransfer,
    TransferStatus,
)
from verband.sharing import services as sharing
from verband.sharing.access import partner_organisations, works_with
from verband.sharing.models import LegalBasis, Purpose
from verband.text import bounded, refuse_nul
from verband.workflow import Tell, happened, transition


def current_regie(household: Household) -> Regie | None:
    return (
        Regie.objects.filter(household=household, ended_at__isnull=True)
        .select_related("user", "organisation", "mandated_by", "membership__team")
        .first()
    )


def regie_candidates(household: Household) -> list[Membership]:
    """Who can be asked to take regie: case workers of the partner organisations (not experience experts)."""
    return list(
        Membership.objects.active()
        .filter(role__in=ACTING_ROLES, organisation__in=partner_organisations(household))
        .select_related("user", "organisation", "team")
        .order_by("organisation__name", "user__last_name", "user__first_name")
    )


def line_managers_for(membership: Membership) -> list[Membership]:
    """Who can have given the mandate: the line managers of the receiver's organisation (their own team
    first)."""
    managers = (
        Membership.objects.active()
        .filter(role=Role.LINE_MANAGER, organisation_id=membership.organisation_id)
        .exclude(user_id=membership.user_id)
        .select_related("user", "team")
    )
    return sorted(managers, key=lambda m: (m.team_id != membership.team_id, m.user.last_name))


def may_request_regie(actor: Actor, household: Household) -> bool:
    if actor.membership is None or actor.membership.role not in ACTING_ROLES:
        return False
    if not works_with(actor, household):
        return False
    current = current_regie(household)
    return current is None or current.user_id == actor.user.pk if actor.user else False


def request_regie(actor: Actor, household: Household, to_membership_id: int, note: str = "") -> RegieTransfer:
    """Ask someone to take (over) regie. Only the current regisseur may hand it over; while there is none,
    any case worker involved may ask someone. Nothing changes until the receiver accepts."""
    if not may_request_regie(actor, household):
        raise PermissionDenied
    candidates = {m.pk: m for m in regie_candidates(household)}
    target = candidates.get(to_membership_id)
    if target is None:
        raise ValidationError({"to": [_("Choose a professional of a partner working with this household.")]})
    current = current_regie(household)
    if current is not None and current.user_id == target.user_id:
        raise ValidationError({"to": [_("This person already has regie.")]})
    refuse_nul(note)
    if len(note) > 500:
        raise ValidationError({"note": [_("At most 500 characters.")]})
    user = actor.user
    try:
        with transaction.atomic():
            transfer = RegieTransfer.objects.create(
                household=household,
                to_membership=target,
                to_user_id=target.user_id,
                from_regie=current,
                requested_by=user,
                requested_by_name=user.display_name if user else "",
                note=note.strip(),
            )
            happened(
                actor,
                household,
                "regie_transfer",
                str(transfer.pk),
                action="create",
                event=(
                    EventKind.REGIE,
                    _("Regie offered to %(name)s (%(org)s); waiting for acceptance")
                    % {"name": target.user.display_name, "org": target.organisation},
                ),
            )
    except IntegrityError:
        raise ValidationError(
            {"to": [_("A request for regie is already waiting for an answer. Withdraw it first.")]}
        ) from None
    return transfer


def _answer(actor: Actor, transfer: RegieTransfer, status: str, summary: str, note: str = "") -> None:
    """Move a pending transfer to its decision, exactly once, with its timeline line and log entry."""
    transition(
        TRANSFER_FLOW,
        transfer,
        status,
        actor=actor,
        household=transfer.household,
        source=TransferStatus.PENDING,
        stale=_("This request is no longer waiting for an answer."),
        event=(EventKind.REGIE, summary) if summary else None,
        log_as="regie_transfer",
        decided_at=timezone.now(),
        decision_note=note,
    )


def pending_for(actor: Actor) -> list[RegieTransfer]:
    if actor.membership is None:
        return []
    return list(
        RegieTransfer.objects.filter(status=TransferStatus.PENDING, to_membership=actor.membership)
        .select_related("household", "from_regie__organisation")
        .order_by("requested_at")
    )


def accept_regie(actor: Actor, transfer: RegieTransfer, mandated_by_id: int, mandate_note: str = "") -> Regie:
    """The receiver accepts: the current regie ends, theirs begins, with the mandate of the line manager
    they name. Their team (or organisation) becomes involved for case direction if it was not."""
    membership = actor.membership
    if membership is None or transfer.to_membership_id != membership.pk:
        raise PermissionDenied
    household = transfer.household
    # The offer may be older than the receiver's place in the network: they must still be a candidate.
    if not membership.active or membership.pk not in {m.pk for m in regie_candidates(household)}:
        raise ValidationError(
            _("You can no longer take regie of this household: your organisation no longer works with it.")
        )
    managers = {m.user_id for m in line_managers_for(membership)}
    if mandated_by_id not in managers:
        raise ValidationError({"mandated_by": [_("Choose the line manager who gave you the mandate.")]})
    refuse_nul(mandate_note)
    if len(mandate_note) > 300:
        raise ValidationError({"mandate_note": [_("At most 300 characters.")]})
    with transaction.atomic():
        _answer(actor, transfer, TransferStatus.ACCEPTED, "")
        now = timezone.now()
        previous = current_regie(household)
        if previous is not None:
            Regie.objects.filter(pk=previous.pk).update(ended_at=now, end_reason=str(_("Handed over")))
        regie = Regie.objects.create(
            household=household,
            user_id=membership.user_id,
            membership=membership,
            organisation_id=membership.organisation_id,
            mandated_by_id=mandated_by_id,
            mandate_note=mandate_note.strip(),
            mandate_status=MandateStatus.REQUESTED,
            started_at=now,
        )
        if not works_with(actor, household):  # an emergency access ends; regie needs a real involvement
            sharing.involve(
                actor,
                household,
                purpose=Purpose.CASE_DIRECTION,
                legal_basis=LegalBasis.COVENANT,
                started_on=timezone.localdate(),
                team=membership.team,
                organisation=None if membership.team else membership.organisation,
            )
        manager = User.objects.get(pk=mandated_by_id)
        with override("nl"):
            title = _("Confirm a regie mandate: %(ref)s") % {"ref": household.reference}
        happened(
            actor,
            household,
            "regie",
            str(regie.pk),
            event=(
                EventKind.REGIE,
                _("%(name)s (%(org)s) has regie; mandate requested from %(manager)s")
                % {
                    "name": regie.user.display_name,
                    "org": membership.organisation,
                    "manager": manager.display_name,
                },
            ),
            tell=Tell([manager.pk], title, reverse("plans:mandate", args=[regie.pk])),
        )
    return regie


# --- The mandate: the line manager named confirms it, or refuses it ---------------------------------


def mandates_for(actor: Actor) -> list[Regie]:
    """The mandates waiting for the actor's confirmation: regies in force that name them, at their own
    organisation, as a line manager."""
    m = actor.membership
    if m is None or m.role != Role.LINE_MANAGER:
        return []
    return list(
        Regie.objects.filter(
            mandated_by_id=m.user_id,
            organisation_id=m.organisation_id,
            ended_at__isnull=True,
            mandate_status=MandateStatus.REQUESTED,
        )
        .select_related("household", "user", "organisation", "membership__team")
        .order_by("started_at", "pk")
    )


def may_answer_mandate(actor: Actor, regie: Regie) -> bool:
    """Only the line manager named, acting as a line manager of the regisseur's organisation."""
    m = actor.membership
    return (
        m is not None
        and m.role == Role.LINE_MANAGER
        and m.user_id == regie.mandated_by_id
        and m.organisation_id == regie.organisation_id
    )


def _stale_mandate() -> str:
    return _("This mandate was answered, or the regie ended, in the meantime.")


def confirm_mandate(actor: Actor, regie: Regie) -> Regie:
    """The line manager confirms: the regie is mandated. The regisseur is told."""
    if not may_answer_mandate(actor, regie):
        raise PermissionDenied
    with transaction.atomic():
        moved = Regie.objects.filter(
            pk=regie.pk, ended_at__isnull=True, mandate_status=MandateStatus.REQUESTED
        ).update(mandate_status=MandateStatus.CONFIRMED, mandate_answered_at=timezone.now())
        if not moved:
            raise ValidationError(_stale_mandate())
        regie.refresh_from_db()
        with override("nl"):
            title = _("Regie mandate confirmed: %(ref)s") % {"ref": regie.household.reference}
        happened(
            actor,
            regie.household,
            "regie",
            str(regie.pk),
            event=(
                EventKind.REGIE,
                _("Mandate for the regie of %(name)s confirmed by %(manager)s")
                % {"name": regie.user.display_name, "manager": actor.user.display_name if actor.user else ""},
            ),
            tell=Tell([regie.user_id], title, reverse("households:detail", args=[regie.household.reference])),
        )
    return regie


def refuse_mandate(actor: Actor, regie: Regie, reason: str) -> Regie:
    """The line manager refuses: the regie was never mandated, so it is not taken — it ends now, the
    household has no regisseur again (the engine watches that), and the professional is told why."""
    if not may_answer_mandate(actor, regie):
        raise PermissionDenied
    reason = bounded(
        reason,
        field="reason",
        minimum=10,
        maximum=500,
        too_short=_("Say why you refuse the mandate, in at least a sentence."),
    )
    with transaction.atomic():
        now = timezone.now()
        moved = Regie.objects.filter(
            pk=regie.pk, ended_at__isnull=True, mandate_status=MandateStatus.REQUESTED
        ).update(
            mandate_status=MandateStatus.REFUSED,
            mandate_answered_at=now,
            mandate_answer_note=reason,
            ended_at=now,
            end_reason=str(_("Mandate refused by the line manager"))[:300],
        )
        if not moved:
            raise ValidationError(_stale_mandate())
        regie.refresh_from_db()
        with override("nl"):
            title = _("Regie mandate refused: %(ref)s; you do not have regie") % {
                "ref": regie.household.reference
            }
        happened(
            actor,
            regie.household,
            "regie",
            str(regie.pk),
            event=(
                EventKind.REGIE,
                _("Mandate for the regie of %(name)s refused by %(manager)s: %(reason)s; no regisseur")
                % {
                    "name": regie.user.display_name,
                    "manager": actor.user.display_name if actor.user else "",
                    "reason": reason[:150],
                },
            ),
            tell=Tell([regie.user_id], title, reverse("plans:mandate", args=[regie.pk])),
        )
    return regie


def decline_regie(actor: Actor, transfer: RegieTransfer, reason: str) -> RegieTransfer:
    if actor.membership is None or transfer.to_membership_id != actor.membership.pk:
        raise PermissionDenied
    reason = bounded(
        reason,
        field="reason",
        maximum=500,
        required=True,
        too_short=_("Say why you decline (at most 500 characters)."),
    )
    _answer(
        actor,
        transfer,
        TransferStatus.DECLINED,
        _("Regie declined by %(name)s: %(reason)s")
        % {"name": actor.user.display_name if actor.user else "", "reason": reason[:200]},
        reason,
    )
    return transfer


def withdraw_regie(actor: Actor, transfer: RegieTransfer) -> RegieTransfer:
    """The requester (or the current regisseur) takes a waiting request back."""
    current = current_regie(transfer.household)
    user_id = actor.user.pk if actor.user else None
    if user_id is None or user_id not in {transfer.requested_by_id, current.user_id if current else None}:
        raise PermissionDenied
    _answer(actor, transfer, TransferStatus.WITHDRAWN, _("Request for regie withdrawn"))
    return transfer


def end_regie(actor: Actor, household: Household, reason: str) -> None:
    """The regisseur (or a line manager of their organisation) ends regie: the household then explicitly
    has no regisseur until someone accepts it."""
    current = current_regie(household)
    if current is None:
        raise ValidationError(_("This household has no regisseur."))
    membership = actor.membership
    allowed = membership is not None and (
        current.user_id == membership.user_id
        or (membership.role == Role.LINE_MANAGER and membership.organisation_id == current.organisation_id)
    )
    if not allowed or not works_with(actor, household):
        raise PermissionDenied
    refuse_nul(reason)
    if not reason.strip() or len(reason) > 300:
        raise ValidationError({"reason": [_("Say why regie ends (at most 300 characters).")]})
    with transaction.atomic():
        ended = Regie.objects.filter(pk=current.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason.strip()
        )
        if not ended:
            raise ValidationError(_("Regie was changed in the meantime."))
        happened(
            actor,
            household,
            "regie",
            str(current.pk),
            event=(EventKind.REGIE, _("Regie ended: %(reason)s") % {"reason": reason.strip()[:200]}),
        )
