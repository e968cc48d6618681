"""PostgreSQL: a partial index for a problem's latest completion event as of a date.

The lookup (kind IN accepted / signed_off / reopened, day <= D, latest by day and id) is
one backward step in this index; with event_asof_idx, whose key starts (problem, kind),
PostgreSQL reads every event of the problem and sorts. SQLite cannot match a partial index
against bound parameters, so there it keeps using event_asof_idx (migration 0005).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS event_completion_idx ON problems_statusevent"
    " (problem_id, day, id) INCLUDE (kind, recorded_at)"
    " WHERE kind IN ('accepted', 'signed_off', 'reopened')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS event_completion_idx")


class Migration(migrations.Migration):
    dependencies = [("problems", "0006_data_version")]

    operations = [migrations.RunPython(create, drop)]
