"""A sweep that finds nothing new makes the same number of queries for few households as for many: the
detectors read all households in a fixed number of queries, never one per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verband.escalation.lifecycle import sweep
from verband.escalation.models import Escalation, EscalationKind
from verband.escalation.tests.stalls import KINDS, build


def _quiet_queries(today) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert sweep(today) == {"opened": 0, "climbed": 0, "cleared": 0, "listed": 0}
    return len(queries)


def test_a_quiet_sweep_makes_as_many_queries_for_many_households_as_for_few(db, settings):
    settings.ESCALATION_HORIZON_DAYS = 365  # every stall here is escalated, none only listed
    today = timezone.localdate()
    few = build(100, today, name="A")
    assert sum(few.values()) == len(KINDS) == 13  # one stall of every kind
    assert sweep(today)["opened"] == 13
    assert set(Escalation.objects.values_list("kind", flat=True)) == set(EscalationKind) - {
        EscalationKind.DISAGREEMENT
    }
    queries_few = _quiet_queries(today)

    many = build(500, today, name="B")  # a second region, five times the size
    assert sweep(today)["opened"] == sum(many.values()) == 65
    queries_many = _quiet_queries(today)
    assert queries_many == queries_few
    assert not Escalation.objects.filter(summary="").exists()
    assert Escalation.objects.count() == 78
