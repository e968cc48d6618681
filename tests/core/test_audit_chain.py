from datetime import date

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


def test_events_appended_in_bulk_chain_on_and_read_back_as_written(db, office_clerk):
    write_events(2)
    with transaction.atomic():
        written = audit.record_many(
            [
                audit.Entry("test.bulk", "x", "1", "第一件", before=None, after={"名称": "遵义市"}),
                audit.Entry("test.bulk", "x", "2", "", before={"n": [1, None]}, after=None),
                audit.Entry("test.bulk", "x", "3", after={"when": date(2025, 5, 28), "n": 1.5}),
            ],
            actor=office_clerk,
        )
    with transaction.atomic():
        audit.record("test.event", actor="tests", object_type="x", object_id="4")
    assert written == 3
    assert audit.verify_chain() is None
    bulk = list(AuditEvent.objects.filter(action="test.bulk").order_by("seq"))
    assert [e.seq for e in bulk] == [bulk[0].seq, bulk[0].seq + 1, bulk[0].seq + 2]
    assert [e.actor for e in bulk] == [office_clerk] * 3
    assert bulk[0].after == {"名称": "遵义市"} and bulk[0].before is None
    assert bulk[0].object_repr == "第一件"
    assert bulk[1].before == {"n": [1, None]} and bulk[1].after is None
    assert bulk[2].after == {"when": "2025-05-28", "n": 1.5}
    # The SQL NULL the ORM writes for None, not a JSON null.
    assert AuditEvent.objects.filter(action="test.bulk", before__isnull=True).count() == 2


def test_a_bulk_appended_event_altered_later_is_named(db):
    with transaction.atomic():
        audit.record_many(
            [audit.Entry("test.bulk", "x", str(i), after={"i": i}) for i in range(4)],
            actor="tests",
        )
    seq = first_seq(2)
    tamper("UPDATE core_auditevent SET object_id = %s WHERE seq = %s", ["99", seq])
    problem = audit.verify_chain()
    assert problem is not None and problem.seq == seq
