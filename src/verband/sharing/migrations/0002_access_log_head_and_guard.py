"""The single head row of the access-log chain, and a database trigger that refuses any UPDATE of an
access-log entry (the application refuses updates and deletes as well; the hash chain detects what
gets past both)."""

from django.db import migrations

TABLE = "sharing_accesslogentry"

SQLITE_UP = f"""
CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accesslog_no_update;"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION accesslog_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'access log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_update();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS accesslog_no_update ON {TABLE};
DROP FUNCTION IF EXISTS accesslog_refuse_update();
"""


def create_head(apps, schema_editor):
    apps.get_model("sharing", "AccessLogHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "entry_hash": ""}
    )


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
