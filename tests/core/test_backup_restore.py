"""`rectify backup` and `rectify restore` drill: a loaded instance, backed up, restored into a
fresh one, must give the same disclosures, an intact audit chain and the same file bytes.

Runs on the engine of the suite (SQLite, or PostgreSQL with pg_dump/pg_restore). Both
instances are separate processes with their own var dir and (on PostgreSQL) their own scratch
database: pytest's test database is inside a transaction no other process can see.
"""

import hashlib
import json
import shutil
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.deploy.support import (
    ROOT,
    instance_env,
    on_postgres,
    pg_url,
    rectify,
    run_python,
    scratch_database,
)


def media_hashes(var_dir: Path) -> dict[str, str]:
    media = var_dir / "media"
    if not media.exists():
        return {}
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }


DISCLOSURES = """
import json
from datetime import timedelta
from io import StringIO
from django.core.management import call_command
from django.utils import timezone
from rectify.problems.models import Inspection
yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
asks = [(c, yesterday) for c in Inspection.objects.order_by("code").values_list("code", flat=True)]
asks.append(("central-2018-lookback", "2020-08-31"))  # the published one, frozen
out = {}
for code, as_of in asks:
    buf = StringIO()
    call_command(
        "report", "disclosure", "--inspection", code, "--as-of", as_of, "--format", "json",
        stdout=buf,
    )
    out[f"{code}@{as_of}"] = json.loads(buf.getvalue())
print(json.dumps(out, ensure_ascii=False))
"""
VERIFY = """
from django.core.management import call_command
from rectify.core.models import AuditChainHead
call_command("audit", "verify")
head = AuditChainHead.objects.get()
print(head.last_seq, head.last_hash)
"""


def disclosures(env: dict[str, str]) -> dict[str, dict]:
    """`rectify report disclosure --format json` of every inspection as of yesterday, and of
    the published 2018 look-back as of 2020-08-31 (one process)."""
    return json.loads(run_python(env, DISCLOSURES))


def verified_head(env: dict[str, str]) -> list[str]:
    """`rectify audit verify` (raises when the chain is broken), then the chain head."""
    out = run_python(env, VERIFY).split()
    assert out[:3] == ["audit", "chain", "intact:"], out
    return out[-2:]


@dataclass
class Source:
    """The loaded instance, what it showed, and its backup."""

    env: dict[str, str]
    disclosures: dict[str, dict]
    files: dict[str, str]
    backup: Path
    manifest: dict


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An instance loaded with the data set, backed up once for every test of this module."""
    tmp = tmp_path_factory.mktemp("backup_source")
    with scratch_database("bk_src") if on_postgres() else nullcontext() as name:
        env = instance_env(tmp / "var", pg_url(name) if name else "", PYTHONPATH=str(ROOT))
        rectify(env, "migrate", "--noinput", "-v0")
        run_python(env, "from tests.deploy import dataset; dataset.full()")
        before = disclosures(env)
        files = media_hashes(tmp / "var")
        rectify(env, "backup", "-o", str(tmp / "backup"))
        manifest = json.loads((tmp / "backup" / "manifest.json").read_text())
        yield Source(env, before, files, tmp / "backup", manifest)


@pytest.fixture
def target(tmp_path):
    """A fresh instance: empty var dir, and (PostgreSQL) an empty, unmigrated database."""
    with scratch_database("bk_dst") if on_postgres() else nullcontext() as name:
        url = pg_url(name) if name else ""
        yield instance_env(tmp_path / "var", url), tmp_path / "var", url


def test_backup_restores_into_a_fresh_instance_with_same_disclosures_audit_and_files(
    source, target
):
    dst, dst_var, dst_url = target
    before = source.disclosures
    assert len(before) == 4  # three inspections and the published disclosure
    assert before["central-2018-lookback@2020-08-31"]["problems"]["total"] == 42
    assert len(source.files) >= 6  # photos with their public copies, PDF, Word
    manifest = source.manifest
    assert manifest["database"]["engine"] == ("postgresql" if on_postgres() else "sqlite")
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == source.files
    assert manifest["audit_head"]["seq"] > 1000

    done = rectify(dst, "restore", str(source.backup))
    assert "every hash matches" in done.stdout

    assert disclosures(dst) == before
    assert media_hashes(dst_var) == source.files
    head = verified_head(dst)
    assert head == [str(manifest["audit_head"]["seq"]), manifest["audit_head"]["hash"]]

    # A second restore into the now non-empty instance is refused and changes nothing.
    again = rectify(dst, "restore", str(source.backup), check=False)
    assert again.returncode != 0 and "--force" in again.stderr  # "restore … or pass --force"
    assert verified_head(dst) == head

    if on_postgres():
        # The restored database keeps the trigger that makes the audit log append-only.
        with psycopg.connect(dst_url.replace("postgres://", "postgresql://", 1)) as conn:
            for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    conn.execute(sql)
                conn.rollback()


def test_restore_refuses_a_damaged_backup_before_writing_anything(source, target, tmp_path):
    dst, dst_var, _ = target
    damaged = tmp_path / "damaged"
    shutil.copytree(source.backup, damaged)
    entry = max(source.manifest["files"], key=lambda f: f["size"])
    victim = damaged / "files" / entry["name"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))

    refused = rectify(dst, "restore", str(damaged), check=False)
    assert refused.returncode != 0
    assert entry["name"] in refused.stderr
    assert media_hashes(dst_var) == {}
    # Nothing was written: the target is still empty, so the intact backup restores
    # without --force.
    done = rectify(dst, "restore", str(source.backup))
    assert "every hash matches" in done.stdout
