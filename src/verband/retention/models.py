"""What the retention sweep did: a report per run and region, the households it swept (with the closing it
counted from) and the persons it pseudonymised. These rows hold no personal data: counts, dates, kinds
of organisation and household references."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    WORKER = "worker", _("Worker (daily)")
    COMMAND = "command", _("By hand (command)")


class RetentionRun(models.Model):
    """One run of the sweep for one region: when, how many households, persons and items, per kind of
    organisation whose period decided, and what failed (household reference and kind of error only)."""

    region = models.ForeignKey(
        "network.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The periods the run applied (the configuration file as it was), so a report can be checked later.
    terms = models.JSONField(_("retention periods applied"), default=dict)
    households = models.PositiveIntegerField(_("households"), default=0)
    persons = models.PositiveIntegerField(_("persons pseudonymised"), default=0)
    items = models.JSONField(_("items"), default=dict)  # {item key: rows cleared or deleted}
    per_kind = models.JSONField(_("per kind of organisation"), default=dict)  # {kind: households}
    skipped = models.PositiveIntegerField(_("left alone (in use again)"), default=0)
    errors = models.JSONField(_("errors"), default=list)  # [{"household": reference, "error": class name}]

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["region", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.region} {self.started_at:%Y-%m-%d %H:%M}"


class SweptHousehold(models.Model):
    """A household whose retention period was over, swept from the closing it counted from. A household
    opened again and closed later is swept again for that later closing."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    closed_at = models.DateTimeField(_("closed at"))
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="swept")
    expired_on = models.DateField(_("retention period ended on"))
    kind = models.CharField(_("kind of organisation whose period decided"), max_length=40, blank=True)
    swept_at = models.DateTimeField(_("swept at"), default=timezone.now)

    class Meta:
        verbose_name = _("swept household")
        verbose_name_plural = _("swept households")
        constraints = [
            models.UniqueConstraint(fields=["household", "closed_at"], name="swept_once_per_closing")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} ({self.expired_on})"


class PseudonymisedPerson(models.Model):
    """A person whose every household was swept: names, BSN, day and month of birth, contact details,
    addresses, relations and blocking keys are gone; the year of birth and sex stay for the counts."""

    person = models.OneToOneField("households.Person", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="pseudonymised")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pseudonymised person")
        verbose_name_plural = _("pseudonymised persons")

    def __str__(self) -> str:
        return f"person {self.person_id}"
