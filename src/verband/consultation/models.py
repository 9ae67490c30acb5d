"""Anonymous case consultation (anoniem casusoverleg): a network discusses a situation without identities.

A professional puts the facts and a question to the network under a reference that names no one
(`AC-2026-0007`, numbered per network and year); members of the network advise; the asker or the network's
coordinator records the conclusion. Dutch privacy practice allows this without consent because nobody can
be identified, so the texts are checked for what identifies a person (`identity.py`). If the situation
becomes a real case, a professional who works with that household links it, with a reason: from then on
the consultation belongs to the household's file, and only those who see the household see which one.
The link ends the anonymous phase: the network reads the thread, so nothing is added to it afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine

FACTS_MAX = 5000
QUESTION_MAX = 1000
ADVICE_MAX = 4000
CONCLUSION_MAX = 4000
REASON_MAX = 1000


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for advice")
    ADVISED = "advised", _("Advised")
    CLOSED = "closed", _("Concluded")


# A question waits for advice; the first advice by another member makes it advised; the conclusion (the
# asker's or the coordinator's, also straight after a discussion at the table) closes it.
CONSULTATION_FLOW = StateMachine(
    "consultation",
    {
        ConsultationStatus.OPEN: {ConsultationStatus.ADVISED, ConsultationStatus.CLOSED},
        ConsultationStatus.ADVISED: {ConsultationStatus.CLOSED},
    },
    choices=ConsultationStatus,
)


class Consultation(models.Model):
    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("network")
    )
    # Numbered per network and year, never derived from a person.
    reference = models.CharField(_("reference"), max_length=20)
    facts = models.TextField(_("the situation"))
    question = models.CharField(_("the question"), max_length=QUESTION_MAX)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_by_membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    # The link to a real case. A linked consultation is part of that household's file: it goes when the
    # household goes.
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("household"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    link_reason = models.CharField(_("reason for the link"), max_length=REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("anonymous case consultation")
        verbose_name_plural = _("anonymous case consultations")
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["network", "status", "asked_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "reference"], name="consultation_reference_per_network"
            ),
            # Linked means: by whom, when and why — never a bare link.
            models.CheckConstraint(
                condition=Q(household__isnull=True)
                | (Q(linked_by__isnull=False) & Q(linked_at__isnull=False) & ~Q(link_reason="")),
                name="consultation_link_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(conclusion="") & Q(concluded_at__isnull=False)),
                name="consultation_closed_with_a_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def linked(self) -> bool:
        return self.household_id is not None


class Advice(models.Model):
    """One contribution to the thread: advice by a member of the network, or the asker's answer to what
    the others asked (`from_asker`)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="advice")
    text = models.TextField(_("advice"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_membership = models.ForeignKey("network.Membership", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    from_asker = models.BooleanField(default=False)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation} {self.given_at:%Y-%m-%d}"
