"""The tactical and strategic platforms of a region as working bodies, and the system barriers
(knelpunten) that professionals raise and the platforms decide on.

Nothing here holds personal data, except `BarrierCase`: the household a professional linked to a barrier.
Those links are shown only to the one who made them; everyone else sees how many households a barrier
affects (a count below the small-cell threshold as "fewer than 5")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class Level(models.TextChoices):
    TACTICAL = "tactical", _("Tactical platform")
    STRATEGIC = "strategic", _("Strategic platform")


class Platform(models.Model):
    """The tactical platform (managers of the partners) or the strategic platform (executives) of a region."""

    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["region__name", "level"]
        constraints = [models.UniqueConstraint(fields=["region", "level"], name="one_platform_per_level")]

    def __str__(self) -> str:
        return self.name


class PlatformMember(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey("network.Membership", on_delete=models.CASCADE, related_name="+")
    chair = models.BooleanField(_("chair"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "membership"], name="platform_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} · {self.membership_id}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


MEETING_FLOW = StateMachine(
    "platform_meeting",
    {MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED}},
    choices=MeetingStatus,
)


class PlatformMeeting(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.platform} {self.held_on}"


class BarrierKind(models.TextChoices):
    NO_PLACE = "no_place", _("No place available")
    WAITING_LIST = "waiting_list", _("Waiting list")
    RULE_OR_FUNDING = "rule_or_funding", _("Rule or funding")
    COOPERATION = "cooperation", _("Cooperation between partners")
    OTHER = "other", _("Other")


class BarrierStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    TACTICAL = "tactical", _("On the tactical platform's agenda")
    STRATEGIC = "strategic", _("On the strategic platform's agenda")
    DECIDED = "decided", _("Decided")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another barrier")


OPEN_BARRIER = (BarrierStatus.RAISED, BarrierStatus.TACTICAL, BarrierStatus.STRATEGIC, BarrierStatus.DECIDED)

# Raised → the tactical platform's agenda (by the coordinator) → the strategic platform's agenda (by the
# sweep when the tactical deadline passed) → decided → resolved. Withdrawn by the raiser, merged by the
# coordinator into a duplicate while it is not decided.
BARRIER_FLOW = StateMachine(
    "barrier",
    {
        BarrierStatus.RAISED: {BarrierStatus.TACTICAL, BarrierStatus.WITHDRAWN, BarrierStatus.MERGED},
        BarrierStatus.TACTICAL: {
            BarrierStatus.STRATEGIC,
            BarrierStatus.DECIDED,
            BarrierStatus.WITHDRAWN,
            BarrierStatus.MERGED,
        },
        BarrierStatus.STRATEGIC: {BarrierStatus.DECIDED, BarrierStatus.WITHDRAWN, BarrierStatus.MERGED},
        BarrierStatus.DECIDED: {BarrierStatus.RESOLVED},
    },
    choices=BarrierStatus,
)


class Barrier(models.Model):
    """A bottleneck bigger than one case. Its texts name no persons (checked when written)."""

    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=BarrierKind.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=BarrierStatus.choices, default=BarrierStatus.RAISED)
    platform = models.ForeignKey(
        Platform, on_delete=models.SET_NULL, null=True, blank=True, related_name="barriers"
    )
    due_on = models.DateField(_("decide by"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("system barrier")
        verbose_name_plural = _("system barriers")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BARRIER


class BarrierSupport(models.Model):
    """Another professional runs into the same barrier ("ik loop hier ook tegenaan")."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["barrier", "user"], name="barrier_support_unique")]

    def __str__(self) -> str:
        return f"{self.barrier_id} + {self.user_id}"


class BarrierCase(models.Model):
    """A household a professional linked to a barrier. Only they see it; others see the count. Each
    professional links for themselves: a household two professionals linked is two links (and counts
    twice), so that linking never tells anyone what someone else linked."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="cases")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["barrier", "household", "linked_by"], name="barrier_case_unique")
        ]

    def __str__(self) -> str:
        return f"{self.barrier_id} ~ {self.household_id}"


class AgendaSource(models.TextChoices):
    BARRIER = "barrier", _("System barrier")
    ESCALATION = "escalation", _("Escalation")
    INDICATOR = "indicator", _("Indicator off its norm")


class AgendaStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Dealt with")


AGENDA_FLOW = StateMachine("agenda_item", {AgendaStatus.OPEN: {AgendaStatus.DONE}}, choices=AgendaStatus)


class AgendaItem(models.Model):
    """An item on a platform's agenda: on a planned meeting, or on the standing list (`meeting` empty)
    until a meeting is planned. Its texts name kinds, organisations and dates, never persons."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="items")
    meeting = models.ForeignKey(
        PlatformMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    source = models.CharField(max_length=12, choices=AgendaSource.choices)
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    escalation = models.ForeignKey(
        "escalation.Escalation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An indicator off its norm: its key and period ("assessment_in_time@2026-Q3"), so that each period's
    # miss is put on the agenda once, however often the indicators are refreshed.
    indicator = models.CharField(max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(max_length=10, choices=AgendaStatus.choices, default=AgendaStatus.OPEN)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "escalation"],
                condition=Q(escalation__isnull=False),
                name="one_item_per_escalation",
            ),
            models.UniqueConstraint(
                fields=["platform", "indicator"],
                condition=~Q(indicator=""),
                name="one_item_per_indicator_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead partner")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


DECISION_FLOW = StateMachine(
    "platform_decision", {DecisionStatus.OPEN: {DecisionStatus.DONE}}, choices=DecisionStatus
)


class Decision(models.Model):
    """What a platform decided, who carries it out (a membership or an organisation) by when, and the
    outcome later. An open decision past its date is watched by the escalation engine."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        PlatformMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    barrier = models.ForeignKey(
        Barrier, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    owner_membership = models.ForeignKey(
        "network.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("done by"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # The day the engine told owner and chair the decision is overdue (once).
    overdue_told_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def owner_label(self) -> str:
        if self.owner_membership is not None:
            m = self.owner_membership
            return f"{m.user.display_name} ({m.organisation.label})"
        return self.owner_organisation.label if self.owner_organisation is not None else ""
