"""The subjects an access-log entry lists (one entry per action, however many households and persons it
shows), append-only like the entries: the database refuses an UPDATE of them too."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "sharing_accesslogsubject"

SQLITE_UP = f"""
CREATE TRIGGER accesslog_subject_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accesslog_subject_no_update;"

# accesslog_refuse_update() is made by 0002.
POSTGRES_UP = f"""
CREATE TRIGGER accesslog_subject_no_update BEFORE UPDATE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_update();
"""
POSTGRES_DOWN = f"DROP TRIGGER IF EXISTS accesslog_subject_no_update ON {TABLE};"


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
    dependencies = [
        ("sharing", "0005_involvement_excluded_reporter"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("household_id", models.BigIntegerField(db_index=True, null=True)),
                ("person_id", models.BigIntegerField(db_index=True, null=True)),
                ("basis", models.CharField(blank=True, max_length=120)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="sharing.accesslogentry",
                    ),
                ),
            ],
            options={
                "verbose_name": "access log subject",
                "verbose_name_plural": "access log subjects",
                "ordering": ["entry_id", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "position"), name="accesslog_subject_position")
                ],
            },
        ),
        migrations.RunPython(guard, unguard),
    ]
