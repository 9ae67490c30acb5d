"""The periodic sweeps: each period of each sweep is enqueued once, however many schedulers run, and a
sweep still waiting in the queue is not enqueued again."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from verband.background import scheduler
from verband.background.models import PeriodicRun

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 2, 9, 0, 3, tzinfo=UTC)
SWEEPS = [
    "verband.worker.route_signals",
    "verband.worker.escalate",
    "verband.worker.send_mail",
    "verband.worker.seal_access_log",
]
NAMES = ["route_signals", "measure_clocks", "escalate", "send_mail", "seal_access_log"]


def enqueued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_two_schedulers_in_the_same_period_enqueue_each_sweep_once(settings):
    settings.WORKER_INTERVAL_SECONDS = 10
    first = scheduler.enqueue_due(NOW)
    assert first == [*NAMES, "prune_task_results", "retention", "digest", "steering"]
    call_command("worker", "--batch", verbosity=0, stdout=io.StringIO())  # the runs left the queue
    second = scheduler.enqueue_due(NOW + timedelta(seconds=4))  # another machine, same period
    assert second == []
    assert [enqueued(path) for path in SWEEPS] == [1, 1, 1, 1]
    run = PeriodicRun.objects.get(name="escalate")
    assert run.period_start == datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    assert DBTaskResult.objects.filter(pk=run.task_id, task_path="verband.worker.escalate").exists()


def test_the_next_period_is_enqueued_once_the_previous_run_left_the_queue(settings):
    settings.WORKER_INTERVAL_SECONDS = 10
    scheduler.enqueue_due(NOW)
    # Nobody ran the sweeps yet: the next period does not pile a second run on top.
    assert scheduler.enqueue_due(NOW + timedelta(seconds=10)) == []
    call_command("worker", "--batch", verbosity=0, stdout=io.StringIO())
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert scheduler.enqueue_due(NOW + timedelta(seconds=10)) == NAMES
    assert [enqueued(path) for path in SWEEPS] == [2, 2, 2, 2]
    # Pruning is daily.
    assert enqueued("verband.background.scheduler.prune_task_results") == 1
    assert enqueued("verband.retention.tasks.sweep_retention") == 1
    # sweeps still queued
    assert scheduler.enqueue_due(NOW + timedelta(days=1)) == [
        "prune_task_results",
        "retention",
        "digest",
        "steering",
    ]


def test_periods_are_the_same_on_every_machine():
    every = timedelta(seconds=10)
    assert scheduler.period_start(NOW, every) == datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    assert scheduler.period_start(NOW + timedelta(seconds=6), every) == datetime(
        2026, 3, 2, 9, 0, 0, tzinfo=UTC
    )
    assert scheduler.period_start(NOW + timedelta(seconds=7), every) == datetime(
        2026, 3, 2, 9, 0, 10, tzinfo=UTC
    )


def test_schedulers_at_the_same_moment_enqueue_once():
    """Four schedulers (threads with their own database connections) claim the same period at once."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need a server database (CI runs this on PostgreSQL)")
    barrier = threading.Barrier(4)
    results: list[object] = []

    def schedule() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(scheduler.enqueue_due(NOW))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=schedule) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(name for r in results for name in r) == sorted(
        [*NAMES, "prune_task_results", "retention", "digest", "steering"]
    )
    assert [enqueued(path) for path in SWEEPS] == [1, 1, 1, 1]
