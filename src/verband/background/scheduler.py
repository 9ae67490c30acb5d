"""The scheduler of the periodic tasks: each period of each task is enqueued once, however many
schedulers run (one in every `manage.py worker`, on any number of machines).

A period is claimed in the database by a conditional UPDATE of the task's `PeriodicRun` row
(`period_start < the new period`) in the same transaction as the enqueue (the database backend's task
row): a second scheduler in the same period updates nothing and enqueues nothing, and a crash between
claim and enqueue rolls both back. A sweep whose previous run still waits in the queue is not enqueued
again (no pile-up when a sweep takes longer than its interval)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

from verband.background.models import PeriodicRun
from verband.notifications.services import send_digest
from verband.retention.tasks import sweep_retention
from verband.steering.tasks import refresh_steering
from verband.worker import SWEEPS

logger = logging.getLogger(__name__)

# Finished task results are kept this long, failed ones longer (the functional administrator's list).
KEEP_SUCCESSFUL_DAYS = 2
KEEP_FAILED_DAYS = 30

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@task()
def prune_task_results() -> None:
    """Delete finished task results: successful ones after two days, failed ones after thirty."""
    call_command(
        "prune_db_task_results",
        min_age_days=KEEP_SUCCESSFUL_DAYS,
        failed_min_age_days=KEEP_FAILED_DAYS,
        verbosity=0,
    )


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task
    every: timedelta


def schedule() -> list[Periodic]:
    every = timedelta(seconds=settings.WORKER_INTERVAL_SECONDS)
    return [Periodic(name, sweep, every) for name, sweep in SWEEPS] + [
        Periodic("prune_task_results", prune_task_results, timedelta(days=1)),
        # Daily: closed households past their retention period (verband.retention).
        Periodic("retention", sweep_retention, timedelta(days=1)),
        # Hourly: the daily e-mail digest of the users who chose it goes once a day, from its hour on.
        Periodic("digest", send_digest, timedelta(hours=1)),
        # The steering indicators, recomputed in full (verband.steering.engine).
        Periodic("steering", refresh_steering, timedelta(seconds=settings.STEERING_REFRESH_SECONDS)),
    ]


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period `now` falls in: periods are counted from a fixed moment, so every
    scheduler on every machine agrees on them."""
    return _EPOCH + ((now - _EPOCH) // every) * every


def _still_waiting(periodic: Periodic, task_id: str) -> bool:
    if not task_id:
        return False
    try:
        result = periodic.task.get_result(task_id)
    except TaskResultDoesNotExist:
        return False
    return result.status == TaskResultStatus.READY


def claim(periodic: Periodic, now: datetime) -> bool:
    """Enqueue `periodic` for the period `now` falls in, unless a scheduler did already (or its previous
    run is still waiting in the queue). True when this call enqueued it."""
    start = period_start(now, periodic.every)
    PeriodicRun.objects.get_or_create(name=periodic.name)
    with transaction.atomic():
        run = PeriodicRun.objects.get(name=periodic.name)
        if _still_waiting(periodic, run.task_id):
            return False
        claimed = (
            PeriodicRun.objects.filter(name=periodic.name)
            .filter(Q(period_start__isnull=True) | Q(period_start__lt=start))
            .update(period_start=start)
        )
        if not claimed:
            return False
        result = periodic.task.enqueue()
        PeriodicRun.objects.filter(name=periodic.name).update(task_id=result.id)
    return True


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Claim and enqueue every periodic task whose period has not been enqueued yet."""
    moment = now or timezone.now()
    done = []
    for periodic in schedule():
        try:
            if claim(periodic, moment):
                done.append(periodic.name)
        except Exception:
            logger.exception("Could not schedule %s; trying again at the next tick", periodic.name)
    return done


def run(stop: threading.Event) -> None:
    """The scheduler loop (a thread of `manage.py worker`): look at the schedule a few times per period
    until `stop` is set."""
    tick = min(5.0, max(0.5, settings.WORKER_INTERVAL_SECONDS / 2))
    try:
        while not stop.is_set():
            enqueue_due()
            close_old_connections()
            stop.wait(tick)
    finally:
        connection.close()
