"""`manage.py retention_sweep`: by hand, with a report; --dry-run prints what would happen and changes
nothing at all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from verband.households.models import Person
from verband.retention.models import PseudonymisedPerson, RetentionRun, SweptHousehold
from verband.retention.tests.conftest import leftovers, years_later
from verband.sharing.models import AccessLogEntry


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention_sweep", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_would_happen_and_changes_nothing(closed):
    w = closed
    before = (leftovers(), list(Person.objects.order_by("pk").values()), AccessLogEntry.objects.count())
    with years_later(21):
        printed = run("--dry-run")
    assert "Proefdraai: er verandert niets." in printed
    assert "HH-T-0001 gesloten" in printed and "(Wijkteam): 3 persoon/personen gepseudonimiseerd" in printed
    assert "Zou 1 huishouden(s) opschonen en 3 persoon/personen pseudonimiseren" in printed
    assert "adressen: 3" in printed and "verslagen van casusoverleg: 1" in printed
    assert "Anna" not in printed and "Dam" not in printed
    assert (
        leftovers(),
        list(Person.objects.order_by("pk").values()),
        AccessLogEntry.objects.count(),
    ) == before
    assert not (
        RetentionRun.objects.exists()
        or SweptHousehold.objects.exists()
        or PseudonymisedPerson.objects.exists()
    )
    # The dry run counted what the run then does.
    with years_later(21):
        printed = run()
    report = RetentionRun.objects.get(region=w.region)
    assert (report.trigger, report.households, report.persons) == ("command", 1, 3)
    assert report.items["address"] == 3 and report.items["minutes"] == 1
    assert "Testregio: 1 huishouden(s) opgeschoond, 3 persoon/personen gepseudonimiseerd" in printed
    assert leftovers() == []


def test_a_dry_run_before_anything_is_due_says_so(closed):
    printed = run("--dry-run")
    assert "Zou 0 huishouden(s) opschonen en 0 persoon/personen pseudonimiseren" in printed


@pytest.mark.parametrize("switched_on", [True, False])
def test_the_worker_s_task_runs_only_while_the_sweep_is_switched_on(closed, settings, switched_on):
    from verband.retention.tasks import sweep_retention

    settings.RETENTION_SWEEP = switched_on
    with years_later(21):
        swept = sweep_retention.call()
    assert swept == (1 if switched_on else 0)
    assert RetentionRun.objects.filter(trigger="worker").exists() == switched_on
