"""Covering indexes for complaint figures as of a date (complaints.stats).

A complaint's state, deadline and handling result as of D are "its latest step / result
dated by D" (ORDER BY effective_date DESC, id DESC LIMIT 1): with id in the key that is
one descent per complaint, and the value read (to_state, deadline) comes from the index,
not the table. PostgreSQL carries it as INCLUDE columns, SQLite as trailing key columns.

Raw SQL because the column lists differ by engine; the models' state is unchanged.
"""

from django.db import migrations

INDEXES = {
    "cstep_asof_idx": (
        "complaints_complaintstep",
        "complaint_id, effective_date, id",
        "to_state, deadline",
    ),
    "cresult_asof_idx": ("complaints_handlingresult", "complaint_id, effective_date, id", ""),
}


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, (table, key, covered) in INDEXES.items():
        if covered and postgres:
            columns = f"({key}) INCLUDE ({covered})"
        else:
            columns = f"({key}, {covered})" if covered else f"({key})"
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_lean_indexes")]

    operations = [migrations.RunPython(create, drop)]
