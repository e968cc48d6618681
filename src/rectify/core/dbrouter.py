"""Read routing to PostgreSQL streaming replicas, only where a stale read is acceptable.

`RECTIFY_REPLICA_URLS` adds the aliases replica1, replica2, ... (settings.py). Nothing reads
from them unless a caller asks: a router that sent every read to a replica would break
read-your-writes (save a problem, reload the page, see the old version; check a version for
optimistic locking against a lagging copy). Dashboards and reports ask explicitly:

    with reporting_reads():          # or @reporting_view on a read-only view
        figures = dashboard_figures(...)

Inside the block, ORM reads of domain models go to one replica (chosen per block, round
robin); writes, and reads of sessions, users, tokens, two-factor devices and lockouts, always
go to the primary. Without replicas `reporting_db()` is "default" and the block changes nothing.
Raw SQL must use `connections[read_alias()]`, not `connection`, to follow the routing.
"""

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA_PREFIX = "replica"
# Always read from the primary: a session or login made a moment ago on another app
# server may not have reached the replica yet (sign-in would bounce), lockout counts must
# not lag, and core (audit log, stored files) is read to prove integrity, never stale.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "contenttypes", "axes", "otp_totp", "django_otp", "core"}
)

_reading_from: ContextVar[str | None] = ContextVar("rectify_reporting_db", default=None)
_lock = threading.Lock()
_turns: dict[tuple[str, ...], Iterator[str]] = {}


def replica_aliases() -> tuple[str, ...]:
    """The configured replica aliases, in order (empty without RECTIFY_REPLICA_URLS)."""
    return tuple(alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX))


def reporting_db() -> str:
    """The alias a report should read from: the next replica in turn, else the primary."""
    aliases = replica_aliases()
    if not aliases:
        return DEFAULT_DB_ALIAS
    with _lock:
        turn = _turns.setdefault(aliases, itertools.cycle(aliases))
        return next(turn)


def read_alias() -> str:
    """The alias domain reads go to right now: the block's replica, else "default".

    Code that reads outside the ORM (raw SQL, a data-version check of a cache) uses
    `connections[read_alias()]` so that it sees the same database as the ORM reads.
    """
    return _reading_from.get() or DEFAULT_DB_ALIAS


@contextmanager
def reporting_reads() -> Iterator[str]:
    """Within the block, domain reads go to a replica (stale by the replication lag)."""
    current = _reading_from.get()
    alias = current or reporting_db()
    token = _reading_from.set(alias)
    try:
        yield alias
    finally:
        _reading_from.reset(token)


def reporting_view(view: Callable) -> Callable:
    """Run a read-only (GET/HEAD) view inside `reporting_reads()`; other methods unchanged."""

    @wraps(view)
    def wrapper(request, *args: Any, **kwargs: Any):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # Load the session and user from the primary before the block starts.
        _ = getattr(request, "user", None) and request.user.is_authenticated
        with reporting_reads():
            return view(request, *args, **kwargs)

    return wrapper


class ReportingRouter:
    """Reads go to the replica chosen by `reporting_reads()`; everything else to default."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = _reading_from.get()
        if alias is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return alias

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Replicas hold the same rows as the primary: objects may be related across them.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # Replicas follow the primary's schema through replication; never migrate them.
        return not db.startswith(REPLICA_PREFIX)
