"""`rectify backup` and `rectify restore`: the database and every evidence file, with proof.

A backup is a directory:

    manifest.json          engine, app version, created at, audit chain head, and the
                           size and SHA-256 of the database copy and of every file
    database.sqlite3       SQLite: a consistent copy made with the online backup API
    database.pgdump        PostgreSQL: pg_dump in custom format (pg_restore reads it)
    files/<storage name>   every stored evidence file (originals and public copies)

What goes in is one consistent moment: on SQLite the audit head and the file list are read
from the copy itself; on PostgreSQL pg_dump runs on a snapshot exported by the transaction
that reads them. Files written after that moment belong to the next backup.

`restore` refuses a target that already holds data unless `force`, checks every hash before
it writes anything and again after, then walks the audit chain and compares its head with the
manifest. The keys are not in a backup (PII key, secret key): they are kept apart, see
docs/DEPLOY.md.
"""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from rectify import __version__
from rectify.core.audit import verify_chain
from rectify.core.models import AuditChainHead, StoredFile

MANIFEST = "manifest.json"
FILES_DIR = "files"
FORMAT = 1
CHUNK = 1024 * 1024
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

# Plain SQL: it runs on the SQLite copy through the sqlite3 module, and on PostgreSQL on the
# raw connection that holds the exported snapshot. Table names are constants.
_FILES_SQL = (
    "SELECT storage_name, public_name, sha256 "  # noqa: S608
    f"FROM {StoredFile._meta.db_table} ORDER BY storage_name"
)
_HEAD_SQL = f"SELECT last_seq, last_hash FROM {AuditChainHead._meta.db_table} WHERE id = 1"  # noqa: S608


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What the database held at the backup's moment."""

    head_seq: int
    head_hash: str
    files: list[tuple[str, str]]  # (storage name, SHA-256 recorded at upload or "")


# --- helpers -------------------------------------------------------------------------------


def sha256_of(read: Callable[[int], bytes]) -> tuple[str, int]:
    """Hash and size of a stream read in chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _file_hash(path: Path) -> tuple[str, int]:
    with path.open("rb") as fh:
        return sha256_of(fh.read)


def _stored_hash(name: str) -> tuple[str, int]:
    with default_storage.open(name, "rb") as fh:
        return sha256_of(fh.read)


def _safe_relative(name: str) -> PurePosixPath:
    """A storage name as a relative path that cannot leave the backup directory."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("Unsafe file name in the backup: %(name)s") % {"name": repr(name)})
    return path


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password travels in the environment."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = settings_dict.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s is not installed; install the PostgreSQL client (Debian: apt-get "
                "install postgresql-client) of the server's major version or newer."
            )
            % {"tool": name}
        )
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    # argv is pg_dump/pg_restore from PATH with arguments from settings, no shell.
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(argv[0]).name, "error": done.stderr.strip()[-2000:]}
        )


# --- backup --------------------------------------------------------------------------------


def _sqlite_dump(target: Path) -> Snapshot:
    conn = connections[DEFAULT_DB_ALIAS]
    conn.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent image while writers go on (WAL).
        conn.connection.backup(dest)
        # One self-contained file: no -wal/-shm companions in the backup.
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        return _read_snapshot(copy.cursor())
    finally:
        copy.close()


def _read_snapshot(cursor) -> Snapshot:
    cursor.execute(_HEAD_SQL)
    row = cursor.fetchone()
    head_seq, head_hash = (int(row[0]), row[1]) if row else (0, "0" * 64)
    cursor.execute(_FILES_SQL)
    files: list[tuple[str, str]] = []
    for storage_name, public_name, sha256 in cursor.fetchall():
        files.append((storage_name, sha256))
        if public_name:
            files.append((public_name, ""))
    return Snapshot(head_seq, head_hash, files)


def _postgres_dump(target: Path) -> Snapshot:
    conn = connections[DEFAULT_DB_ALIAS]
    settings_dict = conn.settings_dict
    args, env = _pg_env(settings_dict)
    pg_dump = _tool("pg_dump")
    conn.ensure_connection()
    raw = conn.connection
    if conn.in_atomic_block:
        raise BackupError(_("Run the backup outside a transaction."))
    # One snapshot for the dump, the audit head and the file list.
    previous_autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            snapshot = _read_snapshot(cursor)
            _run(
                [
                    pg_dump,
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    "--file",
                    str(target),
                    str(settings_dict["NAME"]),
                ],
                env,
            )
    finally:
        raw.rollback()  # ends the snapshot's transaction, also when pg_dump failed
        raw.autocommit = previous_autocommit
    return snapshot


def _copy_files(snapshot: Snapshot, out: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Copy every stored file into out/files; the entries and the names whose bytes differ
    from the SHA-256 recorded at upload (damaged before this backup)."""
    entries, damaged = [], []
    for name, recorded in snapshot.files:
        dest = out / FILES_DIR / _safe_relative(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with default_storage.open(name, "rb") as src, dest.open("wb") as fh:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    fh.write(chunk)
        except FileNotFoundError as exc:
            raise BackupError(
                _("Stored file %(name)s is missing from the storage.") % {"name": name}
            ) from exc
        sha = digest.hexdigest()
        if recorded and sha != recorded:
            damaged.append(name)
        entries.append({"name": name, "size": size, "sha256": sha})
    return entries, damaged


def backup(out: Path) -> dict[str, Any]:
    """Write a backup of the default database and storage into `out` (new or empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(_("%(dir)s is not empty; back up into a new directory.") % {"dir": out})
    out.mkdir(parents=True, exist_ok=True)
    engine = engine_of()
    started = datetime.now(UTC)
    dump = out / DUMP_NAMES[engine]
    snapshot = _sqlite_dump(dump) if engine == "sqlite" else _postgres_dump(dump)
    db_hash, db_size = _file_hash(dump)
    files, damaged = _copy_files(snapshot, out)
    manifest = {
        "format": FORMAT,
        "app": "rectify",
        "app_version": __version__,
        "created_at": started.isoformat(),
        "database": {
            "engine": engine,
            "file": dump.name,
            "size": db_size,
            "sha256": db_hash,
        },
        "audit_head": {"seq": snapshot.head_seq, "hash": snapshot.head_hash},
        "files": files,
        "files_total_bytes": sum(f["size"] for f in files),
        "damaged_before_backup": damaged,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


# --- restore -------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict[str, Any]:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(dir)s is not a Rectify backup: %(file)s is missing.")
            % {"dir": src, "file": MANIFEST}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(
            _("%(file)s is damaged: it is not valid JSON (%(error)s).")
            % {"file": path, "error": exc}
        ) from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("app") != "rectify"
        or manifest.get("format") != FORMAT
    ):
        raise BackupError(
            _("%(file)s is not a Rectify backup of format %(format)s.")
            % {"file": path, "format": FORMAT}
        )
    return manifest


def verify_backup(src: Path, manifest: dict[str, Any]) -> None:
    """Every byte of the backup as the manifest says, or a BackupError naming what is not."""
    src = Path(src)
    db = manifest["database"]
    if _file_hash(src / db["file"]) != (db["sha256"], db["size"]):
        raise BackupError(
            _("%(file)s does not match its SHA-256 in the manifest.") % {"file": db["file"]}
        )
    bad = [
        f["name"]
        for f in manifest["files"]
        if not (src / FILES_DIR / _safe_relative(f["name"])).is_file()
        or _file_hash(src / FILES_DIR / _safe_relative(f["name"])) != (f["sha256"], f["size"])
    ]
    if bad:
        raise BackupError(
            _("%(n)s file(s) of the backup do not match the manifest, first: %(name)s")
            % {"n": len(bad), "name": bad[0]}
        )


def target_contents() -> list[str]:
    """What already lives in the target instance (empty list: safe to restore into)."""
    found = []
    tables = connections[DEFAULT_DB_ALIAS].introspection.table_names()
    if tables:
        found.append(_("the database has %(n)s tables") % {"n": len(tables)})
    if _storage_has_files():
        found.append(_("the evidence storage already holds files"))
    return found


def _storage_has_files() -> bool:
    try:
        dirs, files = default_storage.listdir("")
    except (FileNotFoundError, NotImplementedError):
        return False
    return bool(files or dirs)


def _restore_sqlite(dump: Path) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    conn.close()
    conn.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        # Replaces every page of the target database, whatever it held.
        source.backup(conn.connection)
    finally:
        source.close()
    conn.close()


def _restore_postgres(dump: Path, *, force: bool) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    settings_dict = conn.settings_dict
    args, env = _pg_env(settings_dict)
    conn.close()
    argv = [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error"]
    if force:
        argv += ["--clean", "--if-exists"]
    argv += ["--single-transaction", "--dbname", str(settings_dict["NAME"]), str(dump)]
    _run(argv, env)


def _restore_files(src: Path, manifest: dict[str, Any], *, force: bool) -> None:
    for entry in manifest["files"]:
        name = entry["name"]
        if default_storage.exists(name):
            if not force:
                raise BackupError(_("%(name)s already exists in the storage.") % {"name": name})
            default_storage.delete(name)
        with (src / FILES_DIR / _safe_relative(name)).open("rb") as fh:
            saved = default_storage.save(name, File(fh, name=PurePosixPath(name).name))
        if saved != name:
            raise BackupError(
                _("The storage renamed %(name)s to %(saved)s; restore stopped.")
                % {"name": name, "saved": saved}
            )


def verify_restored(manifest: dict[str, Any]) -> None:
    """Files in the storage, audit chain and head exactly as the manifest says."""
    bad = [
        f["name"]
        for f in manifest["files"]
        if not default_storage.exists(f["name"])
        or _stored_hash(f["name"]) != (f["sha256"], f["size"])
    ]
    if bad:
        raise BackupError(
            _("%(n)s restored file(s) differ from the backup, first: %(name)s")
            % {"n": len(bad), "name": bad[0]}
        )
    problem = verify_chain()
    if problem is not None:
        raise BackupError(
            _("The audit chain is broken after the restore at %(where)s.") % {"where": problem}
        )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_HEAD_SQL)
        row = cursor.fetchone()
    head = {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64}
    if head != manifest["audit_head"]:
        raise BackupError(
            _("The audit head after the restore is #%(seq)s; the backup says #%(expected)s.")
            % {"seq": head["seq"], "expected": manifest["audit_head"]["seq"]}
        )


def restore(src: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into this instance's database and storage; verified before and after."""
    src = Path(src)
    manifest = read_manifest(src)
    engine = engine_of()
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            _("The backup is of a %(backup)s database; this instance uses %(engine)s.")
            % {"backup": manifest["database"]["engine"], "engine": engine}
        )
    verify_backup(src, manifest)
    if not force and (found := target_contents()):
        raise BackupError(
            _(
                "The target is not empty (%(found)s); restore into a fresh instance, or pass "
                "--force to replace what it holds."
            )
            % {"found": "; ".join(found)}
        )
    dump = src / manifest["database"]["file"]
    if engine == "sqlite":
        _restore_sqlite(dump)
    else:
        _restore_postgres(dump, force=force)
    _restore_files(src, manifest, force=force)
    verify_restored(manifest)
    _new_data_version_token()
    return manifest


def _new_data_version_token() -> None:
    """Give the restored database a new data-version token (problems.versioned): a server
    that cached figures of the overwritten database under (token, n) can never serve them
    for the restored one, whose counter may repeat an old n."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "UPDATE rectify_data_version SET token = %s WHERE id = 1", [secrets.token_hex(16)]
        )
