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


@pytest.mark.django_db(transaction=True)
def test_activation_escalations_become_one_per_household(partners, capsys):
    w = partners
    lm = w.lm_a.memberships.get()
    vt = w.lm_vt.memberships.get()
    before = [("escalation", "0007_concrete_decisions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old = apps.get_model("escalation", "Escalation")
    recipient = apps.get_model("escalation", "EscalationRecipient")

    def made(subject_id: int, status: str = "open", at: object = lm) -> object:
        e = old.objects.create(
            region_id=w.region.pk, household_id=w.household.pk, kind="signal_not_accepted",
            subject_type="activation", subject_id=subject_id, summary="SG niet opgepakt",
            breach_since=date(2026, 3, 2), status=status,
        )  # fmt: skip
        recipient.objects.create(escalation_id=e.pk, membership_id=at.pk, step=1)
        return e

    first, second, done = made(11), made(12, at=vt), made(13, status="resolved")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = Escalation.objects.get(pk=first.pk)
    assert (kept.status, kept.subject_type, kept.subject_id) == ("open", "household", w.household.pk)
    assert set(kept.recipients.values_list("membership_id", flat=True)) == {lm.pk, vt.pk}
    assert Escalation.objects.get(pk=second.pk).status == "cleared"
    assert Escalation.objects.get(pk=done.pk).subject_type == "household"
    assert "1 escalation(s) merged" in capsys.readouterr().out
