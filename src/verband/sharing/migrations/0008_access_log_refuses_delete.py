"""The database refuses a DELETE of access-log entries, their subjects and their seals (PostgreSQL).

On SQLite, the embedded database of a single machine and of the demo, deletes are refused by the
application only: Django empties SQLite tables with DELETE (a database flush), which a trigger would stop.
PostgreSQL empties them with TRUNCATE, which row triggers do not see; production runs on PostgreSQL."""

from django.db import migrations

TABLES = ("sharing_accesslogentry", "sharing_accesslogsubject", "sharing_accesslogseal")

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION accesslog_refuse_delete() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'access log is append-only'; END;
    $$ LANGUAGE plpgsql
    """,
    *(
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_delete()"
        for table in TABLES
    ),
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS accesslog_refuse_delete()",
]


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_UP:
            schema_editor.execute(statement)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0007_access_log_sealed_after_append")]

    operations = [migrations.RunPython(guard, unguard)]
