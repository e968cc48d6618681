"""Writing and verifying the hash-chained audit log.

Every action calls `record()` inside its own transaction; the chain head row is locked so
that two writers on PostgreSQL append one after the other (SQLite serialises writers anyway).
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from rectify.core.middleware import current_request_id
from rectify.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def to_json(value: Any) -> Any:
    """Return `value` as plain JSON data (dates, decimals and UUIDs become strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, as JSON data, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = field.value_from_object(obj)
    return to_json(data)


def _digest(event: AuditEvent) -> str:
    return _digest_of(
        event.seq,
        event.recorded_at.isoformat(),
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.before,
        event.after,
        event.request_id,
        event.prev_hash,
    )


def _digest_of(
    seq,
    recorded_at,
    actor_id,
    actor_label,
    action,
    object_type,
    object_id,
    object_repr,
    before,
    after,
    request_id,
    prev_hash,
) -> str:
    """The hash of one event's fields (recorded_at in ISO form); what verify_chain checks."""
    payload = {
        "seq": seq,
        "recorded_at": recorded_at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event; must run inside the caller's transaction (the action's)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the action's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=head.last_seq + 1,
        recorded_at=timezone.now(),
        actor_id=actor.pk if is_user else None,
        actor_label=actor.get_username() if is_user else str(actor or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:255] if obj is not None else "",
        before=to_json(before),
        after=to_json(after),
        request_id=current_request_id() or "",
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event)
    event.save(force_insert=True)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class Entry:
    """One event for record_many()."""

    action: str
    object_type: str
    object_id: str
    object_repr: str = ""
    before: Any = None
    after: Any = None


def record_many(entries: list[Entry], *, actor: Any, batch_size: int = 500) -> int:
    """Append many events at once (bulk imports); same chain and rules as record().

    Plain rows and one executemany: the ORM's bulk_create spends longer preparing the
    rows' values (JSON above all) than the database spends storing them."""
    if not entries:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the action's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if is_user else None
    actor_label = actor.get_username() if is_user else str(actor or "system")
    now = timezone.now()
    recorded_at, stored_at = now.isoformat(), connection.ops.adapt_datetimefield_value(now)
    request_id = current_request_id() or ""
    seq, prev = head.last_seq, head.last_hash
    rows = []
    for entry in entries:
        seq += 1
        before, after = to_json(entry.before), to_json(entry.after)
        object_id, object_repr = str(entry.object_id), entry.object_repr[:255]
        digest = _digest_of(
            seq,
            recorded_at,
            actor_id,
            actor_label,
            entry.action,
            entry.object_type,
            object_id,
            object_repr,
            before,
            after,
            request_id,
            prev,
        )
        rows.append(
            (
                seq,
                stored_at,
                actor_id,
                actor_label,
                entry.action,
                entry.object_type,
                object_id,
                object_repr,
                _stored_json(before),
                _stored_json(after),
                request_id,
                prev,
                digest,
            )
        )
        prev = digest
    sql = _insert_event_sql()
    with connection.cursor() as cur:
        for start in range(0, len(rows), batch_size):
            cur.executemany(sql, rows[start : start + batch_size])
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return len(rows)


def _stored_json(value: Any) -> str | None:
    """A JSON field's value as the column takes it (SQL NULL for None, as the ORM does)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _insert_event_sql() -> str:
    names = [
        "seq",
        "recorded_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "request_id",
        "prev_hash",
        "hash",
    ]
    fields = [AuditEvent._meta.get_field(n) for n in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # On PostgreSQL the JSON text goes into jsonb columns; SQLite keeps it as text.
    marks = ", ".join(
        "%s::jsonb"
        if f.get_internal_type() == "JSONField" and connection.vendor == "postgresql"
        else "%s"
        for f in fields
    )
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Walk the whole log in order; return the first break found, or None if intact."""
    expected_seq = 1
    prev_hash = GENESIS
    events: Iterator[AuditEvent] = AuditEvent.objects.order_by("seq").iterator(
        chunk_size=batch_size
    )
    with transaction.atomic():
        for event in events:
            if event.seq != expected_seq:
                return ChainProblem(expected_seq, f"missing (next present is #{event.seq})")
            if event.prev_hash != prev_hash:
                return ChainProblem(event.seq, "does not link to the previous event")
            if _digest(event) != event.hash:
                return ChainProblem(event.seq, "content altered (hash mismatch)")
            prev_hash = event.hash
            expected_seq += 1
        head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            return ChainProblem(None, "missing")
        return None
    if head.last_seq != last_seq or head.last_hash != prev_hash:
        return ChainProblem(
            last_seq + 1 if head.last_seq > last_seq else None,
            f"head says #{head.last_seq} but the log ends at #{last_seq}",
        )
    return None
