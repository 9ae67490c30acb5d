"""Two worker processes sweep the same database at the same moment: every stall gets one escalation,
every step one climb, every recipient one notification."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from verband.escalation import lifecycle
from verband.escalation.models import Escalation, EscalationRecipient
from verband.escalation.tests.test_engine import ask_shelter, at, shelter  # noqa: F401 - fixture
from verband.notifications.models import Notification


def _sweep_together(day: date, workers: int = 2) -> list[object]:
    barrier = threading.Barrier(workers)
    results: list[object] = []

    def work() -> None:
        try:
            with at(day):
                barrier.wait(timeout=10)
                results.append(lifecycle.sweep())
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_double_process(request):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is one connection; PostgreSQL runs this in CI")
    w = request.getfixturevalue("shelter")
    ask_shelter(w)
    results = _sweep_together(date(2026, 4, 29))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["opened"] for r in results) == Escalation.objects.count() == 1  # type: ignore[index]
    escalation = Escalation.objects.get()
    assert EscalationRecipient.objects.filter(escalation=escalation).count() == 1
    assert Notification.objects.filter(url=f"/escalaties/{escalation.pk}/").count() == 1
    results = _sweep_together(date(2026, 5, 4))
    assert sum(r["climbed"] for r in results) == 1  # type: ignore[index]
    escalation.refresh_from_db()
    assert escalation.step == 2
    assert (
        Notification.objects.filter(url=f"/escalaties/{escalation.pk}/").count() == 3
    )  # + two line managers
