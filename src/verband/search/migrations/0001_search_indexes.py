"""Covering indexes for the search (and the recognition's blocking, which reads the same keys): a name or
birth-date query reads its keys' persons from the index alone, and checks whether a person is a member
the actor may see without reading the members table. Created here, not on the households models, because
they serve the search's access path; the households app's models are unchanged."""

from django.db import migrations

INDEXES = (
    ("search_personkey_key_person", "households_personkey", "key, person_id"),
    ("search_member_person_household", "households_householdmember", "person_id, household_id"),
)


class Migration(migrations.Migration):
    dependencies = [("households", "0009_alter_householdevent_kind")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
