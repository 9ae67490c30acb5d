"""Requests of a household member under the AVG (GDPR): access to one's data, correction, erasure and
objection. Each is recorded by a case worker who works with the household, answered within the legal month
(`due_on`), which may be extended once by up to two months with a reason (AVG art. 12(3)), and decided with
a written reason. An access request ends when its export is delivered. The escalation engine watches the
deadline (`escalation.detectors.rights_requests_due`)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta  # no stubs installed
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine

# AVG art. 12(3): one month from receipt, extended by at most two further months.
LEGAL_MONTHS = 1
MAX_EXTENSION_MONTHS = 2
# A request still open this many working days before its deadline goes onto the escalation ladder, so the
# month is kept rather than only reported as missed.
WARNING_WORKING_DAYS = 5


class RightsKind(models.TextChoices):
    ACCESS = "access", _("Access to one's data")
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Erasure")
    OBJECTION = "objection", _("Objection")


class HowReceived(models.TextChoices):
    LETTER = "letter", _("By letter")
    EMAIL = "email", _("By e-mail")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    REPRESENTATIVE = "representative", _("Through a lawyer or representative")
    DOOR = "door", _("Through the household's door (signed in)")


class RightsStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Export delivered")


# Received, then decided with a reason; a granted (or partly granted) access request ends when its export
# is delivered. The other kinds end with the decision.
RIGHTS_FLOW = StateMachine(
    "rights request",
    {
        RightsStatus.RECEIVED: {RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED, RightsStatus.REFUSED},
        RightsStatus.GRANTED: {RightsStatus.DELIVERED},
        RightsStatus.PARTLY_GRANTED: {RightsStatus.DELIVERED},
    },
    choices=RightsStatus,
)
DECIDED = (RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED, RightsStatus.REFUSED)


def legal_due(received_on: date, extension_months: int = 0) -> date:
    """The day the answer is due: a calendar month after receipt (31 January → 28 or 29 February), plus
    the extension."""
    return received_on + relativedelta(months=LEGAL_MONTHS + extension_months)


def still_open() -> Q:
    """Requests that still need an answer: not decided yet, or an access request decided but its export
    not delivered."""
    return Q(status=RightsStatus.RECEIVED) | Q(
        kind=RightsKind.ACCESS, status__in=(RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED)
    )


class RightsRequestQuerySet(models.QuerySet["RightsRequest"]):
    def open(self) -> RightsRequestQuerySet:
        return self.filter(still_open())


class RightsRequest(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="rights_requests"
    )
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("whose request")
    )
    kind = models.CharField(_("kind of request"), max_length=20, choices=RightsKind.choices)
    how_received = models.CharField(_("how it was received"), max_length=20, choices=HowReceived.choices)
    # Who asks on the member's behalf (a lawyer, a parent with parental authority for a child): required
    # when the request came through a representative. Their export is made as for the member recorded as
    # perpetrator (`rights.export`): the representative may be him, or act for him.
    representative = models.CharField(_("representative"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"))
    asked = models.TextField(_("what is asked"), max_length=4000)
    identity_checked = models.BooleanField(_("identity checked"), default=False)
    due_on = models.DateField(_("answer due on"))
    extension_months = models.PositiveSmallIntegerField(_("extended by (months)"), default=0)
    extension_reason = models.TextField(_("why it was extended"), blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=RightsStatus.choices, default=RightsStatus.RECEIVED)
    decision = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(max_length=300, blank=True)
    decided_by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Decided with the decision: the member's own confidential addresses are written out in the export
    # (only for a member who asks for themselves and is no child; else they read "geheim adres" always).
    addresses_released = models.BooleanField(_("confidential addresses written out"), default=False)
    # The last time the export was made (each time is in the access log), and when it was handed over.
    exported_at = models.DateTimeField(null=True, blank=True)
    # How many passages of free text the last export replaced by "[afgeschermd]" (for the professional).
    redacted_passages = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=300, blank=True)
    # The organisation that received the request: it answers, and its line managers are on the ladder.
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request under the AVG")
        verbose_name_plural = _("requests under the AVG")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["household", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=MAX_EXTENSION_MONTHS), name="rights_extension_at_most_two"
            ),
            # A decision always carries its reason.
            models.CheckConstraint(
                condition=Q(status=RightsStatus.RECEIVED) | ~Q(decision=""), name="rights_decision_has_reason"
            ),
            # A request through a representative says who that is.
            models.CheckConstraint(
                condition=~Q(how_received=HowReceived.REPRESENTATIVE) | ~Q(representative=""),
                name="rights_representative_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id}:{self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status == RightsStatus.RECEIVED or (
            self.kind == RightsKind.ACCESS
            and self.status in (RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED)
        )

    @property
    def through_representative(self) -> bool:
        return self.how_received == HowReceived.REPRESENTATIVE

    @property
    def first_due_on(self) -> date:
        """The deadline without extension: an extension must be decided before it."""
        return legal_due(self.received_on)

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.is_open and self.days_left < 0
