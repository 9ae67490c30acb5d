"""Background work through the database queue, run by the real worker (`manage.py worker --batch`, which
runs django-tasks-db's `db_worker`): notification e-mail goes once the change commits; a web signal is
routed by its own task when its reporter's time to confirm is up, not before."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from verband.network.models import Role
from verband.notifications.services import notify
from verband.signals import services
from verband.signals.models import SignalStatus
from verband.signals.tests.test_services import report_about_anna
from verband.testing import actor_for, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("worker", "--batch", verbosity=0, stdout=io.StringIO())


def test_notification_mail_is_enqueued_on_commit_and_sent_by_the_worker(world):
    user = make_user("mailbaar", world.org_a, Role.PROFESSIONAL, world.team_a1, email="mailbaar@example.org")
    with transaction.atomic():
        notify([user], "Escalation: HH-1", "/escalaties/")
        # Enqueued when the change commits, not before (a rolled-back change sends nothing).
        assert not DBTaskResult.objects.filter(task_path__endswith="send_mail_to").exists()
    task = DBTaskResult.objects.get(task_path="verband.notifications.services.send_mail_to")
    assert task.status == "READY"
    assert task.args_kwargs == {"args": [[user.pk]], "kwargs": {}}  # ids only
    assert mail.outbox == []

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == 1 and len(task.worker_ids) == 1
    assert [m.to for m in mail.outbox] == [["mailbaar@example.org"]]
    assert "HH-1" not in mail.outbox[0].body  # the e-mail never says what
    assert user.notifications.get().emailed_at is not None


def test_a_rolled_back_notification_enqueues_nothing(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([world.involved], "Escalation: HH-1", "/escalaties/")
        raise RuntimeError("the change failed")
    assert not DBTaskResult.objects.filter(task_path__endswith="send_mail_to").exists()


def test_a_web_signal_is_routed_by_its_task_when_the_reporters_time_is_up(world, settings):
    settings.RECOGNITION_GRACE_MINUTES = 15
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    task = DBTaskResult.objects.get(task_path="verband.signals.services.route_signal")
    assert task.args_kwargs == {"args": [signal.pk], "kwargs": {}}
    assert task.run_after == signal.received_at + timedelta(minutes=15)

    run_worker()  # the reporter still has time to confirm: nothing runs
    signal.refresh_from_db()
    task.refresh_from_db()
    assert signal.status == SignalStatus.RECEIVED and task.status == "READY"

    with time_machine.travel(task.run_after + timedelta(seconds=1)):
        run_worker()
    signal.refresh_from_db()
    task.refresh_from_db()
    assert signal.status == SignalStatus.ROUTED and signal.activations.exists()
    assert task.status == "SUCCESSFUL" and task.return_value is True


def test_a_signal_routed_meanwhile_is_not_routed_again(world):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    assert services.finish(signal.pk) is True  # the reporter confirmed; routed in the request
    activations = signal.activations.count()
    task = DBTaskResult.objects.get(task_path="verband.signals.services.route_signal")
    with time_machine.travel(task.run_after + timedelta(seconds=1)):
        run_worker()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value is False
    assert signal.activations.count() == activations


def test_api_signals_get_no_routing_task(world):
    from verband.testing import actor_for_token

    services.receive(actor_for_token(world.token_vt), report_about_anna(), idempotency_key="k-1")
    assert not DBTaskResult.objects.filter(task_path__endswith="route_signal").exists()
