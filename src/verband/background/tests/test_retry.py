"""A failed task is tried again with backoff, a bounded number of times, by the real worker: here the
mail server refuses notification e-mail for a while."""

from __future__ import annotations

import io
import smtplib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from verband.background.retry import backoff
from verband.network.models import Role
from verband.notifications.services import notify
from verband.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)

REFUSING = {"on": True}


class SometimesRefusingBackend(EmailBackend):
    """The test mail backend, refusing while the mail server is 'down'."""

    def send_messages(self, messages: Any) -> int:
        if REFUSING["on"]:
            raise smtplib.SMTPServerDisconnected("the mail server is down")
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SometimesRefusingBackend"
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 30
    REFUSING["on"] = True
    yield REFUSING
    REFUSING["on"] = True


def run_worker() -> None:
    call_command("worker", "--batch", verbosity=0, stdout=io.StringIO())


def mail_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path="verband.notifications.services.send_mail_to")


def test_backoff_doubles():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_failed_task_is_retried_with_backoff_until_it_succeeds(world, refusing_mail):
    user = make_user("mailbaar", world.org_a, Role.PROFESSIONAL, world.team_a1, email="m@example.org")
    notify([user], "Escalation: HH-1", "/escalaties/")

    before = timezone.now()
    run_worker()
    task = mail_task()
    # Failed once, back in the queue for 30 seconds later; the worker did not run it again at once.
    assert task.status == "READY" and len(task.worker_ids) == 1
    assert timedelta(seconds=29) < task.run_after - before < timedelta(seconds=35)
    assert task.exception_class_path == "builtins.RuntimeError"
    assert mail.outbox == []

    with time_machine.travel(task.run_after + timedelta(seconds=1)):
        run_worker()
        task.refresh_from_db()
        assert task.status == "READY" and len(task.worker_ids) == 2
        # The second wait is twice as long.
        assert timedelta(seconds=59) < task.run_after - timezone.now() <= timedelta(seconds=60)

    refusing_mail["on"] = False  # the mail server is back
    with time_machine.travel(task.run_after + timedelta(seconds=1)):
        run_worker()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 3 and task.traceback == ""
    assert [m.to for m in mail.outbox] == [["m@example.org"]]


def test_a_task_that_keeps_failing_stays_failed_after_the_last_attempt(world, refusing_mail):
    user = make_user("mailbaar", world.org_a, Role.PROFESSIONAL, world.team_a1, email="m@example.org")
    notify([user], "Escalation: HH-1", "/escalaties/")
    run_worker()
    for _ in range(5):
        task = mail_task()
        if task.status != "READY":
            break
        with time_machine.travel(task.run_after + timedelta(seconds=1)):
            run_worker()
    task = mail_task()
    assert task.status == "FAILED" and len(task.worker_ids) == 3  # VERBAND_TASK_MAX_ATTEMPTS
    assert mail.outbox == []
    # The notification still waits: the periodic sweep sends it once the server is back.
    assert user.notifications.get().emailed_at is None


def test_periodic_sweeps_are_not_retried_the_next_period_is(world, settings, monkeypatch):
    from verband import worker
    from verband.background import scheduler

    def broken() -> int:
        raise RuntimeError("the sweep failed")

    monkeypatch.setattr(worker, "send_waiting", broken)
    scheduler.enqueue_due()
    run_worker()
    task = DBTaskResult.objects.get(task_path="verband.worker.send_mail")
    assert task.status == "FAILED" and len(task.worker_ids) == 1
