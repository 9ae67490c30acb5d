"""The steering store: numbers only, never persons. `IndicatorValue` holds every indicator per series,
dimension (region, network, organisation, team, area, or "all"), grain and period, recomputed in full by
`verband.steering.engine.refresh`; `Calendar` is the day table the engine's SQL joins for periods and
working days; `RefreshRun` records each recompute."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Calendar(models.Model):
    """One row per day. `workday_no` is the number of the first working day on or after this day, counted
    from the calendar's start (weekends and Dutch public holidays are not working days): the working days
    from day A to day B are `workday_no(B) - workday_no(A)`, the same count as `verband.workdays`
    (`add_working_days(A, n)` is on or after B exactly when `workday_no(B) - workday_no(A) <= n`).
    `day_no` numbers the days, so "within 365 days" is a difference too. Periods are text keys
    ('2026-04', '2026-Q2', '2026') so no SQL dialect's date functions are needed."""

    day = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    workday_no = models.IntegerField()
    day_no = models.IntegerField()
    month = models.CharField(max_length=7)
    quarter = models.CharField(max_length=7)
    year = models.CharField(max_length=4)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return self.day.isoformat()


class IndicatorValue(models.Model):
    """One number of one indicator: for `series` ('' is the total), in `dimension` ('all', 'region',
    'network', 'organisation', 'team', 'area') unit `dimension_id` (an id as text, a 4-digit postcode, or
    'overig:<region id>' for the small areas merged), per `grain` and `period`. `n` is how many items
    (signals, activations, households …) were counted; `value` is the count, the percentage or the median,
    `p90` the 90th percentile (nearest rank)."""

    indicator = models.CharField(max_length=60)
    series = models.CharField(max_length=120, blank=True)
    dimension = models.CharField(max_length=20)
    dimension_id = models.CharField(max_length=40, blank=True)
    region_id = models.IntegerField(null=True)
    grain = models.CharField(max_length=10)
    period = models.CharField(max_length=10)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    p90 = models.FloatField(null=True)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(
                fields=["indicator", "dimension", "dimension_id", "grain", "period"],
                name="steering_value_lookup",
            ),
            models.Index(fields=["indicator", "dimension", "grain", "period"], name="steering_value_compare"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.series} {self.dimension}:{self.dimension_id} {self.period}"


class RefreshRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.IntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("steering refresh")
        verbose_name_plural = _("steering refreshes")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.rows})"
