import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from rectify.core import audit
from rectify.core.models import AuditEvent


def write_events(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(
                "test.event",
                actor="tests",
                object_type="x",
                object_id=str(i),
                before={"n": i},
                after={"n": i + 1, "名称": "遵义市"},
            )


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back (PostgreSQL's trigger disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def first_seq(n: int) -> int:
    return AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[n]


def test_untouched_log_verifies(db):
    write_events(5)
    assert audit.verify_chain() is None
    call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record("test.event", actor="tests")


def test_altered_row_is_named(db):
    write_events(5)
    seq = first_seq(2)
    tamper("UPDATE core_auditevent SET actor_label = %s WHERE seq = %s", ["mallory", seq])
    problem = audit.verify_chain()
    assert problem is not None and problem.seq == seq
    with pytest.raises(CommandError, match=f"#{seq}"):
        call_command("audit", "verify")


def test_altered_json_is_detected(db):
    write_events(3)
    seq = first_seq(1)
    event = AuditEvent.objects.get(seq=seq)
    tamper("UPDATE core_auditevent SET hash = %s WHERE seq = %s", [event.hash[::-1], seq])
    assert audit.verify_chain().seq == seq


def test_deleted_middle_row_is_named(db):
    write_events(5)
    seq = first_seq(3)
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [seq])
    assert audit.verify_chain().seq == seq


def test_deleted_last_row_is_detected(db):
    write_events(4)
    last = AuditEvent.objects.order_by("-seq").first().seq
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [last])
    problem = audit.verify_chain()
    assert problem is not None and problem.seq == last


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL's")
def test_postgres_refuses_update_and_delete_of_audit_rows(db):
    write_events(1)
    from django.db import DatabaseError

    for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
