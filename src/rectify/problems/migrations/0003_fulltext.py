"""Full-text search: FTS5 trigram on SQLite, pg_trgm GIN indexes on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE problems_problem_fts USING fts5(
        title, description, content='problems_problem', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER problems_problem_fts_ai AFTER INSERT ON problems_problem BEGIN
        INSERT INTO problems_problem_fts(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    """CREATE TRIGGER problems_problem_fts_ad AFTER DELETE ON problems_problem BEGIN
        INSERT INTO problems_problem_fts(problems_problem_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END""",
    """CREATE TRIGGER problems_problem_fts_au AFTER UPDATE OF title, description
        ON problems_problem BEGIN
        INSERT INTO problems_problem_fts(problems_problem_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO problems_problem_fts(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    "INSERT INTO problems_problem_fts(problems_problem_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS problems_problem_fts_au",
    "DROP TRIGGER IF EXISTS problems_problem_fts_ad",
    "DROP TRIGGER IF EXISTS problems_problem_fts_ai",
    "DROP TABLE IF EXISTS problems_problem_fts",
]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX problem_title_trgm ON problems_problem USING gin (title gin_trgm_ops)",
    "CREATE INDEX problem_desc_trgm ON problems_problem USING gin (description gin_trgm_ops)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS problem_desc_trgm",
    "DROP INDEX IF EXISTS problem_title_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("problems", "0002_seed_categories")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
