"""Protective measures per member of a household, with their clocks; and the closing of a case with its
assessment and aftercare.

A measure is about one member (`person`): a huisverbod, a detention or a contact or location ban about
the one who threatens; an AWARE alarm for the one threatened; a child-protection measure about a child.
A ban may name whom it protects (`protected_person`). Every measure has an end (the release date of a
detention); a huisverbod lasts 10 days from the mayor's decision and may be extended, each time by a new
decision, to at most 28 days in total (`HOUSE_BAN_MAX_DAYS`). A measure ends by itself on its end date,
or earlier with a reason; it is never deleted."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HOUSE_BAN_DAYS = 10
HOUSE_BAN_MAX_DAYS = 28
DETAIL_MAX = 300


class MeasureKind(models.TextChoices):
    HOUSE_BAN = "house_ban", _("Temporary restraining order (huisverbod)")
    CONTACT_BAN = "contact_ban", _("Contact ban")
    LOCATION_BAN = "location_ban", _("Location ban")
    DETENTION = "detention", _("Detention")
    AWARE = "aware", _("AWARE alarm")
    SUPERVISION_ORDER = "supervision_order", _("Family supervision order (OTS)")
    GUARDIANSHIP = "guardianship", _("Guardianship (voogdij)")


# What protects the one threatened: kept from every member recorded as perpetrator, and so from a partner
# working with him only, by default (`measures.shields`). An alarm, a ban naming her street.
PROTECTING = frozenset({MeasureKind.AWARE, MeasureKind.CONTACT_BAN, MeasureKind.LOCATION_BAN})
# About the one who threatens, and what those who work with the ones threatened must know: when he may
# come home or comes out (`measures.selectors.visible_measures`).
ABOUT_THE_THREAT = frozenset({MeasureKind.HOUSE_BAN, MeasureKind.DETENTION})


class MeasureQuerySet(models.QuerySet["ProtectiveMeasure"]):
    def in_force(self, on: date | None = None) -> MeasureQuerySet:
        day = on or timezone.localdate()
        return self.filter(ended_at__isnull=True, starts_on__lte=day, ends_on__gte=day)

    def running(self, on: date | None = None) -> MeasureQuerySet:
        """Not ended early and not past its end (also those that start later)."""
        return self.filter(ended_at__isnull=True, ends_on__gte=on or timezone.localdate())


class ProtectiveMeasure(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="measures")
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("about")
    )
    protected_person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("protects"),
    )
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    # The decision's date (the mayor's, the judge's) or when the measure starts; for a huisverbod both.
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    detail = models.CharField(_("detail"), max_length=DETAIL_MAX, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_membership = models.ForeignKey(
        "network.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("why it ended early"), max_length=300, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("protective measure")
        verbose_name_plural = _("protective measures")
        ordering = ["-ends_on", "-pk"]
        indexes = [
            models.Index(fields=["ended_at", "ends_on"]),
            models.Index(fields=["household", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="measure_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on} - {self.ends_on}"

    @property
    def protecting(self) -> bool:
        return self.kind in PROTECTING

    @property
    def extendable(self) -> bool:
        return self.kind == MeasureKind.HOUSE_BAN and self.ended_at is None

    def days(self) -> int:
        return (self.ends_on - self.starts_on).days

    def running_on(self, day: date) -> bool:
        return self.ended_at is None and self.ends_on >= day


class MeasureExtension(models.Model):
    """One extension of a huisverbod: the decision's date and the end before and after."""

    measure = models.ForeignKey(ProtectiveMeasure, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField(_("decision date"))
    previous_end = models.DateField()
    new_end = models.DateField(_("new end"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(new_end__gt=F("previous_end")), name="extension_extends"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.previous_end} → {self.new_end}"


# Aftercare checks after closing, in months (default 3, 6 and 12).
AFTERCARE_MONTHS = (3, 6, 12)


class Closing(models.Model):
    """The regisseur closes the case: the closing assessment (each member's safety score against the target
    of the phase the household was in) and the aftercare checks planned (tasks)."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="closings")
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phase = models.CharField(_("phase"), max_length=20)
    target = models.PositiveSmallIntegerField(_("target score"))
    # [{"person": id, "score": 1..10}] — the regisseur's closing judgement per member.
    scores = models.JSONField(_("closing scores"), default=list)
    summary = models.TextField(_("closing assessment"), max_length=4000)
    aftercare_months = models.JSONField(_("aftercare checks (months)"), default=list)
    # The involvement kept for the aftercare (the regisseur's own party), ended after the last check.
    aftercare_involvement = models.ForeignKey(
        "sharing.Involvement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-closed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.closed_at:%Y-%m-%d}"

    def targets_met(self) -> bool:
        return bool(self.scores) and all(s["score"] >= self.target for s in self.scores)
