"""A data version that every committed change to the figures' tables advances.

problems.versioned caches as-of figures under (token, n) of the single row of
rectify_data_version; a trigger on every table those figures read advances n in the
same transaction as the change, so a cached answer can never outlive the data it was
computed from (a time-based cache could). `token` is random per database, so two
databases (a test database recreated, a restore) never share keys.

PostgreSQL: a statement-level trigger notes the transaction in rectify_data_touch (one row
per transaction, no lock on the version row); a deferred constraint trigger on that table
advances the version at commit, once per transaction, as the last lock taken, so writers
never wait on each other for it before they commit and cannot deadlock on it.
SQLite (one writer at a time anyway): a row trigger per table and operation.

Raw SQL: no model reads or writes these tables through the ORM.
"""

from django.db import migrations

TABLES = (
    "orgs_org",
    "problems_inspection",
    "problems_aspect",
    "problems_category",
    "problems_problem",
    "problems_problem_cooperating_units",
    "problems_milestone",
    "problems_statusevent",
    "complaints_complaintbatch",
    "complaints_complaint",
    "complaints_complaint_pollution_types",
    "complaints_pollutiontype",
    "complaints_complaintstep",
    "complaints_handlingresult",
    "oversight_accountabilitycase",
    "oversight_heldorganization",
    "oversight_heldperson",
    "oversight_rank",
    "oversight_sanctionclass",
    "oversight_supervisionaction",
    "oversight_finding",
    "oversight_meeting",
    "oversight_meetingkind",
    "oversight_battleteam",
    "oversight_teamlisting",
    "oversight_teamvisit",
    "oversight_responsibilityletter",
)

PG_SETUP = """
CREATE TABLE rectify_data_version (
    id integer PRIMARY KEY CHECK (id = 1),
    token text NOT NULL,
    n bigint NOT NULL
);
INSERT INTO rectify_data_version VALUES (1, md5(random()::text || clock_timestamp()::text), 0);
CREATE TABLE rectify_data_touch (txid bigint PRIMARY KEY);
CREATE FUNCTION rectify_touch_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rectify_data_touch VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE FUNCTION rectify_advance_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rectify_data_touch WHERE txid = NEW.txid;
    UPDATE rectify_data_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER rectify_data_version_at_commit AFTER INSERT ON rectify_data_touch
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rectify_advance_data_version();
"""
PG_TABLE = """
CREATE TRIGGER rectify_data_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION rectify_touch_data();
"""
PG_TEARDOWN = """
DROP TABLE IF EXISTS rectify_data_touch;
DROP TABLE IF EXISTS rectify_data_version;
DROP FUNCTION IF EXISTS rectify_touch_data() CASCADE;
DROP FUNCTION IF EXISTS rectify_advance_data_version() CASCADE;
"""

SQLITE_SETUP = (
    "CREATE TABLE rectify_data_version ("
    " id integer PRIMARY KEY CHECK (id = 1), token text NOT NULL, n integer NOT NULL)",
    "INSERT INTO rectify_data_version VALUES (1, lower(hex(randomblob(16))), 0)",
)
SQLITE_TABLE = (
    "CREATE TRIGGER rectify_dv_{op}_{table} AFTER {op} ON {table}"
    " BEGIN UPDATE rectify_data_version SET n = n + 1 WHERE id = 1; END"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_SETUP)
        for table in TABLES:
            schema_editor.execute(PG_TABLE.format(table=table))
        return
    for sql in SQLITE_SETUP:
        schema_editor.execute(sql)
    for table in TABLES:
        for op in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(SQLITE_TABLE.format(op=op, table=table))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_TEARDOWN)
        return
    for table in TABLES:
        for op in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS rectify_dv_{op}_{table}")
    schema_editor.execute("DROP TABLE IF EXISTS rectify_data_version")


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0005_query_indexes"),
        ("orgs", "0001_initial"),
        ("complaints", "0005_query_indexes"),
        ("oversight", "0002_seed_reference"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
