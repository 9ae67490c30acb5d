"""Norms per region and escalations that climb a ladder until someone decides.

An escalation is about one stalled item (an activation nobody took up, an overdue plan action, an
unanswered handover, help waiting too long, a household without a regisseur, a member's request under the
AVG near or past its legal deadline, a task not done by its date) or an explicit
disagreement. Its texts name kinds and household references, never persons: managers and the tactical
platform on the higher steps see no personal data."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class Step(models.IntegerChoices):
    REGISSEUR = 1, _("Regisseur or the one responsible")
    LINE_MANAGER = 2, _("Line manager")
    COORDINATOR = 3, _("Network coordinator or manager")
    TACTICAL = 4, _("Tactical platform")


class EscalationKind(models.TextChoices):
    SIGNAL_NOT_ACCEPTED = "signal_not_accepted", _("Signal not taken up")
    UPDATE_NOT_SEEN = "update_not_seen", _("New signal not seen by a partner already involved")
    FIRST_CONTACT_LATE = "first_contact_late", _("First contact late")
    ASSESSMENT_LATE = "assessment_late", _("Safety assessment late")
    ACTION_OVERDUE = "action_overdue", _("Plan action overdue")
    HANDOVER_UNANSWERED = "handover_unanswered", _("Handover unanswered")
    WAITING_OVER_NORM = "waiting_over_norm", _("Waiting time over the norm")
    NO_REGISSEUR = "no_regisseur", _("No regisseur")
    RIGHTS_REQUEST_DUE = "rights_request_due", _("Request under the AVG: deadline near or passed")
    TASK_OVERDUE = "task_overdue", _("Task overdue (safety plan review, aftercare check)")
    DISAGREEMENT = "disagreement", _("Partners disagree — decide")
    MANDATE_UNCONFIRMED = "mandate_unconfirmed", _("Regie mandate not confirmed")
    MEMBER_QUESTION = "member_question", _("Question of a household member not answered")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Decided")
    CLEARED = "cleared", _("Stall ended")
    # Found by a first sweep over old data: older than the horizon, listed once for the coordinator
    # instead of put onto the ladder.
    LISTED = "listed", _("Listed for the coordinator")


# An escalation is open until the person it lies with decides, or the stall ends by itself. A stall older
# than the horizon is listed; the coordinator may put it onto the ladder, or it ends by itself.
ESCALATION_FLOW = StateMachine(
    "escalation",
    {
        EscalationStatus.OPEN: {EscalationStatus.RESOLVED, EscalationStatus.CLEARED},
        EscalationStatus.LISTED: {EscalationStatus.OPEN, EscalationStatus.CLEARED},
    },
    choices=EscalationStatus,
)


class DecisionKind(models.TextChoices):
    """What an escalation is decided with: always something concrete."""

    ACTION = "action", _("An action, with who does it and by when")
    REASSIGN = "reassign", _("Someone else takes it on, by a date")
    NOT_APPLICABLE = "not_applicable", _("The norm does not apply here, because …")


# A decision that the norm does not apply keeps its stall quiet for as long as the stall lasts.
QUIET_WHILE_IT_LASTS = date(9999, 12, 31)


class Escalation(models.Model):
    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, null=True, blank=True, related_name="escalations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EscalationKind.choices)
    # What stalled: e.g. ("handover", 12). Disagreements get their own id as subject.
    subject_type = models.CharField(max_length=30)
    subject_id = models.BigIntegerField()
    summary = models.CharField(_("what stalls"), max_length=300)
    # A partner's question when they ask for a decision; it may name people, so only those the
    # escalation is put to (and the asker) read it.
    question = models.TextField(_("question"), blank=True)
    # Memberships that should act besides the regisseur, and organisations the stall waits for: their
    # line managers and managers join on the higher steps.
    owners = models.ManyToManyField("network.Membership", blank=True, related_name="+")
    parties = models.ManyToManyField("network.Organisation", blank=True, related_name="+")
    breach_since = models.DateField(_("stalled since"))
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.REGISSEUR)
    step_due_on = models.DateField(_("decide by"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(max_length=300, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decision_kind = models.CharField(
        _("kind of decision"), max_length=20, choices=DecisionKind.choices, blank=True
    )
    # An action: who does it, by when. A reassignment: who takes it on, by when. When the stall still
    # exists after that date, it reopens one step higher (`previous` of the new escalation).
    action_owner = models.ForeignKey(
        "network.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reassigned_to = models.ForeignKey(
        "network.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_due_on = models.DateField(_("done by"), null=True, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reopened_as"
    )
    # After a decision the same stall stays quiet until this day (the decision gets time to work).
    quiet_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "step_due_on"]),
            models.Index(fields=["household", "status"]),
        ]
        constraints = [
            # Two workers finding the same stall open one escalation.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(status__in=["open", "listed"]),
                name="one_open_escalation_per_stall",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status == EscalationStatus.OPEN


class EscalationRecipient(models.Model):
    """Who the escalation was put to, at which step. They (and only they) see it."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="recipients")
    membership = models.ForeignKey("network.Membership", on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["escalation", "membership", "step"], name="recipient_unique")
        ]
        indexes = [models.Index(fields=["membership", "escalation"])]

    def __str__(self) -> str:
        return f"{self.escalation_id} → {self.membership_id} ({self.step})"
