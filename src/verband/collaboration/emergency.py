"""Break the glass: a case-working professional who is not involved opens a household in acute danger,
with a written reason. The access is an involvement for that one person (`Involvement.only_user`) that
ends by itself after `VERBAND_EMERGENCY_ACCESS_HOURS`; the regisseur and the region's privacy officers are
told at once; every use stays on the privacy officer's review list until judged justified or not, with
a note. The partners see on the timeline and among the involved partners who opened it, until when."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import EventKind, Household
from verband.network.models import ACTING_ROLES, Membership, Role
from verband.notifications.services import notify
from verband.plans.regie import current_regie
from verband.sharing.access import can_see_household, plausible_reference
from verband.sharing.accesslog import record
from verband.sharing.models import EMERGENCY, EmergencyAccess, Involvement, Judgement, LegalBasis
from verband.text import bounded
from verband.workflow import Tell, happened

REASON_MIN, REASON_MAX = 20, 1000
NOTE_MAX = 1000


def may_break_the_glass(actor: Actor) -> bool:
    return actor.membership is not None and actor.user is not None and actor.membership.role in ACTING_ROLES


def open_emergency_access(actor: Actor, reference: str, reason: str) -> Involvement:
    """Open the household with this reference to the acting person until the access runs out."""
    if not may_break_the_glass(actor):
        raise PermissionDenied
    reason = bounded(
        reason,
        field="reason",
        maximum=REASON_MAX,
        minimum=REASON_MIN,
        too_short=_(
            "Describe the acute danger and why you need this household now (at least 20 characters)."
        ),
    )
    reference = (reference or "").strip().upper()
    household = (
        Household.objects.filter(reference=reference).first() if plausible_reference(reference) else None
    )
    region = actor.organisation.region_id if actor.organisation is not None else None
    if household is not None and household.region_id != region:
        household = None  # another region's households: the same answer as one that does not exist
    if household is None:
        record(actor, action="emergency", object_type="household", object_id=reference[:60], outcome="denied")
        raise ValidationError({"reference": [_("No household has this reference.")]})
    if can_see_household(actor, household):
        raise ValidationError({"reference": [_("You already work with this household: open it as usual.")]})
    membership = actor.membership
    assert membership is not None and actor.user is not None  # may_break_the_glass
    closed_to = (
        Involvement.objects.active()
        .filter(household=household)
        .filter(Q(excluded_user=actor.user) | Q(excluded_organisation_id=membership.organisation_id))
    )
    if closed_to.exists():  # a report is never a way in, not even in an emergency
        record(actor, action="emergency", object_type="household", object_id=reference, household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise ValidationError(
            {
                "reference": [
                    _("Your organisation reported about this household: ask a partner who is involved.")
                ]
            }
        )
    now = timezone.now()
    until = now + timedelta(hours=settings.EMERGENCY_ACCESS_HOURS)
    with transaction.atomic():
        involvement = Involvement(
            household=household,
            team=membership.team,
            organisation=membership.organisation,
            purpose=EMERGENCY,
            legal_basis=LegalBasis.SERIOUS_DANGER,
            started_on=timezone.localdate(),
            created_by=actor.user,
            only_user=actor.user,
            ended_at=until,
        )
        involvement.full_clean()
        involvement.save()
        access = EmergencyAccess.objects.create(involvement=involvement, reason=reason)
        regie = current_regie(household)
        title = _("Emergency access to %(reference)s") % {"reference": household.reference}
        happened(
            actor,
            household,
            "emergency_access",
            str(access.pk),
            action="create",
            basis=f"{LegalBasis.SERIOUS_DANGER}:{EMERGENCY}",
            event=(
                EventKind.INVOLVED,
                _("Emergency access opened by %(name)s (%(party)s) until %(until)s")
                % {
                    "name": actor.user.display_name,
                    "party": involvement.party,
                    "until": date_format(timezone.localtime(until), "j F Y H:i"),
                },
            ),
            tell=Tell([regie.user_id], title, f"/huishoudens/{household.reference}/") if regie else None,
        )
        officers = privacy_officers(household)
        if officers:
            notify(officers, title, "/noodtoegang/beoordelen/")
        else:
            # A region without a privacy officer: nobody would review it. The opener's line managers are
            # told instead (and the use stays on the review list for the officer who comes).
            notify(_line_managers(membership), title, f"/huishoudens/{household.reference}/")
    return involvement


def _line_managers(membership: Membership) -> list[int]:
    managers = Membership.objects.active().filter(
        role=Role.LINE_MANAGER, organisation_id=membership.organisation_id
    )
    own_team = managers.filter(team_id=membership.team_id) if membership.team_id else managers.none()
    chosen = own_team if own_team.exists() else managers
    return list(chosen.exclude(user_id=membership.user_id).values_list("user_id", flat=True).distinct())


def privacy_officers(household: Household) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(role=Role.PRIVACY_OFFICER, organisation__region_id=household.region_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def to_review(actor: Actor) -> QuerySet[EmergencyAccess]:
    """The emergency accesses of the privacy officer's region: not yet judged first, newest first."""
    if (
        actor.membership is None
        or actor.membership.role != Role.PRIVACY_OFFICER
        or actor.organisation is None
    ):
        return EmergencyAccess.objects.none()
    return (
        EmergencyAccess.objects.filter(involvement__household__region_id=actor.organisation.region_id)
        .select_related(
            "involvement__household",
            "involvement__created_by",
            "involvement__organisation",
            "involvement__team",
            "judged_by",
        )
        .order_by("judged_at", "-pk")
    )


def judge(actor: Actor, access: EmergencyAccess, judgement: str, note: str) -> None:
    """The privacy officer's judgement of one emergency access: justified or not, with a note."""
    if not to_review(actor).filter(pk=access.pk).exists():
        raise PermissionDenied
    if judgement not in Judgement.values:
        raise ValidationError({"judgement": [_("Choose whether the emergency access was justified.")]})
    note = bounded(
        note, field="note", maximum=NOTE_MAX, required=True, too_short=_("Write down why you judge it so.")
    )
    with transaction.atomic():
        judged = EmergencyAccess.objects.filter(pk=access.pk, judged_at__isnull=True).update(
            judged_at=timezone.now(), judged_by=actor.user, judgement=judgement, judgement_note=note
        )
        if not judged:
            raise ValidationError(_("This emergency access was judged in the meantime."))
        household = access.involvement.household
        record(
            actor,
            action="judge",
            object_type="emergency_access",
            object_id=str(access.pk),
            household_id=household.pk,
            basis=f"review:{judgement}",
        )
