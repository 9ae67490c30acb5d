"""The retention sweep as a daily task of the worker (scheduled by `verband.background.scheduler`)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from verband.retention import sweep
from verband.retention.models import Trigger


@task()
def sweep_retention() -> int:
    """Pseudonymise what is past its retention period; the number of households swept. Does nothing while
    `VERBAND_RETENTION_SWEEP` is off."""
    if not settings.RETENTION_SWEEP:
        return 0
    return sum(report.households for report in sweep.run(trigger=Trigger.WORKER))
