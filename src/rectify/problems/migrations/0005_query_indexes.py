"""Covering indexes for the as-of evaluation (problems.asof).

Each as-of value is "the latest event of a kind by day D" or "the milestone before / after
D": with (problem, kind, day, id) in the key a lookup is one descent to the last entry
at or before D, already in the (day DESC, id DESC) order the subqueries ask for, and the
value it reads (percent, new deadline, recorded at) is in the index, so the table is not
visited. PostgreSQL carries those values as INCLUDE columns, SQLite as trailing key columns.

Raw SQL because the column lists differ by engine; the models' state is unchanged.
"""

from django.db import migrations

INDEXES = {
    "event_asof_idx": (
        "problems_statusevent",
        "problem_id, kind, day, id",
        "percent, new_deadline_day, recorded_at",
    ),
    "milestone_asof_idx": ("problems_milestone", "problem_id, day", "percent"),
}


def create(apps, schema_editor):
    for name, (table, key, covered) in INDEXES.items():
        if schema_editor.connection.vendor == "postgresql":
            sql = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({key}) INCLUDE ({covered})"
        else:
            sql = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({key}, {covered})"
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("problems", "0004_evidence")]

    operations = [migrations.RunPython(create, drop)]
