"""The access log is written without a lock and chained afterwards by the sealer: the chain moves from
the entries (`seq`, `prev_hash`, `entry_hash`) into `AccessLogSeal`, and `AccessLogPending` queues the
entries still to seal.

Existing entries are first verified by the former rule (a broken chain stops the migration: it is not
carried into the new one as if intact), then sealed in their former order. The database keeps refusing an
UPDATE of entries, and refuses one of seals too."""

import hashlib
import hmac
import json
from datetime import UTC

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64
FIELDS = (
    "at", "channel", "user_id", "username", "organisation_id", "organisation_name", "role", "token_id",
    "action", "object_type", "object_id", "subject_household_id", "subject_person_id", "basis", "outcome",
    "ip_address", "path",
)  # fmt: skip


def _mac(message):
    return hmac.new(settings.ACCESS_LOG_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def _payload(entry, subjects):
    payload = {}
    for name in FIELDS:
        value = getattr(entry, name)
        payload[name] = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if name == "at" else value
    listed = [[s.household_id, s.person_id, s.basis] for s in subjects]
    if listed:
        payload["subjects"] = listed
    return payload


def _dumps(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def reseal(apps, schema_editor):
    Entry = apps.get_model("sharing", "AccessLogEntry")
    Seal = apps.get_model("sharing", "AccessLogSeal")
    Head = apps.get_model("sharing", "AccessLogHead")
    Subject = apps.get_model("sharing", "AccessLogSubject")
    listed = models.Prefetch("subjects", queryset=Subject.objects.order_by("position"))
    old_prev, new_prev, seals = GENESIS, GENESIS, []
    for n, entry in enumerate(Entry.objects.order_by("seq").prefetch_related(listed).iterator(2000), start=1):
        subjects = list(entry.subjects.all())
        payload = _payload(entry, subjects)
        old = _mac(old_prev + _dumps({**payload, "seq": entry.seq}))
        if entry.seq != n or entry.prev_hash != old_prev or not hmac.compare_digest(old, entry.entry_hash):
            raise RuntimeError(
                f"The access log is broken at entry {n}; it is not re-chained. Run verify_access_log on the "
                "previous version of Verband and resolve the break first."
            )
        old_prev = entry.entry_hash
        mac = _mac(_dumps(payload))
        link = _mac(f"link:{new_prev}:{n}:{entry.pk}:{mac}")
        seals.append(Seal(seq=n, entry_id=entry.pk, entry_mac=mac, prev_hash=new_prev, chain_hash=link))
        new_prev = link
        if len(seals) >= 2000:
            Seal.objects.bulk_create(seals)
            seals = []
    Seal.objects.bulk_create(seals)
    count = Seal.objects.count()
    Head.objects.update_or_create(
        pk=1,
        defaults={
            "seq": count,
            "entry_hash": new_prev if count else "",
            "head_mac": _mac(f"head:{count}:{new_prev}") if count else "",
        },
    )
    if schema_editor.connection.vendor == "postgresql":
        # The seals' deferred foreign-key checks, done before the entries' table is altered below.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


REFUSE = "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END"
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS accesslog_no_update",
    f"CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON sharing_accesslogentry {REFUSE}",
    f"CREATE TRIGGER accesslog_seal_no_update BEFORE UPDATE ON sharing_accesslogseal {REFUSE}",
]
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accesslog_seal_no_update;"

# accesslog_refuse_update() is made by 0002; the entries' trigger survives the columns dropped here.
POSTGRES_UP = """
CREATE TRIGGER accesslog_seal_no_update BEFORE UPDATE ON sharing_accesslogseal
FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_update();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS accesslog_seal_no_update ON sharing_accesslogseal;"


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # Dropping columns rebuilds the table on SQLite, which drops its triggers: made again here.
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0006_access_log_subjects"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(unique=True)),
                ("entry_mac", models.CharField(max_length=64)),
                ("prev_hash", models.CharField(max_length=64)),
                ("chain_hash", models.CharField(max_length=64)),
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="sharing.accesslogentry",
                    ),
                ),
            ],
            options={
                "verbose_name": "access log seal",
                "verbose_name_plural": "access log seals",
                "ordering": ["seq"],
            },
        ),
        migrations.CreateModel(
            name="AccessLogPending",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sharing.accesslogentry",
                    ),
                ),
            ],
            options={
                "verbose_name": "access log entry to seal",
                "verbose_name_plural": "access log entries to seal",
            },
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="accesslogentry",
            options={
                "ordering": ["pk"],
                "verbose_name": "access log entry",
                "verbose_name_plural": "access log",
            },
        ),
        migrations.RemoveField(model_name="accesslogentry", name="entry_hash"),
        migrations.RemoveField(model_name="accesslogentry", name="prev_hash"),
        migrations.RemoveField(model_name="accesslogentry", name="seq"),
        migrations.AddField(
            model_name="accesslogentry",
            name="mac",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(guard, unguard),
    ]
