"""The access log is append-only and tamper-evident: a changed or deleted row is reported by the verify
command, naming the first broken entry."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from verband.actors import SYSTEM
from verband.sharing.accesslog import record, verify_chain
from verband.sharing.models import AccessLogEntry

TABLE = AccessLogEntry._meta.db_table


def _fill(n=5):
    for i in range(n):
        record(SYSTEM, action="view", object_type="household", object_id=f"HH-{i}", household_id=i + 1)


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
        cursor.execute(f"UPDATE {TABLE} SET username = 'niemand' WHERE seq = 3")
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 3
    assert "changed" in result.reason
    with pytest.raises(CommandError, match="broken at entry 3"):
        call_command("verify_access_log")


def test_deleted_row_is_reported(db):
    _fill()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 2
    assert "missing" in result.reason
    with pytest.raises(CommandError, match="broken at entry 2"):
        call_command("verify_access_log")


def test_cut_off_tail_is_reported(db):
    _fill()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 5")
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 5


def test_cut_off_tail_with_a_rewritten_head_is_reported(db):
    from verband.sharing.models import AccessLogHead

    _fill()
    fourth = AccessLogEntry.objects.get(seq=4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 5")
    AccessLogHead.objects.filter(pk=1).update(seq=4, entry_hash=fourth.entry_hash)
    result = verify_chain()
    assert not result.ok and result.broken_seq == 5
    assert "rewritten" in result.reason


def test_verify_prints_the_head_hash_to_keep_elsewhere(db, capsys):
    from verband.sharing.models import AccessLogHead

    _fill()
    call_command("verify_access_log")
    assert AccessLogHead.objects.get(pk=1).entry_hash in capsys.readouterr().out


def test_recomputed_plain_hash_does_not_pass(db):
    """Without the HMAC key, rewriting a row and its hash still breaks the chain."""
    import hashlib

    _fill(3)
    _drop_update_guard()
    forged = hashlib.sha256(b"forged").hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = 'x', entry_hash = %s WHERE seq = 3", [forged])
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
    from verband.sharing.models import AccessLogHead

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
