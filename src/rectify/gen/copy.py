"""The fastest safe bulk path per engine, with explicit ids and per-table timing.

PostgreSQL: COPY … FROM STDIN through psycopg 3 (cursor.copy); SQLite: executemany of plain
INSERTs on the raw sqlite3 cursor. Both run inside the caller's transaction, so every
constraint (NOT NULL, CHECK, UNIQUE, foreign keys) is checked as for any other write.
Ids are allocated here (max(id) + 1 …), so children can be written without reading ids
back; the PostgreSQL identity sequences are moved past them at the end (sync_sequences).
"""

import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection


@lru_cache(maxsize=65536)
def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


@dataclass
class TableStat:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Loader:
    """Writes rows into tables; remembers the next id of each table and the time spent."""

    stats: dict[str, TableStat] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)
    defer_indexes: bool = False
    deferred: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def pg(self) -> bool:
        return connection.vendor == "postgresql"

    def ids(self, table: str, n: int) -> range:
        """`n` fresh ids for `table`."""
        if table not in self.next_id:
            with connection.cursor() as cur:
                cur.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608
                self.next_id[table] = (cur.fetchone()[0] or 0) + 1
        start = self.next_id[table]
        self.next_id[table] = start + n
        return range(start, start + n)

    def dt(self, value: datetime | None):
        """A datetime as the engine stores it (SQLite: naive UTC text, as Django writes)."""
        if value is None or self.pg:
            return value
        return _sqlite_datetime(value)

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Write `rows` (tuples in `columns` order) into `table`; returns the row count."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return 0
        t0 = time.perf_counter()
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.pg:
            connection.ensure_connection()
            sql = f'COPY "{table}" ({cols}) FROM STDIN'
            with connection.cursor() as wrapper, wrapper.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            connection.ensure_connection()
            marks = ", ".join("?" * len(columns))
            raw = connection.connection.cursor()
            try:
                raw.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608
            finally:
                raw.close()
        stat = self.stats.setdefault(table, TableStat())
        stat.rows += len(rows)
        stat.seconds += time.perf_counter() - t0
        return len(rows)

    def update(self, table: str, column: str, pairs: list[tuple]) -> None:
        """SET `column` = value WHERE id = id for each (value, id) of `pairs` (SQLite)."""
        if not pairs:
            return
        t0 = time.perf_counter()
        raw = connection.connection.cursor()
        try:
            raw.executemany(f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?', pairs)  # noqa: S608
        finally:
            raw.close()
        self.timed(table, time.perf_counter() - t0)

    def timed(self, table: str, seconds: float, rows: int = 0) -> None:
        """Add time spent on `table` outside insert() (index builds, updates)."""
        stat = self.stats.setdefault(table, TableStat())
        stat.seconds += seconds
        stat.rows += rows

    # --- secondary indexes: built once after the load instead of row by row ---------------

    def _indexes(self, table: str) -> list[tuple[str, str]]:
        with connection.cursor() as cur:
            if self.pg:
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.tablename = %s AND i.schemaname = current_schema() "
                    "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            else:
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            return list(cur.fetchall())

    @contextmanager
    def indexes_deferred(self, *tables: str):
        """Drop the plain (non-unique) indexes of `tables` for the block and build them again
        at its end, in the same transaction: nothing the app relies on is missing after."""
        if not self.defer_indexes:
            yield
            return
        saved = {t: self._indexes(t) for t in tables}
        fks = {t: self._foreign_keys(t) for t in tables} if self.pg else {}
        with connection.cursor() as cur:
            if self.pg:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, constraints in fks.items():
                for name, _sql in constraints:
                    cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for indexes in saved.values():
                for name, _sql in indexes:
                    cur.execute(f'DROP INDEX "{name}"')
            if self.pg:
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        with connection.cursor() as cur:
            if self.pg:  # checks still pending on other tables would block CREATE INDEX
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, indexes in saved.items():
                t0 = time.perf_counter()
                for _name, sql in indexes:
                    cur.execute(sql)
                # PostgreSQL: foreign keys added back are checked over the whole table in
                # one pass (instead of one lookup per copied row).
                for name, definition in fks.get(table, []):
                    cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                self.timed(table, time.perf_counter() - t0)
            if self.pg:
                cur.execute("SET CONSTRAINTS ALL DEFERRED")

    def _foreign_keys(self, table: str) -> list[tuple[str, str]]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = %s::regclass",
                [f'"{table}"'],
            )
            return list(cur.fetchall())

    @contextmanager
    def row_triggers_suspended(self, *tables: str):
        """SQLite: the data-version row triggers (problems migration 0006: AFTER INSERT,
        `UPDATE rectify_data_version SET n = n + 1`, once per row) are taken off `tables`
        for the block and put back at its end, and the version is advanced once instead,
        in the same transaction, as the triggers would have. Nothing else is touched."""
        if self.pg or not self.defer_indexes:
            yield
            return
        with connection.cursor() as cur:
            names = [f"rectify_dv_INSERT_{t}" for t in tables]
            marks = ", ".join(["%s"] * len(names))
            cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608
                names,
            )
            saved = list(cur.fetchall())
            for name, _sql in saved:
                cur.execute(f'DROP TRIGGER "{name}"')
        yield
        with connection.cursor() as cur:
            for _name, sql in saved:
                cur.execute(sql)
            if saved:
                cur.execute("UPDATE rectify_data_version SET n = n + 1 WHERE id = 1")

    def sync_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids written here."""
        if not self.pg:
            return
        with connection.cursor() as cur:
            for table in self.next_id:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'
                )


@contextmanager
def fast_sqlite():
    """For a generator run on SQLite (outside any transaction): no fsync and a large page
    cache; the previous settings come back afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        synchronous = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size")
        cache_size = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("PRAGMA cache_size = -524288")  # 512 MB
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA synchronous = {int(synchronous)}")
            cur.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
