"""A cache of as-of figures that no committed change can outlive.

Answers are kept under the database's data version (migration problems 0006: a trigger on
every table the figures read advances it in the same transaction as the change), so an
answer is reused only while nothing it was computed from has changed: figures as of a
past date still follow a backdated event recorded a second ago. The version is read
before computing, so an answer is never older than the version it is stored under.

Not used inside a transaction (connection.in_atomic_block): there the caller may see its
own uncommitted writes, which must not reach anyone else's answer.

Per process (each server worker keeps its own), bounded, least recently used first out.
Values are deep-copied in and out, so callers may change what they get.
"""

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

from rectify.core.dbrouter import read_alias
from rectify.core.scoping import scope_of

T = TypeVar("T")
MAX_ENTRIES = 512

_lock = threading.Lock()
_store: OrderedDict[Hashable, Any] = OrderedDict()


def data_version() -> tuple[str, int] | None:
    """(database token, counter), or None where answers must not be cached."""
    if connection.in_atomic_block:
        return None
    # The version of the database the figures are read from (a replica inside
    # core.dbrouter.reporting_reads): a figure computed on a lagging replica must not be
    # stored under the primary's newer version.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute("SELECT token, n FROM rectify_data_version WHERE id = 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or the answer computed under the same key at the current data version."""
    version = data_version()
    if version is None:
        return compute()
    full = (version, read_alias(), key)
    with _lock:
        if full in _store:
            _store.move_to_end(full)
            return copy.deepcopy(_store[full])
    value = compute()
    with _lock:
        _store[full] = copy.deepcopy(value)
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _store.clear()


def scope_key(user) -> Hashable:
    """A hashable key for what `user` may see (core.scoping): users with equal keys see
    the same rows. A scope is computed from grants and orgs on every request, so a change
    to either shows up here (and advances the version besides)."""
    scope = scope_of(user)
    if scope.all:
        return "all"
    if scope.is_empty:
        return "none"
    return query_key(scope.org_ids)


def query_key(qs) -> tuple:
    """A hashable key for a queryset: its SQL and parameters (the scope's org ids are in
    them, so two callers share an answer only when they see the same rows)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # qs.none(): nothing to see
        return ("none", qs.model._meta.label)
    return (sql, tuple(str(p) for p in params))
