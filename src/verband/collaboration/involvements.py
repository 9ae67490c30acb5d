"""A partner ends its involvement: access ends at that moment, and the household closes when no partner
is left and nobody is asked to take it up (an activation, a handover or a request for regie waiting; when
the last of those is answered without being taken up, it closes then). The history stays (for the
privacy officer, and for the recognition of a new signal, which opens the household again when a partner
takes it up).

No handover into the void: a partner whose organisation holds regie cannot leave while others stay
involved — it hands regie over (or ends it) first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.collaboration.models import Handover, HandoverStatus
from verband.households.models import HOUSEHOLD_FLOW, EventKind, Household, HouseholdStatus
from verband.network.models import ACTING_ROLES, Role
from verband.plans.models import Regie, RegieTransfer, TransferStatus
from verband.plans.regie import current_regie
from verband.sharing.access import is_own_involvement, memberships_seeing
from verband.sharing.models import EndReason, Involvement
from verband.signals.models import Activation, ActivationStatus
from verband.text import bounded
from verband.workflow import Tell, happened

NOTE_MAX = 1000


def may_end(actor: Actor, involvement: Involvement) -> bool:
    """A case worker of the involved party itself ends it: of its team or organisation; a network's
    involvement (shared by all its members) only its coordinator."""
    membership = actor.membership
    if (
        membership is None
        or membership.role not in ACTING_ROLES
        or not is_own_involvement(actor, involvement)
    ):
        return False
    return involvement.network_id is None or membership.role == Role.NETWORK_COORDINATOR


def end_involvement(actor: Actor, involvement: Involvement, reason: str, note: str = "") -> bool:
    """End the involvement now, with a reason (and a note kept with it, not on the shared timeline).
    Returns whether the household closed because nobody is left."""
    if not may_end(actor, involvement):
        raise PermissionDenied
    if reason not in EndReason.values or reason == EndReason.CASE_CLOSED:
        raise ValidationError({"reason": [_("Choose why your involvement ends.")]})
    note = bounded(note, field="note", maximum=NOTE_MAX)
    household = involvement.household
    with transaction.atomic():
        locked = Household.objects.select_for_update().filter(pk=household.pk).first()  # one at a time
        # Partners still there (one person's emergency access is no partner: it runs out by itself).
        others = list(
            Involvement.objects.active()
            .filter(household=household, only_user__isnull=True)
            .exclude(pk=involvement.pk)
        )
        # A closed case whose access was kept for its aftercare (`measures.closing`) is closed already.
        still_open = locked is not None and locked.status == HouseholdStatus.ACTIVE
        closes = still_open and not others and not someone_asked(household)
        regie = current_regie(household)
        # No handover into the void: the regisseur must keep seeing the household, unless it closes (and
        # regie ends with it).
        if (
            regie is not None
            and not closes
            and not memberships_seeing(household, without=involvement).filter(pk=regie.membership_id).exists()
        ):
            raise ValidationError(
                _(
                    "Your organisation holds regie for this household. Hand regie over to another partner, "
                    "or end it, before your involvement ends: the household must not be left without."
                )
            )
        now = timezone.now()
        ended = (
            Involvement.objects.active()
            .filter(pk=involvement.pk)
            .update(
                ended_at=now,
                ended_on=timezone.localdate(),
                ended_by=actor.user,
                end_reason=reason,
                end_note=note,
            )
        )
        if not ended:
            raise ValidationError(_("This involvement has already ended."))
        label = EndReason(reason).label
        tell = None
        if regie is not None and not closes and actor.user is not None and regie.user_id != actor.user.pk:
            tell = Tell(
                [regie.user_id],
                _("A partner ended its involvement with %(reference)s") % {"reference": household.reference},
                f"/huishoudens/{household.reference}/",
            )
        happened(
            actor,
            household,
            "involvement",
            str(involvement.pk),
            action="end",
            event=(
                EventKind.INVOLVED,
                # "Moved" stays off the shared timeline: for a shelter it would hint where she went.
                _("%(party)s ended its involvement.") % {"party": involvement.party}
                if reason == EndReason.MOVED
                else _("%(party)s ended its involvement: %(reason)s")
                % {"party": involvement.party, "reason": label},
            ),
            tell=tell,
        )
        if not closes:
            return False
        _close(actor, household, regie, now)
        return True


def someone_asked(household: Household) -> bool:
    """Whether someone is asked to take the household (or a part of it, or its regie) up and has not
    answered yet: an activation, a handover or a request for regie waiting. Until they answer, the
    household does not close (and is not swept: `verband.retention.sweep`)."""
    return (
        Activation.objects.filter(household=household, status=ActivationStatus.OPEN).exists()
        or Handover.objects.filter(household=household, status=HandoverStatus.PENDING).exists()
        or RegieTransfer.objects.filter(household=household, status=TransferStatus.PENDING).exists()
    )


def close_if_nobody_left(actor: Actor, household: Household) -> bool:
    """Close the household when no partner is involved any more and nobody is asked to take it up (after
    involvements ended otherwise than by `end_involvement`, e.g. a withdrawn consent, or after the last
    handover or request for regie it waited for was answered without being taken up)."""
    with transaction.atomic():
        # One ending at a time (as `end_involvement`); a household closed already stays as it is.
        locked = Household.objects.select_for_update().filter(pk=household.pk).first()
        if locked is None or locked.status != HouseholdStatus.ACTIVE:
            return False
        left = Involvement.objects.active().filter(household=household, only_user__isnull=True).exists()
        if left or someone_asked(household):
            return False
        household.status = locked.status
        _close(actor, household, current_regie(household), timezone.now())
    return True


def _close(actor: Actor, household: Household, regie: Regie | None, now: object) -> None:
    HOUSEHOLD_FLOW.move(
        household,
        HouseholdStatus.CLOSED,
        stale=_("The household was closed in the meantime."),
        closed_at=now,
    )
    if regie is not None:
        Regie.objects.filter(pk=regie.pk, ended_at__isnull=True).update(
            ended_at=now, end_reason=_("The household was closed: no partner is involved any more.")
        )
    happened(
        actor,
        household,
        "household",
        household.reference,
        action="close",
        event=(EventKind.INVOLVED, _("Household closed: no partner is involved any more.")),
    )
