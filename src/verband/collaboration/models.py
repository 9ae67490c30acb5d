"""Warm handovers (referral, scale up, scale down) and help deployed per member.

A handover changes nothing until the receiving team accepts: the sender stays responsible, and a
handover left unanswered past its norm escalates. Regie transfers live with the plan
(`plans.RegieTransfer`) and are treated as handovers by the escalation engine and the monitor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class HandoverKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    SCALE_UP = "scale_up", _("Scale up")
    SCALE_DOWN = "scale_down", _("Scale down")


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A handover waits for the receiving team: it accepts or rejects; the sender may withdraw it.
HANDOVER_FLOW = StateMachine(
    "handover",
    {HandoverStatus.PENDING: {HandoverStatus.ACCEPTED, HandoverStatus.REJECTED, HandoverStatus.WITHDRAWN}},
    choices=HandoverStatus,
)


class Handover(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="handovers")
    kind = models.CharField(_("kind"), max_length=20, choices=HandoverKind.choices)
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
        help_text=_("Empty: the whole household."),
    )
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey(
        "network.Team", on_delete=models.PROTECT, related_name="incoming_handovers", verbose_name=_("to")
    )
    question = models.CharField(_("what you ask"), max_length=1000)
    requested_at = models.DateTimeField(default=timezone.now)
    norm_working_days = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["to_team", "status"])]
        constraints = [
            # One open question per receiver, kind and member: asking twice is a double click.
            models.UniqueConstraint(
                fields=["household", "to_team", "kind", "person"],
                condition=Q(status="pending"),
                name="one_pending_handover_per_receiver",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household} → {self.to_team}"


class FundingStream(models.TextChoices):
    WMO = "wmo", _("Wmo (social support)")
    JEUGDWET = "jeugdwet", _("Youth Act")
    ZVW = "zvw", _("Health insurance (Zvw)")
    WLZ = "wlz", _("Long-term care (Wlz)")
    FORENSIC = "forensic", _("Forensic care")
    BREAKTHROUGH = "breakthrough", _("Breakthrough budget")
    NONE = "none", _("No funding needed")


class HelpKind(models.Model):
    """The region's catalogue of kinds of help (e.g. shelter place, perpetrator programme)."""

    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="help_kinds")
    name = models.CharField(_("name"), max_length=120)
    default_funding = models.CharField(
        _("usual funding"), max_length=20, choices=FundingStream.choices, blank=True
    )
    waiting_norm_working_days = models.PositiveSmallIntegerField(
        _("waiting time norm (working days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the region's norm."),
    )
    active = models.BooleanField(_("active"), default=True)
    # A place to stay away from home (a shelter place): where she is. Help of such a kind for a victim, a
    # child or the household is kept from the perpetrator by default, also before a provider is chosen
    # (`collaboration.shields`), and never goes into the export for a perpetrator (`rights.export`).
    shelter = models.BooleanField(
        _("shelter place"),
        default=False,
        help_text=_("A place to stay away from home: kept from the perpetrator, also without a provider."),
    )

    class Meta:
        verbose_name = _("kind of help")
        verbose_name_plural = _("kinds of help")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="help_kind_unique_per_region")]

    def __str__(self) -> str:
        return self.name


class ProviderCapacity(models.Model):
    """How many of a kind of help a provider can give at once (e.g. 10 shelter places)."""

    team = models.ForeignKey("network.Team", on_delete=models.CASCADE, related_name="capacities")
    kind = models.ForeignKey(HelpKind, on_delete=models.CASCADE, related_name="capacities")
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("provider capacity")
        verbose_name_plural = _("provider capacities")
        constraints = [models.UniqueConstraint(fields=["team", "kind"], name="capacity_unique")]

    def __str__(self) -> str:
        return f"{self.team}: {self.places} x {self.kind}"


class HelpStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    WAITING = "waiting", _("On the waiting list")
    NO_PROVIDER = "no_provider", _("No provider accepts")
    STARTED = "started", _("Started")
    ENDED = "ended", _("Ended")


# Help moves requested → waiting → started → ended; "no provider accepts" may be left for any step.
HELP_FLOW = StateMachine(
    "help",
    {
        HelpStatus.REQUESTED: {
            HelpStatus.WAITING,
            HelpStatus.NO_PROVIDER,
            HelpStatus.STARTED,
            HelpStatus.ENDED,
        },
        HelpStatus.WAITING: {HelpStatus.STARTED, HelpStatus.NO_PROVIDER, HelpStatus.ENDED},
        HelpStatus.NO_PROVIDER: {
            HelpStatus.REQUESTED,
            HelpStatus.WAITING,
            HelpStatus.STARTED,
            HelpStatus.ENDED,
        },
        HelpStatus.STARTED: {HelpStatus.ENDED},
    },
    choices=HelpStatus,
)


# Help that has not started yet: its waiting time is still running.
WAITING_STATUSES = (HelpStatus.REQUESTED, HelpStatus.WAITING, HelpStatus.NO_PROVIDER)


class Help(models.Model):
    """Help deployed for one member (or the household): who gives it, paid from what, and when."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="help")
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
    )
    kind = models.ForeignKey(
        HelpKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of help")
    )
    provider = models.ForeignKey(
        "network.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_given",
        verbose_name=_("provider"),
    )
    funding = models.CharField(_("funding"), max_length=20, choices=FundingStream.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=HelpStatus.choices, default=HelpStatus.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("help")
        verbose_name_plural = _("help")
        ordering = ["requested_on", "pk"]
        indexes = [
            models.Index(fields=["status", "requested_on"]),
            models.Index(fields=["provider", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def waiting_working_days(self) -> int:
        """Working days from the request to the start (or to today, while it has not started)."""
        from verband.workdays import working_days_between

        end = (
            self.started_on
            or (self.ended_on if self.status == HelpStatus.ENDED else None)
            or timezone.localdate()
        )
        return max(0, working_days_between(self.requested_on, end))


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# A planned case meeting is held (with its minutes) or cancelled.
MEETING_FLOW = StateMachine(
    "meeting", {MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED}}, choices=MeetingStatus
)


class CaseMeeting(models.Model):
    """A case meeting of a network (or ad hoc about one household): an agenda of households, the partners
    who contribute, decisions that become owned actions in each family plan, and minutes."""

    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("network"),
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chair_membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    experience_expert = models.ForeignKey(
        "network.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("experience expert"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [models.Index(fields=["network", "status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.network or _('Ad hoc')} {self.scheduled_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="items")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(default=0)
    # A household member who joins for this household (optional; the meeting is about them, with them).
    member_present = models.ForeignKey(
        "households.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household member present"),
    )
    changes = models.JSONField(default=list)  # what changed since the previous meeting, kept when held
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "household"], name="agenda_household_once")]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.household}"


class MeetingParticipant(models.Model):
    """A partner organisation at the table; `present` is recorded when the meeting is held."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(null=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="participant_once")]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.organisation}"
