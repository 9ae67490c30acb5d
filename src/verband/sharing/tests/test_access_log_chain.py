"""The access log is append-only and tamper-evident: a changed or deleted row is reported by the verify
command, naming the first broken link. Entries are written without the chain and sealed into it by the
worker; an entry not yet sealed is guarded by its own HMAC."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from verband.actors import SYSTEM
from verband.sharing.accesslog import record, seal, verify_chain
from verband.sharing.models import AccessLogEntry, AccessLogHead, AccessLogPending, AccessLogSeal

TABLE = AccessLogEntry._meta.db_table
SEALS = AccessLogSeal._meta.db_table


@pytest.fixture(autouse=True)
def _english():
    """The reasons are translated; these tests read them in the source language."""
    with translation.override("en"):
        yield


def _fill(n=5, sealed=True):
    for i in range(n):
        record(SYSTEM, action="view", object_type="household", object_id=f"HH-{i}", household_id=i + 1)
    if sealed:
        assert seal() == n


def _entry_of(seq):
    return AccessLogSeal.objects.get(seq=seq).entry_id


def _drop_delete_guards():
    """What an attacker with database rights would do before deleting (PostgreSQL refuses DELETE)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in (TABLE, SEALS, "sharing_accesslogsubject"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_delete")


def _delete_link(seq):
    """An attacker with database rights removing an entry takes its seal with it (the foreign key)."""
    entry_id = _entry_of(seq)
    _drop_delete_guards()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SEALS} WHERE seq = %s", [seq])
        cursor.execute(f"DELETE FROM {AccessLogPending._meta.db_table} WHERE entry_id = %s", [entry_id])
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry_id])


def _drop_update_guard():
    """What an attacker with database rights would do first. (Rolled back with the test.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accesslog_no_update")
        else:
            cursor.execute("DROP TRIGGER accesslog_no_update")


def test_intact_chain_verifies(db, capsys):
    _fill()
    assert verify_chain().ok
    call_command("verify_access_log")
    assert "5 entries verified" in capsys.readouterr().out


def test_changed_row_is_reported(db):
    _fill()
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'niemand' WHERE id = %s", [_entry_of(3)])
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 3
    assert "changed" in result.reason
    with pytest.raises(CommandError, match=r"broken: entry \d+ \(link 3\) was changed"):
        call_command("verify_access_log")


def test_deleted_row_is_reported(db):
    _fill()
    _delete_link(2)
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 2
    assert "missing" in result.reason
    with pytest.raises(CommandError, match="broken: link 2 is missing"):
        call_command("verify_access_log")


def test_cut_off_tail_is_reported(db):
    _fill()
    _delete_link(5)
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 5


def test_cut_off_tail_with_a_rewritten_head_is_reported(db):
    _fill()
    fourth = AccessLogSeal.objects.get(seq=4)
    _delete_link(5)
    AccessLogHead.objects.filter(pk=1).update(seq=4, entry_hash=fourth.chain_hash)
    result = verify_chain()
    assert not result.ok and result.broken_seq == 5
    assert "rewritten" in result.reason


def test_verify_prints_the_head_hash_to_keep_elsewhere(db, capsys):
    _fill()
    call_command("verify_access_log")
    assert AccessLogHead.objects.get(pk=1).entry_hash in capsys.readouterr().out


def test_recomputed_plain_hash_does_not_pass(db):
    """Without the HMAC key, rewriting a row and its hashes still breaks the chain."""
    import hashlib

    _fill(3)
    _drop_update_guard()
    forged = hashlib.sha256(b"forged").hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'x', mac = %s WHERE id = %s", [forged, _entry_of(3)])
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {SEALS} DISABLE TRIGGER accesslog_seal_no_update")
        else:
            cursor.execute("DROP TRIGGER accesslog_seal_no_update")
        cursor.execute(f"UPDATE {SEALS} SET entry_mac = %s WHERE seq = 3", [forged])
    assert verify_chain().broken_seq == 3


def test_application_refuses_update_and_delete(db):
    _fill(1)
    entry = AccessLogEntry.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()


def test_database_refuses_update(db):
    from django.db.utils import DatabaseError

    _fill(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'x'")
    assert verify_chain().ok


def test_entry_holds_the_nen7513_fields(world, as_user):
    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    entry = AccessLogEntry.objects.filter(username="involved").first()
    assert entry.user_id == world.involved.pk
    assert entry.organisation_id == world.org_a.pk
    assert entry.role == "professional"
    assert entry.action == "view"
    assert entry.object_type == "household" and entry.object_id == "HH-T-0001"
    assert entry.subject_household_id == world.household.pk
    assert entry.basis and entry.outcome == "granted"
    assert entry.at is not None and entry.ip_address == "127.0.0.1"
    assert entry.channel == "web"


def test_log_keeps_working_after_a_database_flush(db):
    """A flush (transactional tests, a wiped demo database) removes the head row the migration made."""
    AccessLogHead.objects.all().delete()
    assert verify_chain().ok
    _fill(2)
    assert verify_chain().ok
    assert AccessLogHead.objects.get(pk=1).seq == 2


def test_chain_verifies_after_the_database_hands_values_back(db, rf):
    """Addresses in a non-canonical form and long object ids are stored as the hash saw them."""
    from django.contrib.auth.models import AnonymousUser

    from verband.sharing.access import actor_for_request

    request = rf.get("/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001")
    request.user = AnonymousUser()
    actor = actor_for_request(request)
    assert actor.ip_address == "2001:db8::1"
    record(actor, action="view", object_type="household", object_id="X" * 200)
    assert verify_chain().ok
    seal()
    assert verify_chain().ok


def test_client_address_behind_a_proxy_comes_from_forwarded_for(rf, settings):
    from verband.sharing.access import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"  # no proxy configured: the header is not trusted
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the left entry is the client's own claim
    settings.PROXY_COUNT = 2
    assert client_ip(request) == "198.51.100.9"
    settings.PROXY_COUNT = 3  # fewer entries than proxies: not trusted
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("fe80::1%eth0", "fe80::1"),
        ("2001:DB8::0:1", "2001:db8::1"),
        ("x", None),
    ],
)
def test_client_addresses_are_stored_canonically(rf, raw, stored):
    from verband.sharing.access import client_ip

    assert client_ip(rf.get("/", REMOTE_ADDR=raw)) == stored


def test_sign_in_failures_use_the_same_address(client, world, settings):
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    client.post(
        "/aanmelden/",
        {"username": "involved", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="10.0.0.1",
    )
    assert AccessAttempt.objects.get(username="involved").ip_address == "203.0.113.7"


def test_entries_are_written_without_the_chain_and_sealed_in_the_order_they_were_queued(db):
    _fill(3, sealed=False)
    assert AccessLogSeal.objects.count() == 0 and AccessLogPending.objects.count() == 3
    assert AccessLogHead.objects.get(pk=1).seq == 0  # writing never touched the head
    result = verify_chain()
    assert result.ok and result.checked == 0 and result.unsealed == 3 and result.oldest_unsealed is not None
    assert seal() == 3 and seal() == 0
    assert list(AccessLogSeal.objects.values_list("entry__object_id", flat=True)) == ["HH-0", "HH-1", "HH-2"]
    assert AccessLogPending.objects.count() == 0
    _fill(2)
    result = verify_chain()
    assert result.ok and result.checked == 5 and result.unsealed == 0


def test_sealing_in_batches_makes_one_chain(db):
    _fill(7, sealed=False)
    assert seal(batch=3) == 7
    assert list(AccessLogSeal.objects.values_list("seq", flat=True)) == list(range(1, 8))
    assert verify_chain().ok


def test_an_entry_changed_before_it_is_sealed_is_reported(db):
    _fill(2)
    _fill(2, sealed=False)
    newest = AccessLogEntry.objects.latest("pk")
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'niemand' WHERE id = %s", [newest.pk])
    result = verify_chain()
    assert not result.ok and result.checked == 2
    assert f"entry {newest.pk}, not sealed yet, was changed" in result.reason
    # Sealing does not launder it: the seal keeps the HMAC the entry was written with.
    seal()
    result = verify_chain()
    assert not result.ok and result.broken_seq == 4 and "changed" in result.reason


def test_an_entry_taken_out_of_the_queue_to_seal_is_reported(db):
    _fill(1, sealed=False)
    AccessLogPending.objects.all().delete()
    result = verify_chain()
    assert not result.ok and "taken out of the queue" in result.reason


def test_seals_are_append_only(db):
    from django.db.utils import DatabaseError

    _fill(1)
    link = AccessLogSeal.objects.get()
    with pytest.raises(PermissionError):
        link.save()
    with pytest.raises(PermissionError):
        AccessLogSeal.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SEALS} SET seq = 9")
    assert verify_chain().ok


def test_writing_an_entry_takes_no_lock_of_the_chain(db):
    """Three inserts (entry, subjects, queue) and nothing read or written on the head row."""
    from django.test.utils import CaptureQueriesContext

    _fill(1)
    with CaptureQueriesContext(connection) as queries:
        record(SYSTEM, action="view", object_type="household", object_id="HH-9", household_id=9)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not any("accessloghead" in sql.lower() for sql in statements)
    assert not any("FOR UPDATE" in sql.upper() for sql in statements)


@pytest.mark.django_db(transaction=True)
def test_writers_and_sealers_at_the_same_time_make_one_unbroken_chain():
    """Four writers append while two sealers seal (threads with their own connections): every entry is
    sealed once, the sequence has no gaps and the chain verifies."""
    import threading

    from django.db import connections

    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need a server database (CI runs this on PostgreSQL)")
    AccessLogHead.objects.get_or_create(pk=1)
    done = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(25):
                record(
                    SYSTEM, action="view", object_type="household", object_id=f"HH-{n}-{i}", household_id=n
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def keep_sealing() -> None:
        try:
            while not done.is_set():
                seal(batch=7)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    sealers = [threading.Thread(target=keep_sealing) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in sealers + writers:
        t.start()
    for t in writers:
        t.join(timeout=60)
    done.set()
    for t in sealers:
        t.join(timeout=60)
    assert not errors, errors
    seal()
    assert AccessLogSeal.objects.count() == AccessLogEntry.objects.count() == 100
    assert list(AccessLogSeal.objects.values_list("seq", flat=True)) == list(range(1, 101))
    result = verify_chain()
    assert result.ok and result.checked == 100 and result.unsealed == 0


def test_the_database_refuses_delete(db):
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the application refuses deletes (a flush empties tables with DELETE)")
    from verband.sharing.accesslog import Subject, record_many

    record_many(SYSTEM, action="list", object_type="household", subjects=[Subject(1), Subject(2)])
    seal()
    for table in (TABLE, SEALS, "sharing_accesslogsubject"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DELETE FROM {table}")
    assert verify_chain().ok


def _rolled_back_to(seq):
    """Everything after link `seq` removed and the head restored from an older copy (a backup): the
    chain that is left is consistent in itself."""
    older = AccessLogSeal.objects.get(seq=seq)
    for later in range(AccessLogHead.objects.get(pk=1).seq, seq, -1):
        _delete_link(later)
    from verband.sharing.accesslog import head_mac

    AccessLogHead.objects.filter(pk=1).update(
        seq=seq, entry_hash=older.chain_hash, head_mac=head_mac(seq, older.chain_hash)
    )


def test_a_rollback_to_an_older_head_is_caught_by_a_checkpoint(db, settings):
    from verband.sharing.accesslog import write_checkpoint

    _fill(3)
    write_checkpoint()
    _fill(2)
    write_checkpoint()
    _rolled_back_to(4)
    assert verify_chain([]).ok  # without checkpoints the rolled-back chain looks whole
    result = verify_chain()
    assert not result.ok and result.checked == 4
    assert (
        "ends at 4" in result.reason
        and "saw it at 5" in result.reason
        and "rolled back or wiped" in result.reason
    )


def test_a_chain_rewritten_after_a_checkpoint_is_caught(db):
    from verband.sharing.accesslog import write_checkpoint

    _fill(5)
    write_checkpoint()
    _rolled_back_to(3)
    _fill(3)  # new links 4, 5, 6 with other entries
    result = verify_chain()
    assert not result.ok and result.broken_seq == 5 and "rewritten from there" in result.reason


def test_a_wiped_log_is_caught_by_a_checkpoint(db, capsys):
    _fill(3)
    call_command("verify_access_log")
    out = capsys.readouterr().out
    assert "Checkpoint written to" in out and "entry 3" in out
    _drop_delete_guards()
    with connection.cursor() as cursor:
        for table in (SEALS, AccessLogPending._meta.db_table, "sharing_accesslogsubject", TABLE):
            cursor.execute(f"DELETE FROM {table}")
    AccessLogHead.objects.all().delete()
    assert verify_chain([]).ok  # "intact: 0 entries" without the checkpoint
    with pytest.raises(CommandError, match="rolled back or wiped"):
        call_command("verify_access_log")


def test_a_forged_or_damaged_checkpoint_is_reported(db, settings):
    from verband.sharing.accesslog import write_checkpoint

    _fill(2)
    write_checkpoint()
    path = settings.ACCESS_LOG_CHECKPOINTS
    line = path.read_text().splitlines()[0]
    path.write_text(line.replace('"seq": 2', '"seq": 1') + "\n")
    assert "not genuine" in verify_chain().reason
    path.write_text("not a checkpoint\n")
    assert "not genuine" in verify_chain().reason


def test_the_sealer_writes_a_checkpoint_when_the_chain_grew(db, settings):
    from verband.background.sealer import State, tick
    from verband.sharing.accesslog import read_checkpoints

    settings.ACCESS_LOG_CHECKPOINT_SECONDS = 3600
    state = State()
    tick(state)
    assert read_checkpoints() == []  # an empty chain has nothing to record
    _fill(2, sealed=False)
    tick(state)
    assert [p.seq for p in read_checkpoints()] == [2]
    _fill(1, sealed=False)
    tick(state)  # sealed, but the last checkpoint is recent
    assert [p.seq for p in read_checkpoints()] == [2]
    state.last_checkpoint -= 3600
    tick(state)
    assert [p.seq for p in read_checkpoints()] == [2, 3]
    tick(state)  # nothing new: no checkpoint
    assert [p.seq for p in read_checkpoints()] == [2, 3]
    assert verify_chain().checkpoints == 2


def test_a_stray_queue_row_neither_stalls_the_sealer_nor_passes_verification(db):
    """(Review finding) A queue row pointing at an entry already in the chain stopped every seal."""
    _fill(2)
    sealed_entry = AccessLogSeal.objects.get(seq=1).entry_id
    AccessLogPending.objects.create(entry_id=sealed_entry)
    result = verify_chain()
    assert not result.ok and "in the chain already" in result.reason
    _fill(2, sealed=False)
    assert seal() == 2  # the stray row is dropped, the new entries are sealed
    assert verify_chain().ok and not AccessLogPending.objects.exists()


def test_entries_left_unsealed_for_long_fail_verification(db):
    """A stopped sealer is not a quiet "ok": entries waiting longer than a few minutes are reported."""
    import time_machine
    from django.utils import timezone

    _fill(1, sealed=False)
    assert verify_chain().ok
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        result = verify_chain()
    assert not result.ok and "not running" in result.reason


def test_a_checkpoint_line_cut_off_by_a_crash_does_not_blind_verification(db, settings):
    from verband.sharing.accesslog import write_checkpoint

    _fill(2)
    write_checkpoint()
    path = settings.ACCESS_LOG_CHECKPOINTS
    path.write_text(path.read_text() + '{"at": "2026-12-01T10:00:00+00:00", "seq": 2, "ha')
    assert verify_chain().ok
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'niemand' WHERE id = %s", [_entry_of(2)])
    assert verify_chain().broken_seq == 2  # a changed entry is still found
