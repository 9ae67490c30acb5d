"""The schedule of the periodic sweeps, kept in the database so that any number of schedulers (one in
each worker, on any number of machines) enqueue each period of a sweep once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """The last period a periodic task was enqueued for. A scheduler claims a period with a conditional
    UPDATE (`period_start < the new period`), so a second scheduler in the same period updates nothing
    and enqueues nothing."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    period_start = models.DateTimeField(_("period start"), null=True)
    # The task result of the run enqueued last (django-tasks ids are strings; the database backend's are
    # UUIDs). No foreign key: pruning task results must not touch the schedule.
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return self.name
