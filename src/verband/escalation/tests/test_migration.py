"""The migration of owners and parties from JSON lists of ids to relations keeps every id that still
exists and drops (and counts) those that do not."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verband.escalation.models import Escalation

BEFORE = [("escalation", "0001_initial")]
AFTER = [("escalation", "0004_remove_owner_ids_party_ids")]


@pytest.mark.django_db(transaction=True)
def test_owner_and_party_ids_become_relations(partners, capsys):
    w = partners
    membership = w.involved.memberships.get()  # read with today's model, before going back
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("escalation", "Escalation")
    escalation = old.objects.create(
        region_id=w.region.pk,
        household_id=w.household.pk,
        kind="no_regisseur",
        subject_type="household",
        subject_id=w.household.pk,
        summary="HH zonder regisseur",
        breach_since=date(2026, 3, 2),
        owners=[membership.pk, 999_999],
        parties=[w.org_a.pk, w.org_b.pk, 888_888, "x"],
    )
    empty = old.objects.create(
        region_id=w.region.pk,
        kind="disagreement",
        subject_type="household",
        subject_id=w.household.pk + 1,
        summary="Vraag",
        breach_since=date(2026, 3, 2),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and the rest, which going back undid
    migrated = Escalation.objects.get(pk=escalation.pk)
    assert list(migrated.owners.all()) == [membership]
    assert set(migrated.parties.values_list("pk", flat=True)) == {w.org_a.pk, w.org_b.pk}
    assert not Escalation.objects.get(pk=empty.pk).owners.exists()
    assert "2 owner or party ids no longer exist and were dropped" in capsys.readouterr().out
