"""The application's own PostgreSQL role cannot change or remove audit events, nor switch the
append-only trigger off (docs/DEPLOY.md: the app connects as a role that owns nothing).

tests/core/test_audit_chain.py shows the trigger refusing UPDATE and DELETE; a superuser
could still bypass it with session_replication_role, so production must not connect as
one. This test takes the role DEPLOY.md describes (DML grants, no ownership) and tries
every way around the trigger.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from rectify.core import audit

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL's"),
]

ROLE = "rectify_app_test_role"
ATTEMPTS = {
    "UPDATE core_auditevent SET action = 'x'": "append-only",
    "DELETE FROM core_auditevent": "append-only",
    "TRUNCATE core_auditevent": "permission denied",
    "SET session_replication_role = replica": "permission denied",
    "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only": "owner",
    "DROP TRIGGER core_auditevent_append_only ON core_auditevent": "owner",
    "DROP FUNCTION rectify_audit_append_only() CASCADE": "owner",
}


@pytest.mark.parametrize("sql", ATTEMPTS)
def test_the_application_role_cannot_alter_remove_or_unprotect_audit_events(db, sql):
    with transaction.atomic():
        audit.record("test.event", actor="tests", object_type="x", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(hash) FROM core_auditevent")
        before = cursor.fetchone()
        # Role creation is transactional: the test's transaction removes it again.
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN NOSUPERUSER")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}"
        )
        cursor.execute(f"SET ROLE {ROLE}")
        try:
            with pytest.raises(DatabaseError, match=ATTEMPTS[sql]), transaction.atomic():
                cursor.execute(sql)
            with transaction.atomic():
                cursor.execute("SELECT count(*), max(hash) FROM core_auditevent")
                assert cursor.fetchone() == before
        finally:
            cursor.execute("RESET ROLE")
    assert audit.verify_chain() is None
