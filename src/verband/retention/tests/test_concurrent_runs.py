"""Two workers (or a worker and a run by hand) sweeping at the same moment sweep each household once and
pseudonymise each person once, without errors."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from verband.collaboration.models import AgendaItem, CaseMeeting
from verband.households.models import HouseholdMember, Person
from verband.retention import sweep
from verband.retention.models import PseudonymisedPerson, RetentionRun, SweptHousehold
from verband.retention.tests.conftest import close, years_later
from verband.sharing.models import AccessLogEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_runs_at_the_same_moment_sweep_each_household_once(world, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need a server database (CI runs this on PostgreSQL)")
    # Anna is in both households, and one case meeting discussed both: whichever run sweeps the second of
    # them pseudonymises her and blanks the minutes.
    anna = Person.objects.get(given_names="Anna")
    HouseholdMember.objects.create(household=world.other_household, person=anna, role="victim")
    meeting = CaseMeeting.objects.create(region=world.region, scheduled_at=timezone.now(), status="held",
                                         chair=world.involved, chair_membership=world.involved.memberships.get(),
                                         minutes="Notulen over Anna")  # fmt: skip
    for household in (world.household, world.other_household):
        AgendaItem.objects.create(meeting=meeting, household=household)
    close(world.household)
    close(world.other_household)
    persons = set(HouseholdMember.objects.values_list("person_id", flat=True))
    barrier = threading.Barrier(4)
    results: list[object] = []
    # Half of the runs go through the households the other way round, so that two of them sweep Anna's
    # two households at the same moment.
    real_due, order = sweep.due, threading.local()

    def due(*args, **kwargs):
        found = list(real_due(*args, **kwargs))
        return found[::-1] if order.backwards else found

    monkeypatch.setattr(sweep, "due", due)

    def run(backwards: bool) -> None:
        order.backwards = backwards
        try:
            barrier.wait(timeout=10)
            results.append(sweep.run())
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results.append(exc)
        finally:
            connections.close_all()

    with years_later(21):
        threads = [threading.Thread(target=run, args=(n % 2 == 1,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert all(isinstance(r, list) for r in results), results
    assert SweptHousehold.objects.count() == 2
    assert set(PseudonymisedPerson.objects.values_list("person_id", flat=True)) == persons
    assert sum(r.households for r in RetentionRun.objects.all()) == 2
    assert [r.errors for r in RetentionRun.objects.all()] == [[], [], [], []]
    assert AccessLogEntry.objects.filter(action="pseudonymise").count() == 2
    assert Person.objects.get(pk=anna.pk).given_names == ""
    assert CaseMeeting.objects.get(pk=meeting.pk).minutes == ""
