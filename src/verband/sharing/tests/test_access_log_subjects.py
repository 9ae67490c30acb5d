"""One action is one access-log entry, however many households and persons it shows: the entry lists its
subjects, its hash covers the list, and the log still answers who saw which person when."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from verband.actors import SYSTEM
from verband.sharing.accesslog import Subject, record, record_many, seal, verify_chain
from verband.sharing.models import AccessLogEntry, AccessLogSubject

TABLE = AccessLogSubject._meta.db_table


@pytest.fixture(autouse=True)
def _english():
    """The reasons are translated; these tests read them in the source language."""
    with translation.override("en"):
        yield


def _list_two_households():
    record(SYSTEM, action="view", object_type="household", object_id="HH-1", household_id=1)
    record_many(
        SYSTEM,
        action="list",
        object_type="household",
        object_id="mijn-werk",
        subjects=[Subject(1), Subject(1, 11), Subject(1, 12), Subject(2), Subject(2, 21)],
        basis={1: "involvement:7:help:consent", 2: "involvement:8:help:legal_task"},
    )
    record(SYSTEM, action="view", object_type="household", object_id="HH-2", household_id=2)
    seal()


def test_a_list_is_one_entry_that_lists_every_subject_with_its_basis(db):
    _list_two_households()
    entry = AccessLogEntry.objects.get(action="list")
    assert AccessLogEntry.objects.count() == 3
    assert (entry.subject_household_id, entry.subject_person_id, entry.basis) == (None, None, "")
    assert [(s.household_id, s.person_id, s.basis) for s in entry.subjects.order_by("position")] == [
        (1, None, "involvement:7:help:consent"),
        (1, 11, "involvement:7:help:consent"),
        (1, 12, "involvement:7:help:consent"),
        (2, None, "involvement:8:help:legal_task"),
        (2, 21, "involvement:8:help:legal_task"),
    ]
    assert verify_chain().ok


def test_one_household_and_its_members_name_the_household_in_the_entry(db):
    record_many(
        SYSTEM,
        action="view",
        object_type="household",
        subjects=[Subject(5), Subject(5, 51), Subject(5, 52), Subject(5, 51)],
        basis="legal_task:help",
    )
    entry = AccessLogEntry.objects.get()
    assert (entry.subject_household_id, entry.basis) == (5, "legal_task:help")
    assert [s.person_id for s in entry.subjects.order_by("position")] == [None, 51, 52]  # once each


def test_who_saw_a_person_finds_entries_naming_or_listing_them(db):
    _list_two_households()
    record(SYSTEM, action="view", object_type="recognition", person_id=21)
    about_21 = AccessLogEntry.objects.about(person_id=21)
    assert sorted(e.object_type for e in about_21) == ["household", "recognition"]
    assert sorted(e.object_id for e in AccessLogEntry.objects.about(household_id=2)) == ["HH-2", "mijn-werk"]
    assert list(AccessLogEntry.objects.about(household_id=1, person_id=21)) == []
    assert AccessLogEntry.objects.about(household_id=1, person_id=12).get().object_id == "mijn-werk"


@pytest.mark.parametrize(
    "tamper",
    [
        "DELETE FROM {table} WHERE position = 3",
        "INSERT INTO {table} (entry_id, position, household_id, person_id, basis) "
        "SELECT entry_id, 9, 3, 31, '' FROM {table} WHERE position = 1",
        "DELETE FROM {table}",
    ],
)
def test_a_removed_or_added_subject_breaks_the_chain_at_its_entry(db, tamper):
    _list_two_households()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an attacker with database rights drops the guard first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_no_delete")
        cursor.execute(tamper.format(table=TABLE))
    result = verify_chain()
    assert not result.ok and result.broken_seq == 2 and "changed" in result.reason


def test_a_changed_subject_breaks_the_chain_once_the_database_guard_is_gone(db):
    _list_two_households()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET person_id = 99 WHERE position = 2")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave deferred foreign-key checks pending; ALTER TABLE needs them done.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accesslog_subject_no_update")
        else:
            cursor.execute("DROP TRIGGER accesslog_subject_no_update")
        cursor.execute(f"UPDATE {TABLE} SET person_id = 99 WHERE position = 2")
    result = verify_chain()
    assert not result.ok and result.broken_seq == 2


def test_subjects_are_append_only_in_the_application(db):
    _list_two_households()
    subject = AccessLogSubject.objects.first()
    with pytest.raises(PermissionError):
        subject.save()
    with pytest.raises(PermissionError):
        subject.delete()
    with pytest.raises(PermissionError):
        AccessLogSubject.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLogSubject.objects.update(basis="")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLogSubject.objects.create(entry=subject.entry, position=1)


def test_the_privacy_officer_finds_who_saw_a_person_in_a_listing_entry(world, as_user):
    bram = world.household.members.get(role="child").person_id
    carla = world.other_household.members.get().person_id
    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    client = as_user(world.privacy_officer)
    body = client.get("/toegangslog/", {"person": bram}).content.decode()
    assert "involved" in body and "huishouden HH-T-0001 ingezien" in body
    anna = world.household.members.get(role="victim").person_id
    assert f"<td>HH-T-0001 · persoon {', '.join(str(p) for p in sorted([anna, bram]))}</td>" in body
    nobody = client.get("/toegangslog/", {"person": carla}).content.decode()
    assert "huishouden HH-T-0001 ingezien" not in nobody
