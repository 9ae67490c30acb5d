"""Retries with backoff for failed tasks.

django-tasks (0.12) and its database backend have no retries of their own. When a task run by the
database worker fails, this receiver of `task_finished` puts the same task result back in the queue
(`FAILED` → `READY`, conditionally) with `run_after = now + VERBAND_TASK_RETRY_SECONDS * 2^(attempt-1)`,
until `VERBAND_TASK_MAX_ATTEMPTS` attempts were made; then it stays failed, for the functional
administrator's list. The attempts are the worker ids the backend records on each claim, so a task result
is one row however often it was tried. Periodic sweeps are not retried: the next period is their retry."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from verband.background.scheduler import schedule

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: the base, then twice as long each time."""
    return timedelta(seconds=settings.TASK_RETRY_SECONDS * 2 ** (attempts - 1))


def retry_failed(sender: type, task_result: TaskResult, **kwargs: Any) -> None:
    if task_result.status != TaskResultStatus.FAILED or not hasattr(task_result, "db_result"):
        return  # only the database backend's results can be put back in the queue
    path = task_result.task.module_path
    if path in {periodic.task.module_path for periodic in schedule()}:
        return
    attempts = task_result.attempts
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.error("Task %s (%s) failed after %s attempts; it stays failed", task_result.id, path, attempts)
        return
    run_after = timezone.now() + backoff(attempts)
    again = DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    if again:
        logger.warning(
            "Task %s (%s) failed (attempt %s of %s); trying again at %s",
            task_result.id,
            path,
            attempts,
            settings.TASK_MAX_ATTEMPTS,
            run_after.isoformat(timespec="seconds"),
        )
