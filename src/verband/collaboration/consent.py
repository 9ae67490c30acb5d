"""Consent, recorded per person: given, refused or withdrawn; with which partners, which information; how,
when and until when. A case-working professional who works with the household records it for a member
their involvement covers.

Withdrawing consent ends what rested on it, at once: an involvement whose basis was that consent ends
(reason "consent withdrawn"), a handover still waiting for acceptance is withdrawn, an address disclosed
on it is no longer disclosed, and an item shared with a member on it is shielded again. The form shows
all of this before the withdrawal is confirmed, and the regisseur is told what ended (the warning: she
decides whether the partner may stay on another basis, which a new handover records with its five
questions). Nothing is deleted: the consent keeps its withdrawal, every act its basis."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.collaboration.involvements import close_if_nobody_left
from verband.collaboration.models import HANDOVER_FLOW, Handover, HandoverStatus
from verband.households import addresses
from verband.households.models import AddressDecision, EventKind, Household, HouseholdMember
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES, Membership, Organisation
from verband.notifications.services import notify
from verband.plans.models import Regie
from verband.plans.regie import current_regie
from verband.sharing.access import memberships_seeing, works_with
from verband.sharing.accesslog import record
from verband.sharing.models import (
    Consent,
    ConsentManner,
    ConsentStatus,
    EndReason,
    InformationScope,
    Involvement,
    SharingBasis,
    SharingKind,
)
from verband.shielding.models import ShieldDecision
from verband.shielding.scope import involvement_members
from verband.text import bounded
from verband.workflow import happened

NOTE_MAX = 1000


def may_record(actor: Actor, household: Household, person_id: int | None = None) -> bool:
    """A case-working professional of a party working with the household (not through emergency access),
    for a member their involvement covers."""
    if actor.membership is None or actor.membership.role not in ACTING_ROLES:
        return False
    if not works_with(actor, household):
        return False
    if person_id is None:
        return True
    whole, persons = involvement_members(actor, household)
    return whole or person_id in persons


def may_withdraw(actor: Actor, consent: Consent) -> bool:
    """Who records that the person withdrew: a professional who may record consent for them, of the
    organisation that recorded it or of the regisseur's — not any partner of the household (a partner
    working with the perpetrator must not be able to cut off what protects the victim)."""
    if not may_record(actor, consent.household, consent.person_id) or actor.organisation is None:
        return False
    regie = current_regie(consent.household)
    return actor.organisation.pk in {
        consent.recorded_by_organisation_id,
        regie.organisation_id if regie else None,
    }


# Consent dates before this are typing errors, not consents.
EARLIEST = date(2000, 1, 1)


def region_partners(household: Household) -> QuerySet[Organisation]:
    """The organisations a consent can name: the region's."""
    return Organisation.objects.filter(region_id=household.region_id, active=True).order_by("name")


def household_consents(household: Household) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(household=household)
        .select_related("person", "recorded_by", "recorded_by_organisation")
        .prefetch_related("partners")
        .order_by("person_id", "-recorded_at", "-pk")
    )


def record_consent(
    actor: Actor,
    household: Household,
    *,
    person_id: int | None,
    status: str,
    partner_ids: list[int],
    information: list[str],
    manner: str,
    given_on: date | None,
    valid_until: date | None,
    note: str = "",
    for_basis_id: int | None = None,
) -> Consent:
    """Record one person's consent (or refusal). `for_basis_id`: a take-up on consent waiting for it."""
    if not may_record(actor, household):
        record(actor, action="create", object_type="consent", object_id=household.reference,
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    member = (
        person_id is not None
        and HouseholdMember.objects.filter(household=household, person_id=person_id).exists()
    )
    if not member or not may_record(actor, household, person_id):
        # One answer for a member outside the professional's scope and for no member at all: the form is
        # no way to learn who else is in the household.
        errors["person"] = [_("Choose the member whose consent this is.")]
        if person_id is not None:
            record(actor, action="create", object_type="consent", object_id=str(person_id)[:20],
                   household_id=household.pk, outcome="denied")  # fmt: skip
    if status not in (ConsentStatus.GIVEN, ConsentStatus.REFUSED):
        errors["status"] = [_("Say whether consent was given or refused.")]
    if manner not in ConsentManner.values:
        errors["manner"] = [_("Say how the consent was given: verbally, in writing or digitally.")]
    today = timezone.localdate()
    if given_on is None:
        errors["given_on"] = [_("Give the date.")]
    elif given_on > today:
        errors["given_on"] = [_("The date cannot be in the future.")]
    elif given_on < EARLIEST:
        errors["given_on"] = [_("Give a date after 1 January 2000.")]
    if valid_until is not None and given_on is not None and valid_until < given_on:
        errors["valid_until"] = [_("The end date cannot be before the date it was given.")]
    partners = list(region_partners(household).filter(pk__in=partner_ids))
    if len(partners) != len(set(partner_ids)):
        errors["partners"] = [_("Choose partners of this region.")]
    elif status == ConsentStatus.GIVEN and not partners:
        errors["partners"] = [_("Choose with which partners the information may be shared.")]
    if any(code not in InformationScope.values for code in information):
        errors["information"] = [_("Choose from the list which information is covered.")]
    elif status == ConsentStatus.GIVEN and not information:
        errors["information"] = [_("Choose which information may be shared.")]
    try:
        note = bounded(note, field="note", maximum=NOTE_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    waiting = None
    if for_basis_id is not None:
        waiting = _waiting_basis(actor, household, for_basis_id)
        if waiting is None:
            record(actor, action="use", object_type="sharing_basis", object_id=str(for_basis_id)[:20],
                   household_id=household.pk, outcome="denied")  # fmt: skip
            errors["for_basis"] = [_("This consent cannot be recorded for that take-up.")]
        elif status == ConsentStatus.GIVEN and not _carries(waiting, partners, information):
            errors["partners"] = [_(
                "For the take-up on consent, the consent must cover your organisation and the whole file."
            )]  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert person_id is not None and given_on is not None
    with transaction.atomic():
        consent = Consent.objects.create(
            household=household,
            person_id=person_id,
            status=status,
            information=sorted(set(information)),
            manner=manner,
            given_on=given_on,
            valid_until=valid_until,
            note=note,
            recorded_by=actor.user,
            recorded_by_organisation=actor.organisation,
        )
        consent.partners.set(partners)
        if waiting is not None and status == ConsentStatus.GIVEN and consent.in_force():
            SharingBasis.objects.filter(pk=waiting.pk, consent__isnull=True).update(consent=consent)
        record(
            actor,
            action="create",
            object_type="consent",
            object_id=str(consent.pk),
            household_id=household.pk,
            person_id=person_id,
            basis=f"consent:{status}",
        )
    return consent


def _waiting_basis(actor: Actor, household: Household, basis_id: int) -> SharingBasis | None:
    """A take-up on consent of the actor's own organisation that waits for its consent."""
    if actor.organisation is None:
        return None
    return SharingBasis.objects.filter(
        pk=basis_id,
        household=household,
        kind=SharingKind.TAKE_UP,
        legal_basis="consent",
        consent__isnull=True,
        chosen_by_organisation=actor.organisation,
    ).first()


def _carries(waiting: SharingBasis, partners: list[Organisation], information: list[str]) -> bool:
    """The consent covers the organisation whose take-up waits for it, and the whole file."""
    involvement = Involvement.objects.filter(pk=waiting.subject_id).first() if waiting.subject_id else None
    organisation_id = (
        involvement.organisation_id if involvement is not None else waiting.chosen_by_organisation_id
    )
    return InformationScope.ALL in information and organisation_id in {p.pk for p in partners}


@dataclass
class Effects:
    """What ends when a consent is withdrawn."""

    involvements: list[Involvement] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    addresses: list[AddressDecision] = field(default_factory=list)
    shared_items: list[ShieldDecision] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.involvements or self.handovers or self.addresses or self.shared_items)


def effects_of_withdrawal(consent: Consent) -> Effects:
    """Everything still in force that rests on this consent."""
    bases = SharingBasis.objects.filter(consent=consent)
    by_kind: dict[str, list[int]] = {}
    for kind, subject in bases.values_list("kind", "subject_id"):
        if subject is not None:
            by_kind.setdefault(kind, []).append(subject)
    involvements = list(
        Involvement.objects.active()
        .filter(household_id=consent.household_id, basis_record__consent=consent)
        .select_related("team", "network", "organisation")
    )
    handovers = list(
        Handover.objects.filter(
            pk__in=by_kind.get(SharingKind.HANDOVER, []), status=HandoverStatus.PENDING
        ).select_related("to_team__organisation")
    )
    disclosed = [
        d
        for d in AddressDecision.objects.filter(pk__in=by_kind.get(SharingKind.ADDRESS, [])).select_related(
            "address", "organisation"
        )
        if d.organisation_id is not None
        and d.address.disclosures.filter(organisation_id=d.organisation_id, revoked_at__isnull=True).exists()
    ]
    lifts = []
    for lift in ShieldDecision.objects.filter(pk__in=by_kind.get(SharingKind.SHIELD_LIFT, [])).select_related(
        "person"
    ):
        latest = (
            ShieldDecision.objects.filter(
                household_id=lift.household_id,
                item_type=lift.item_type,
                item_id=lift.item_id,
                person_id=lift.person_id,
            )
            .order_by("-at", "-pk")
            .first()
        )
        if latest is not None and latest.pk == lift.pk:
            lifts.append(lift)
    return Effects(involvements, handovers, disclosed, lifts)


def withdraw_consent(
    actor: Actor, consent: Consent, *, withdrawn_on: date | None, manner: str, note: str = ""
) -> Effects:
    """The person withdraws their consent: recorded, and what rested on it ends now. The regisseur is told
    what ended. Returns what ended."""
    household = consent.household
    if not may_withdraw(actor, consent):
        record(actor, action="withdraw", object_type="consent", object_id=str(consent.pk),
               household_id=household.pk, person_id=consent.person_id, outcome="denied")  # fmt: skip
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if withdrawn_on is None:
        errors["withdrawn_on"] = [_("Give the date the consent was withdrawn.")]
    elif withdrawn_on > today:
        errors["withdrawn_on"] = [_("The date cannot be in the future.")]
    elif withdrawn_on < consent.given_on:
        errors["withdrawn_on"] = [_("Consent cannot be withdrawn before it was given.")]
    if manner not in ConsentManner.values:
        errors["manner"] = [_("Say how the consent was withdrawn.")]
    try:
        note = bounded(note, field="note", maximum=NOTE_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        changed = Consent.objects.filter(pk=consent.pk, status=ConsentStatus.GIVEN).update(
            status=ConsentStatus.WITHDRAWN,
            withdrawn_on=withdrawn_on,
            withdrawn_manner=manner,
            withdrawn_note=note,
            withdrawn_at=now,
            withdrawn_by=actor.user,
        )
        if not changed:
            raise ValidationError(_("This consent is not in force: it was refused or withdrawn already."))
        effects = effects_of_withdrawal(consent)
        record(
            actor,
            action="withdraw",
            object_type="consent",
            object_id=str(consent.pk),
            household_id=household.pk,
            person_id=consent.person_id,
            basis="consent:withdrawn",
        )
        for involvement in effects.involvements:
            Involvement.objects.filter(pk=involvement.pk).update(
                ended_at=now,
                ended_on=timezone.localdate(),
                ended_by=actor.user,
                end_reason=EndReason.CONSENT_WITHDRAWN,
                end_note=_("The consent of a member was withdrawn."),
            )
            happened(
                actor,
                household,
                "involvement",
                str(involvement.pk),
                action="end",
                event=(
                    EventKind.INVOLVED,
                    _("%(party)s is no longer involved: the consent it rested on was withdrawn.")
                    % {"party": involvement.party},
                ),
            )
        for handover in effects.handovers:
            HANDOVER_FLOW.move(
                handover,
                HandoverStatus.WITHDRAWN,
                source=HandoverStatus.PENDING,
                stale=_("The handover was answered in the meantime."),
                decided_at=now,
                decided_by=actor.user,
                decided_by_name=actor.user.display_name if actor.user is not None else "",
                reason=_("The consent it rested on was withdrawn."),
            )
            record(actor, action="update", object_type="handover", object_id=str(handover.pk),
                   household_id=household.pk, basis="consent:withdrawn")  # fmt: skip
        for decision in effects.addresses:
            addresses.revoke_on_withdrawn_consent(actor, household, decision)
        for lift in effects.shared_items:
            ShieldDecision.objects.create(
                household=household, item_type=lift.item_type, item_id=lift.item_id, person_id=lift.person_id,
                shielded=True, reason=_("The consent it was shared on was withdrawn."), by=actor.user,
                by_organisation=actor.organisation,
            )  # fmt: skip
            record(actor, action="update", object_type="shield", object_id=f"{lift.item_type}:{lift.item_id}",
                   household_id=household.pk, person_id=lift.person_id, basis="consent:withdrawn")  # fmt: skip
        _tell_regisseur(actor, household, effects)
        _tell_those_cut_off(actor, household, effects)
        if effects.involvements:
            _end_regie_without_access(actor, household)
            close_if_nobody_left(actor, household)
    return effects


def _tell_those_cut_off(actor: Actor, household: Household, effects: Effects) -> None:
    """The case workers of every party whose involvement or handover ended are told, so that nobody works
    on in the dark (the title names the household's reference only)."""
    teams = {i.team_id for i in effects.involvements if i.team_id} | {h.to_team_id for h in effects.handovers}
    organisations = {
        i.organisation_id for i in effects.involvements if i.team_id is None and i.organisation_id
    }
    users = set(
        Membership.objects.active()
        .filter(role__in=CASEWORK_ROLES)
        .filter(Q(team_id__in=teams) | Q(organisation_id__in=organisations, team__isnull=True))
        .values_list("user_id", flat=True)
    )
    if actor.user is not None:
        users.discard(actor.user.pk)
    if users:
        notify(
            users,
            _("Consent withdrawn for %(reference)s: your access or request on it has ended")
            % {"reference": household.reference},
            "/mijn-werk/",
        )


def _end_regie_without_access(actor: Actor, household: Household) -> None:
    """A regisseur whose access rested on the withdrawn consent no longer sees the household: regie ends
    (the household shows up without a regisseur), and the regisseur and the mandate giver are told."""
    regie = current_regie(household)
    if regie is None or memberships_seeing(household).filter(pk=regie.membership_id).exists():
        return
    Regie.objects.filter(pk=regie.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(),
        end_reason=_("The regisseur's access rested on a consent that was withdrawn."),
    )
    record(actor, action="end", object_type="regie", object_id=str(regie.pk), household_id=household.pk,
           basis="consent:withdrawn")  # fmt: skip
    notify(
        {regie.user_id, regie.mandated_by_id},
        _("Regie of %(reference)s ended: the consent it rested on was withdrawn")
        % {"reference": household.reference},
        "/mijn-werk/",
    )


def _tell_regisseur(actor: Actor, household: Household, effects: Effects) -> None:
    """The regisseur hears of every withdrawal that ended something (also when it was her own doing: the
    notification stays as the record of what to arrange next)."""
    regie = current_regie(household)
    if regie is None or not effects.anything:
        return
    title = _("Consent withdrawn for %(reference)s: %(count)d things ended") % {
        "reference": household.reference,
        "count": len(effects.involvements)
        + len(effects.handovers)
        + len(effects.addresses)
        + len(effects.shared_items),
    }
    notify([regie.user_id], title, f"/huishoudens/{household.reference}/toestemming/")
