"""Synthetic data at three scales for benchmarks and CI: `rectify gen --scale …`.

    small     Guizhou, ~300 problems, ~2,000 complaints (seconds; CI and tests)
    province  Guizhou, 5,000 problems, 50,000 complaints
    national  31 provinces, 100,000 problems, ~600,000 progress reports, 1,000,000 complaints

Deterministic per seed (and `today`): the same seed gives the same rows (ids included, on an
empty database) except encrypted complainants (random nonces) and audit timestamps; the
digest of the report covers the rest. Bulk writes (copy.py) inside one transaction per stage,
so every model constraint is checked by the database; derived columns are set as the
models' save() and the actions would. Audit: one event per province, inspection, dispatch
period, complaint batch and accountability stage (not one per row), appended with
core.audit.record_many, so `rectify audit verify` holds.
"""

import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime

from django.db import connection, transaction
from django.utils import timezone

from rectify.core import audit
from rectify.gen import complaints as gen_complaints
from rectify.gen import ledger as gen_ledger
from rectify.gen import oversight as gen_oversight
from rectify.gen.copy import Loader, fast_sqlite
from rectify.gen.dispatch import Dispatch
from rectify.gen.orgs import NATIONAL_OFFICE, PASSWORD, PROVINCES, load_orgs, make_users


@dataclass(frozen=True)
class Scale:
    provinces: int
    problems: int
    complaints: int
    dispatch_from: date  # first dispatched month (sets the number of progress reports)
    workers: int  # processes computing complaint signatures


SCALES = {
    "small": Scale(1, 300, 2_000, date(2024, 1, 1), 1),
    "province": Scale(1, 5_000, 50_000, date(2024, 1, 1), 2),
    "national": Scale(31, 100_000, 1_000_000, date(2024, 1, 1), 2),
}


def _shares(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders; sums exactly)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: out[i] - raw[i])[: total - sum(out)]:
        out[i] += 1
    return out


def generate(
    scale: str = "small",
    *,
    seed: int = 2026,
    today: date | None = None,
    workers: int | None = None,
    log=print,
) -> dict:
    """Fill the database; returns the report (counts, timings, users, digest)."""
    cfg = SCALES[scale]
    today = today or timezone.localdate()
    now = timezone.make_aware(datetime.combine(today, dtime(9)))
    codes = PROVINCES[: cfg.provinces]
    loader = Loader(defer_indexes=scale != "small")
    started = time.perf_counter()
    stages: dict[str, float] = {}
    report: dict = {"scale": scale, "seed": seed, "today": today.isoformat()}
    with fast_sqlite():
        t0 = time.perf_counter()
        with transaction.atomic():
            users, token = _orgs_and_users(codes)
        stages["orgs_and_users"] = time.perf_counter() - t0
        log(f"orgs and users: {stages['orgs_and_users']:.1f}s")

        t0 = time.perf_counter()
        with transaction.atomic():
            ledger_counts, provinces = _ledger(cfg, codes, users, loader, seed, today, now, log)
        stages["ledger_and_dispatch"] = time.perf_counter() - t0
        log(f"ledger and dispatch: {stages['ledger_and_dispatch']:.1f}s")

        t0 = time.perf_counter()
        with transaction.atomic():
            complaint_counts = _complaints(
                cfg, provinces, users, loader, seed, today, now, workers, log
            )
        stages["complaints"] = time.perf_counter() - t0
        log(f"complaints: {stages['complaints']:.1f}s")

        t0 = time.perf_counter()
        with transaction.atomic():
            oversight_counts = _oversight(provinces, users, seed, today, now)
            loader.sync_sequences()
        stages["oversight"] = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            # Planner statistics for the new rows now rather than whenever autovacuum
            # comes by: until then the first benchmarks would run on guessed plans.
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
            stages["analyze"] = time.perf_counter() - t0
    total = time.perf_counter() - started
    report.update(
        {
            "engine": connection.vendor,
            "seconds": round(total, 1),
            "stages": {k: round(v, 1) for k, v in stages.items()},
            "tables": {
                t: {
                    "rows": s.rows,
                    "seconds": round(s.seconds, 2),
                    "rows_per_s": round(s.rows / s.seconds) if s.seconds else None,
                }
                for t, s in sorted(loader.stats.items())
            },
            "counts": {**ledger_counts, **complaint_counts, **oversight_counts},
            "users": sorted(users),
            "password": PASSWORD,
            "api_token": token,
            "digest": digest(),
        }
    )
    return report


def _orgs_and_users(codes):
    from rectify.accounts.actions import do_create_token
    from rectify.accounts.models import ApiToken

    load_orgs(codes)
    users = make_users(codes)
    office = users[NATIONAL_OFFICE]
    audit.record_many(
        [
            audit.Entry("gen.users", "accounts.user", str(u.pk), u.username, after={"role": u.role})
            for u in users.values()
        ],
        actor="gen",
    )
    token = None
    if not ApiToken.objects.filter(user=office, name="gen", revoked_at__isnull=True).exists():
        _t, token = do_create_token(actor=office, name="gen")
    return users, token


def _rng(seed: int, *parts) -> random.Random:
    return random.Random("-".join(map(str, (seed, *parts))))  # noqa: S311 - reproducible data


def _ledger(cfg, codes, users, loader, seed, today, now, log):
    provinces = [gen_ledger.read_province(c) for c in codes]
    for prov in provinces:
        gen_ledger.make_inspections(prov, _rng(seed, prov.code, "inspections"), today, now)
    office = users[NATIONAL_OFFICE]
    dispatch = Dispatch(loader, cfg.dispatch_from, today, office.pk)
    dispatch.authors = {p.code: users[f"gen_unit_{p.code}"].pk for p in provinces}
    periods = dispatch.make_periods(now)
    ctx = gen_ledger.context(loader, today, now, users[f"gen_unit_{codes[0]}"], office, dispatch)
    shares = _shares(cfg.problems, [len(p.counties) + 10 for p in provinces])
    counts = {
        "provinces": len(provinces),
        "periods": periods,
        "problems": 0,
        "events": 0,
        "reports": 0,
    }
    entries = []
    with (
        loader.indexes_deferred(gen_ledger.T_EVENT, "dispatch_progressreport"),
        loader.row_triggers_suspended(
            gen_ledger.T_EVENT, gen_ledger.T_MILESTONE, gen_ledger.T_COOP, gen_ledger.T_PROBLEM
        ),
    ):
        for prov, n in zip(provinces, shares, strict=True):
            got = gen_ledger.generate_province(prov, n, ctx, _rng(seed, prov.code, "ledger"))
            for k, v in got.items():
                counts[k] += v
            entries += [
                audit.Entry("gen.inspection", "problems.inspection", str(i.pk), i.code)
                for i, _w in prov.inspections
            ]
            entries.append(
                audit.Entry("gen.ledger", "orgs.org", str(prov.org.pk), prov.code, after=got)
            )
            log(f"  ledger {prov.code}: {got}")
    counts["inspections"] = sum(len(p.inspections) for p in provinces)
    audit.record_many(entries, actor="gen")
    return counts, provinces


def _complaints(cfg, provinces, users, loader, seed, today, now, workers, log):
    office = users[NATIONAL_OFFICE]
    ctx = gen_complaints.ComplaintContext(
        loader=loader,
        today=today,
        now=now,
        office_id=office.pk,
        handler_ids={p.code: users[f"gen_unit_{p.code}"].pk for p in provinces},
        types=gen_complaints.pollution_types(),
        indexer=None,
        stamp=loader.dt(now),
    )
    shares = _shares(cfg.complaints, [len(p.counties) + 10 for p in provinces])
    # Not the complaint table: SQLite looks up its latest_result_id index for each handling
    # result written after it (a deferred foreign key pending), so that index must stay.
    tables = [
        gen_complaints.T_TYPES,
        gen_complaints.T_STEP,
        gen_complaints.T_RESULT,
        gen_complaints.T_BAND,
    ]
    with (
        gen_complaints.Indexer(workers or cfg.workers) as indexer,
        loader.indexes_deferred(*tables),
        loader.row_triggers_suspended(*tables, gen_complaints.T_COMPLAINT),
    ):
        ctx.indexer = indexer
        for prov, n in zip(provinces, shares, strict=True):
            got = gen_complaints.generate_province(
                prov, n, ctx, _rng(seed, prov.code, "complaints")
            )
            log(f"  complaints {prov.code}: {got}")
        gen_complaints.flush(ctx)
    audit.record_many(
        [
            audit.Entry(
                "gen.complaint_batch",
                "complaints.complaintbatch",
                str(b),
                f"{ins} #{no}",
                after={"complaints": m},
            )
            for b, ins, no, m in ctx.batches
        ],
        actor="gen",
    )
    return {**ctx.counts, "batches": len(ctx.batches)}


def _oversight(provinces, users, seed, today, now):
    office = users[NATIONAL_OFFICE]
    counts: dict[str, int] = {}
    entries = []
    for prov in provinces:
        got = gen_oversight.generate_province(
            prov, today, now, office, _rng(seed, prov.code, "oversight")
        )
        for k, v in got.items():
            counts[k] = counts.get(k, 0) + v
        entries.append(
            audit.Entry("gen.oversight", "orgs.org", str(prov.org.pk), prov.code, after=got)
        )
    audit.record_many(entries, actor="gen")
    return counts


# Tables whose content the digest covers and the columns read: ids this generator assigns
# and values, never ids of rows written through the ORM (orgs, inspections, users: their
# PostgreSQL sequences do not roll back) or random ones (ciphertexts, audit times).
DIGEST_TABLES = {
    "problems_problem": "id, number, title, description, deadline, start_date, sort_key",
    "problems_statusevent": "id, problem_id, kind, effective_date, percent, new_deadline",
    "problems_measure": "id, problem_id, seq, text, due_date, done",
    "dispatch_progressreport": "id, problem_id, period_id, percent, state, effective_date",
    "complaints_complaint": (
        "id, batch_id, acceptance_no, content, state, closed_on, repeat_of_id, place_key"
    ),
    "complaints_complaintstep": "id, complaint_id, step, to_state, effective_date",
    "complaints_handlingresult": "id, complaint_id, verdict, fines_yuan",
    "complaints_complaintband": "id, complaint_id, key",
}


def digest() -> str:
    """SHA-256 over the generated content (sampled: every 97th row of each table) and the
    row counts: equal for two runs with the same seed and date on the same engine."""
    h = hashlib.sha256()
    with connection.cursor() as cur:
        for table, cols in DIGEST_TABLES.items():
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            h.update(f"{table}:{cur.fetchone()[0]}".encode())
            cur.execute(f'SELECT {cols} FROM "{table}" WHERE id % 97 = 0 ORDER BY id')  # noqa: S608
            for row in cur.fetchall():
                h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()


def print_report(report: dict, write=print) -> None:
    write(
        f"rectify gen --scale {report['scale']} --seed {report['seed']} on {report['engine']}: "
        f"{report['seconds']}s"
    )
    write(f"{'table':<38}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
    for table, s in report["tables"].items():
        write(f"{table:<38}{s['rows']:>12,}{s['seconds']:>10.1f}{(s['rows_per_s'] or 0):>12,}")
    write("stages: " + ", ".join(f"{k} {v}s" for k, v in report["stages"].items()))
    write("counts: " + json.dumps(report["counts"], ensure_ascii=False))
    write(f"users (password {report['password']}): {', '.join(report['users'][:5])} …")
    if report.get("api_token"):
        write(f"API token of {NATIONAL_OFFICE}: {report['api_token']}")
    write(f"digest {report['digest']}")
