"""Getting in at the household's door, and being cut off: the regisseur invites a member (`invite`), the
member redeems the one-time code and sets up sign-in (`redeem`), and the regisseur stops an access at once
(`cut_off`).

Only the household's current regisseur invites and cuts off (a privacy officer of the regisseur's
organisation may cut off too). A member gets access as an adult or as a child from 12 (the age from which
Dutch law gives a child a say of their own); an unknown year of birth is refused, as no one can tell.
The code is shown once and stored as a hash. The timeline line names no one: a partner who sees only one
member of the household must not learn that another member has a door of their own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.accounts.models import User
from verband.actors import Actor, Channel
from verband.households.models import EventKind, Household, HouseholdMember, Person
from verband.network.models import Role
from verband.notifications.services import notify
from verband.plans.models import Regie
from verband.portal.models import MemberAccess, hash_code, new_code
from verband.sharing.accesslog import record
from verband.text import refuse_nul
from verband.workflow import happened

# From this age a child may have an access of their own.
MINIMUM_AGE = 12


def current_regie_of(household: Household) -> Regie | None:
    return Regie.objects.filter(household_id=household.pk, ended_at__isnull=True).first()


def is_regisseur(actor: Actor, household: Household, regie: Regie | None = None) -> bool:
    """The actor is the household's current regisseur, acting for the organisation of the regie."""
    if actor.channel != Channel.WEB or actor.user is None or actor.membership is None:
        return False
    regie = regie if regie is not None else current_regie_of(household)
    return (
        regie is not None
        and regie.user_id == actor.user.pk
        and actor.membership.organisation_id == regie.organisation_id
    )


def may_cut_off(actor: Actor, household: Household) -> bool:
    """The regisseur, or a privacy officer of the regisseur's organisation."""
    regie = current_regie_of(household)
    if is_regisseur(actor, household, regie):
        return True
    return (
        regie is not None
        and actor.channel == Channel.WEB
        and actor.membership is not None
        and actor.membership.role == Role.PRIVACY_OFFICER
        and actor.membership.organisation_id == regie.organisation_id
    )


def age_on(person: Person, day: date) -> int | None:
    """The person's age on `day` in whole years, counted safely from a partial date of birth: with only
    the year (or year and month) known, the youngest age the person can have. None without a year."""
    if not person.birth_year:
        return None
    born = person.date_of_birth
    if born is None:
        # Without the day (or month), assume the latest date in what is known: never older than true.
        month = person.birth_month or 12
        born = date(person.birth_year, month, 1) + relativedelta(months=1, days=-1)
    return relativedelta(day, born).years


def door_refusal(person: Person, today: date | None = None) -> str:
    """Why this person cannot be invited (empty if they can)."""
    age = age_on(person, today or timezone.localdate())
    if age is None:
        return _(
            "The year of birth is not known: record it first, so that we know the member is 12 or older."
        )
    if age < MINIMUM_AGE:
        return _("Children get their own access to the household's door from the age of 12.")
    return ""


def _deny(actor: Actor, household: Household, object_type: str, object_id: str = "") -> None:
    record(
        actor,
        action="update",
        object_type=object_type,
        object_id=object_id,
        household_id=household.pk,
        outcome="denied",
    )


def invite(actor: Actor, household: Household, person: Person) -> tuple[MemberAccess, str]:
    """An invitation of `person` to the household's door: the access and its one-time code (shown once,
    stored only as a hash). Only the current regisseur invites, only a member of the household who is 12
    or older, and only one open access per member."""
    if not is_regisseur(actor, household):
        _deny(actor, household, "member_access")
        raise PermissionDenied
    if not HouseholdMember.objects.filter(household_id=household.pk, person_id=person.pk).exists():
        _deny(actor, household, "member_access")
        raise PermissionDenied
    reason = door_refusal(person)
    if reason:
        raise ValidationError(reason)
    if MemberAccess.objects.open().filter(household_id=household.pk, person_id=person.pk).exists():
        raise ValidationError(_("This member already has an invitation or an access. Stop it first."))
    code = new_code()
    now = timezone.now()
    user = actor.user
    assert user is not None
    try:
        with transaction.atomic():
            access = MemberAccess.objects.create(
                household=household,
                person=person,
                invited_by=user,
                invited_by_name=user.get_full_name() or user.username,
                invited_at=now,
                code_hash=hash_code(code),
                code_expires_at=now + timedelta(days=settings.HOUSEHOLD_INVITATION_DAYS),
            )
            happened(
                actor,
                household,
                "member_access",
                str(access.pk),
                action="create",
                person_id=person.pk,
                event=(EventKind.REGIE, _("A member was invited to the household's door.")),
            )
    except IntegrityError as error:  # Another invitation was made at the same moment.
        raise ValidationError(
            _("This member already has an invitation or an access. Stop it first.")
        ) from error
    return access, code


def cut_off(actor: Actor, access: MemberAccess, reason: str) -> MemberAccess:
    """Stop an access at once: an invitation not yet redeemed is withdrawn, an account in use is
    deactivated (its session ends on its next request). The access stays as the record; a new invitation
    makes a new access."""
    household = access.household
    if not may_cut_off(actor, household):
        _deny(actor, household, "member_access", str(access.pk))
        raise PermissionDenied
    reason = (reason or "").strip()
    refuse_nul(reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for stopping the access.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Keep the reason under 300 characters.")]})
    with transaction.atomic():
        locked = MemberAccess.objects.select_for_update().get(pk=access.pk)
        if not locked.is_open:
            raise ValidationError(_("This access was already stopped."))
        locked.cut_off_at = timezone.now()
        locked.cut_off_by = actor.user
        locked.cut_off_reason = reason
        locked.save(update_fields=["cut_off_at", "cut_off_by", "cut_off_reason"])
        if locked.user_id is not None:
            User.objects.filter(pk=locked.user_id).update(is_active=False)
        happened(
            actor,
            household,
            "member_access",
            str(locked.pk),
            action="revoke",
            person_id=locked.person_id,
            event=(EventKind.REGIE, _("An access to the household's door was stopped.")),
        )
    return locked


def redeemable_access(code: str) -> MemberAccess | None:
    """The access this one-time code opens, if it still can be redeemed."""
    access = MemberAccess.objects.filter(code_hash=hash_code(code)).first()
    return access if access is not None and access.redeemable else None


class RedeemFailed(Exception):
    """The access can no longer be redeemed (cut off, expired or redeemed meanwhile)."""


def redeem(
    access_id: int,
    *,
    username: str,
    password_hash: str,
    make_device: Any,
    actor: Actor,
    oidc_subject: str | None = None,
) -> tuple[MemberAccess, User, Any] | None:
    """Redeem the access: make the member's account (a household account, confined to the door) and its
    second factor (the password comes as its hash), and mark the access redeemed — all in one transaction. `make_device(user)` makes the
    second-factor device and proves it with the code the member typed; it returns the device, or None
    when the code was not right, and then nothing at all is written. Raises `RedeemFailed` when the
    access cannot be redeemed (any more)."""
    with transaction.atomic():
        access = MemberAccess.objects.select_for_update().filter(pk=access_id).first()
        if access is None or not access.redeemable:
            raise RedeemFailed
        user = User(username=username, household_member=True, is_active=True)
        if oidc_subject:
            user.oidc_subject = oidc_subject
        user.password = password_hash
        user.save()
        device = make_device(user)
        if device is None:
            transaction.set_rollback(True)
            return None
        access.user = user
        access.redeemed_at = timezone.now()
        access.save(update_fields=["user", "redeemed_at"])
        record(
            replace(actor, user=user, household_id=access.household_id, person_id=access.person_id),
            action="redeem",
            object_type="member_access",
            object_id=str(access.pk),
            household_id=access.household_id,
            person_id=access.person_id,
        )
        # Whoever invited hears that the code was used: if the member says it was not her (someone found
        # her letter), the regisseur stops the access at once.
        if access.invited_by_id is not None:
            reference = Household.objects.filter(pk=access.household_id).values_list("reference", flat=True)
            notify(
                [access.invited_by_id],
                _("An invitation to Thuis was used (%(reference)s): check with the member that it was them")
                % {"reference": reference.first() or ""},
                reverse("households:detail", args=[reference.first() or ""]) + "#thuis",
            )
    return access, user, device
