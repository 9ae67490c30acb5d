"""One household, one plan, one regisseur.

The family plan is a single living document per household. Every save writes a `PlanVersion` with a
snapshot, so every change is attributable and any two versions can be compared. Saves are optimistic:
the plan's `version` must still be the one the editor started from.

Regie: at most one current `Regie` per household (a partial unique constraint), or none — shown as
"no regisseur yet". Handing regie over is a `RegieTransfer` that takes effect only when the receiver
accepts it, naming the line manager who gave the mandate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed with the household")
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")


class Agreement(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    AGREES = "agrees", _("Agrees")
    PARTLY = "partly", _("Agrees in part")
    DISAGREES = "disagrees", _("Does not agree")


class FamilyPlan(models.Model):
    household = models.OneToOneField("households.Household", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(_("plan status"), max_length=20, choices=PlanStatus.choices, default="draft")
    household_wishes = models.TextField(_("what the household itself wants"), max_length=4000, blank=True)
    household_agreement = models.CharField(
        _("does the household agree?"), max_length=20, choices=Agreement.choices, default="not_asked"
    )
    agreement_note = models.CharField(_("about the agreement"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)  # 0: nothing saved yet
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("family plan")
        verbose_name_plural = _("family plans")

    def __str__(self) -> str:
        return f"Plan {self.household}"


class PlanVersion(models.Model):
    """What the plan said after one save, by whom, for which organisation."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_by_name = models.CharField(max_length=200, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    change = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class Goal(models.Model):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="goals")
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
    )
    text = models.CharField(_("goal"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SafetyAgreement(models.Model):
    """A safety agreement or condition, and who monitors it."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
    )
    text = models.CharField(_("agreement or condition"), max_length=500)
    monitored_by = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("monitored by")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# An owner reports progress on an action; the plan is the household's living agreement, so a status set
# by mistake may be corrected: every status may follow every other.
ACTION_FLOW = StateMachine(
    "plan action",
    {status: set(ActionStatus.values) - {status} for status in ActionStatus.values},
    choices=ActionStatus,
)


class PlanAction(models.Model):
    """Something a partner does, for a member or the household, by a date."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="actions")
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
    )
    text = models.CharField(_("action"), max_length=500)
    owner_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="plan_actions", verbose_name=_("owner")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("person"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default="open")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["owner_organisation", "status"])]

    def __str__(self) -> str:
        return self.text

    @property
    def overdue(self) -> bool:
        return (
            self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
            and self.due_on < timezone.localdate()
        )


class MandateStatus(models.TextChoices):
    REQUESTED = "requested", _("mandate requested")
    CONFIRMED = "confirmed", _("mandate confirmed")
    REFUSED = "refused", _("mandate refused")


class Regie(models.Model):
    """A period in which one professional is the household's regisseur, on a mandate from a line manager.
    The line manager named confirms the mandate (or refuses it, which ends the regie); until then the regie
    shows "mandate requested" and the escalation engine watches it."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="regies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="regies")
    membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    mandated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mandate_note = models.CharField(_("about the mandate"), max_length=300, blank=True)
    mandate_status = models.CharField(
        _("mandate"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.REQUESTED
    )
    mandate_answered_at = models.DateTimeField(null=True, blank=True)
    mandate_answer_note = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(ended_at__isnull=True), name="one_current_regisseur"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.household}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A request for regie waits for its receiver: accepted or declined; the asker may withdraw it.
TRANSFER_FLOW = StateMachine(
    "regie transfer",
    {TransferStatus.PENDING: {TransferStatus.ACCEPTED, TransferStatus.DECLINED, TransferStatus.WITHDRAWN}},
    choices=TransferStatus,
)


class RegieTransfer(models.Model):
    """A request that someone takes up (or takes over) regie. Nothing changes until they accept."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="regie_transfers"
    )
    to_membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="regie_requests"
    )
    from_regie = models.ForeignKey(Regie, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default="pending")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="pending"), name="one_pending_regie_transfer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_user} — {self.household} ({self.status})"
