"""The steering refresh as a periodic task of the worker (scheduled by `verband.background.scheduler`
every VERBAND_STEERING_REFRESH_SECONDS)."""

from __future__ import annotations

from django_tasks import task

from verband.steering.engine import refresh


@task()
def refresh_steering() -> int:
    """Recompute every indicator from the source tables; the number of stored values."""
    return refresh()
