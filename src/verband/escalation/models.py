"""Norms per region and escalations that climb a ladder until someone decides.

An escalation is about one stalled item (an activation nobody took up, an overdue plan action, an
unanswered handover, help waiting too long, a household without a regisseur) or an explicit
disagreement. Its texts name kinds and household references, never persons: managers and the tactical
platform on the higher steps see no personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class RegionNorms(models.Model):
    """The time norms of one region, in working days (weekends and Dutch public holidays excluded)."""

    region = models.OneToOneField("network.Region", on_delete=models.CASCADE, related_name="norms")
    handover_days = models.PositiveSmallIntegerField(
        _("handover answered within"), default=3, help_text=_("Referral, scaling up or down, regie transfer.")
    )
    first_contact_days = models.PositiveSmallIntegerField(
        _("first contact within (after a partner is involved for help)"), default=2
    )
    assessment_days = models.PositiveSmallIntegerField(
        _("safety assessment within (after the signal)"), default=5
    )
    action_grace_days = models.PositiveSmallIntegerField(
        _("plan action escalates after being overdue for"), default=2
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("help starts within (waiting time)"),
        default=10,
        help_text=_("A kind of help can have its own norm."),
    )
    no_regisseur_days = models.PositiveSmallIntegerField(
        _("a household has a regisseur within (after the first partner is involved)"), default=5
    )
    step_regisseur_days = models.PositiveSmallIntegerField(_("regisseur decides within"), default=2)
    step_line_manager_days = models.PositiveSmallIntegerField(_("line manager decides within"), default=2)
    step_coordinator_days = models.PositiveSmallIntegerField(
        _("network coordinator or manager decides within"), default=5
    )
    meeting_interval_days = models.PositiveSmallIntegerField(
        _("case meeting every (calendar days)"), default=14
    )

    class Meta:
        verbose_name = _("norms of a region")
        verbose_name_plural = _("norms of regions")

    def __str__(self) -> str:
        return str(self.region)

    def step_days(self, step: int) -> int | None:
        """Working days a step has to decide; None on the last step (the tactical platform)."""
        return {
            Step.REGISSEUR: self.step_regisseur_days,
            Step.LINE_MANAGER: self.step_line_manager_days,
            Step.COORDINATOR: self.step_coordinator_days,
        }.get(Step(step))


class Step(models.IntegerChoices):
    REGISSEUR = 1, _("Regisseur or the one responsible")
    LINE_MANAGER = 2, _("Line manager")
    COORDINATOR = 3, _("Network coordinator or manager")
    TACTICAL = 4, _("Tactical platform")


class EscalationKind(models.TextChoices):
    SIGNAL_NOT_ACCEPTED = "signal_not_accepted", _("Signal not taken up")
    FIRST_CONTACT_LATE = "first_contact_late", _("First contact late")
    ASSESSMENT_LATE = "assessment_late", _("Safety assessment late")
    ACTION_OVERDUE = "action_overdue", _("Plan action overdue")
    HANDOVER_UNANSWERED = "handover_unanswered", _("Handover unanswered")
    WAITING_OVER_NORM = "waiting_over_norm", _("Waiting time over the norm")
    NO_REGISSEUR = "no_regisseur", _("No regisseur")
    DISAGREEMENT = "disagreement", _("Partners disagree — decide")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Decided")
    CLEARED = "cleared", _("Stall ended")


# An escalation is open until the person it lies with decides, or the stall ends by itself.
ESCALATION_FLOW = StateMachine(
    "escalation",
    {EscalationStatus.OPEN: {EscalationStatus.RESOLVED, EscalationStatus.CLEARED}},
    choices=EscalationStatus,
)


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
                condition=Q(status="open"),
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
