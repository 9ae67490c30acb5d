"""The household's own door ("Thuis"): a member of a household, invited by the regisseur, signs in to
see their own part of the plan.

A `MemberAccess` is one invitation of one member, and — once the member redeemed its one-time code —
that member's account (`user`, a `User` with `household_member` set, confined to /thuis/). The code is
stored as a hash only, is good once and expires. The regisseur cuts an access off at once (`cut_off_at`);
an access that was cut off stays as the record of who had access when, and a new invitation is a new
access. At most one open access (not cut off) per member of a household."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.plans.models import Agreement

# Letters and digits that are hard to mix up when read from a letter (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4


def new_code() -> str:
    """A one-time invitation code, in groups for reading aloud or from a letter: "ABCD-EFGH-JKMN-PQRS"
    (16 characters of 31: about 79 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def normalise_code(typed: str) -> str:
    """The code as typed, in any case, with or without dashes and spaces."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def hash_code(typed: str) -> str:
    return hashlib.sha256(normalise_code(typed).encode()).hexdigest()


class MemberAccessQuerySet(models.QuerySet["MemberAccess"]):
    def open(self) -> MemberAccessQuerySet:
        """Not cut off: an invitation still to redeem, or an account in use."""
        return self.filter(cut_off_at__isnull=True)

    def active(self) -> MemberAccessQuerySet:
        """An account in use: redeemed and not cut off."""
        return self.open().filter(user__isnull=False, user__is_active=True)


class MemberAccess(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_access",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_by_name = models.CharField(max_length=200, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    cut_off_at = models.DateTimeField(null=True, blank=True)
    cut_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cut_off_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = MemberAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("member access")
        verbose_name_plural = _("member accesses")
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(cut_off_at__isnull=True),
                name="one_open_member_access",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.cut_off_at is None

    @property
    def redeemable(self) -> bool:
        return self.is_open and self.redeemed_at is None and self.code_expires_at > timezone.now()


# --- What a member says and asks at their door ---------------------------------------------------------
# Each is one member's own: a member reads only their own; a professional reads it where their scope sees
# that member (`verband.portal.member_selectors`). Kept as written (a history): the latest counts.


class MemberWords(models.Model):
    """A member's own words and wishes for the plan, in their own words. Every change is a new row."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("your words and wishes"), max_length=2000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("words of a member")
        verbose_name_plural = _("words of members")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["household", "person", "at"])]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}"


class VersionResponse(models.Model):
    """A member's answer to a version of the plan: agrees, agrees in part or disagrees, with a note. Kept
    with the version; a new answer to the same version is a new row (the latest counts)."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="member_responses"
    )
    agreement = models.CharField(_("do you agree?"), max_length=20, choices=Agreement.choices)
    note = models.TextField(_("what you want to add"), max_length=1000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer of a member to a plan version")
        verbose_name_plural = _("answers of members to plan versions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.person_id}"


class MemberMessage(models.Model):
    """One message of a member's thread with their regisseur: a question of the member (`from_member`) or
    the regisseur's answer. A question is answered (`answered_at`) by the first answer after it."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    from_member = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("message"), max_length=2000)
    at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the member saw an answer (an answer not seen yet is shown when they next sign in).
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message of a member's thread")
        verbose_name_plural = _("messages of members' threads")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["household", "person", "at"]),
            models.Index(fields=["from_member", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}:{self.pk}"


class MemberFeedback(models.Model):
    """A member's feedback on the help and the plan: a score from 1 to 5 and, if they like, words."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    text = models.TextField(_("what you want to tell us"), max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback of a member")
        verbose_name_plural = _("feedback of members")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="member_feedback_score")
        ]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}:{self.score}"


class MeetingInvitation(models.Model):
    """A member of a household invited to a case meeting about their household, by whoever plans it."""

    meeting = models.ForeignKey(
        "collaboration.CaseMeeting", on_delete=models.CASCADE, related_name="member_invitations"
    )
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invitation of a member to a meeting")
        verbose_name_plural = _("invitations of members to meetings")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "household", "person"], name="member_invited_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"
