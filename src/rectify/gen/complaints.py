"""Complaints handed over during each central inspection's month on site: daily batches,
complaints in the office's words (texts after bench/complaints_dedupe.py: towns, villages
and rivers fixed per county, so that one county's complaints share them), pollution types,
some encrypted complainants, the RECEIVE / ASSIGN / CLOSE … steps with the complaint's
current fields set as complaints.actions would leave them, handling results, repeats linked
by the office, and the repeat-detection index (signature, place key, LSH bands) computed
with rectify.complaints.dedupe — in a pool of worker processes when there are many.
"""

import multiprocessing
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from rectify.complaints import crypto, dedupe
from rectify.complaints.models import (
    Complainant,
    Complaint,
    ComplaintBand,
    ComplaintBatch,
    ComplaintStep,
    HandlingResult,
    PollutionType,
)
from rectify.complaints.states import Channel, Industry, State, Step, Verdict
from rectify.gen import vocab
from rectify.gen.copy import Loader

T_BATCH = ComplaintBatch._meta.db_table
T_COMPLAINT = Complaint._meta.db_table
T_TYPES = Complaint.pollution_types.through._meta.db_table
T_PERSON = Complainant._meta.db_table
T_STEP = ComplaintStep._meta.db_table
T_RESULT = HandlingResult._meta.db_table
T_BAND = ComplaintBand._meta.db_table

ABBR = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL",
    "23": "HL", "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX",
    "37": "SD", "41": "HA", "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI",
    "50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ", "61": "SN", "62": "GS",
    "63": "QH", "64": "NX", "65": "XJ",
}  # fmt: skip
# The dedupe vocabulary's kinds → pollution type codes (seeded by migration).
KIND_TYPES = {"水": "water", "大气": "air", "噪声": "noise", "土壤": "soil", "生态": "ecology"}
KIND_INDUSTRY = {
    "水": [Industry.INDUSTRIAL, Industry.LIVESTOCK, Industry.URBAN, Industry.RURAL],
    "大气": [Industry.INDUSTRIAL, Industry.URBAN, Industry.MINING],
    "噪声": [Industry.URBAN, Industry.INDUSTRIAL, Industry.OTHER],
    "土壤": [Industry.INDUSTRIAL, Industry.MINING, Industry.RURAL],
    "生态": [Industry.MINING, Industry.RESERVE, Industry.RURAL],
}
FINDINGS = [
    "经现场调查核实，反映的问题属实，该企业存在{act}的情况。",
    "经调查，该点位确有{act}现象，但不如反映的严重。",
    "经现场检查，未发现反映的{act}问题，企业环保设施运行正常。",
]
HANDLING = [
    "已责令企业立即停止违法行为，限期整改，并依法立案查处。",
    "已督促企业完善污染防治设施，加强日常监管，群众满意。",
    "已对涉事单位进行约谈，整改已完成并通过现场复核。",
    "已向举报人反馈调查处理结果，将持续跟踪督办。",
]
VERDICTS = [Verdict.TRUE, Verdict.MOSTLY_TRUE, Verdict.PARTLY_TRUE, Verdict.UNTRUE]
VERDICT_W = [45, 15, 20, 20]

COMPLAINT_COLS = [
    "id",
    "batch_id",
    "acceptance_no",
    "original_order",
    "channel",
    "received_on",
    "content",
    "region_id",
    "region_confirmed",
    "industry",
    "is_key",
    "longitude",
    "latitude",
    "lead_unit_id",
    "deadline",
    "state",
    "closed_on",
    "stage_closed_on",
    "latest_result_id",
    "problem_id",
    "repeat_of_id",
    "repeat_linked_on",
    "signature",
    "place_key",
    "version",
    "created_at",
]
STEP_COLS = [
    "id",
    "complaint_id",
    "step",
    "from_state",
    "to_state",
    "effective_date",
    "recorded_at",
    "actor_id",
    "lead_unit_id",
    "deadline",
    "reason",
]
RESULT_COLS = [
    "id",
    "complaint_id",
    "effective_date",
    "recorded_at",
    "actor_id",
    "investigation",
    "verdict",
    "handling",
    "ordered_rectify",
    "penalty_cases",
    "fines_yuan",
    "criminal_cases",
    "admin_detained",
    "criminal_detained",
    "interviewed",
    "held_accountable",
    "accountability",
]


def _name(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(vocab.NAME_CHARS) for _ in range(n))


# --- the repeat-detection index, computed in worker processes -----------------------------

_REGIONS = None  # the region-name index, read before the workers fork


def _index_chunk(items: list[tuple[str, str]]) -> tuple[list, list[str], np.ndarray]:
    """(signature bytes or None, place key) of each (text, region path), and the band keys
    (one row of dedupe.BANDS per text with a signature)."""
    sigs = dedupe.signatures([t for t, _p in items])
    keys = [dedupe.place_key(t, regions=_REGIONS) for t, _p in items]
    have = [i for i, s in enumerate(sigs) if s is not None]
    bands = np.empty((0, dedupe.BANDS), dtype=np.int64)
    if have:
        areas = [dedupe.area_code(items[i][1]) for i in have]
        bands = dedupe.band_keys(np.stack([sigs[i] for i in have]), areas)
    encoded = [None if s is None else dedupe.encode(s) for s in sigs]
    return encoded, keys, bands


@dataclass
class Indexer:
    """Signatures, place keys and band keys for many texts; a pool of `workers` processes
    (fork) when worth it."""

    workers: int = 1
    chunk: int = 4000
    pool: object = None

    def __enter__(self):
        global _REGIONS
        from rectify.complaints.routing import name_index

        _REGIONS = name_index()
        if self.workers > 1:
            self.pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.close()
            self.pool.join()

    def submit(self, items: list[tuple[str, str]]):
        """Start indexing `items`; the returned function waits for (sigs, keys, bands)."""
        chunks = [items[i : i + self.chunk] for i in range(0, len(items), self.chunk)]
        if self.pool is None:
            return lambda: _combine(map(_index_chunk, chunks))
        job = self.pool.map_async(_index_chunk, chunks)
        return lambda: _combine(job.get())


def _combine(parts):
    sigs, keys, bands = [], [], []
    for s, k, b in parts:
        sigs += s
        keys += k
        bands.append(b)
    return sigs, keys, bands


# --- texts ---------------------------------------------------------------------------------


class Texts:
    """Complaint texts for one province's counties (after complaints_dedupe.Generator)."""

    def __init__(self, counties, rng: random.Random):
        self.rng = rng
        self.counties = counties
        self.places = {}
        for c in counties:
            towns = [_name(rng) + rng.choice("镇镇镇乡") for _ in range(12)]
            towns += [_name(rng) + "街道" for _ in range(3)]
            self.places[c.pk] = (
                towns,
                [_name(rng) + "村" for _ in range(40)],
                [_name(rng) + rng.choice(["河", "河", "江", "溪"]) for _ in range(6)],
            )

    def site(self, county) -> tuple[str, str]:
        towns, villages, _ = self.places[county.pk]
        rng = self.rng
        industry, suffix = rng.choice(vocab.INDUSTRIES)
        where = rng.choice(towns) + (rng.choice(villages) if rng.random() < 0.6 else "")
        if rng.random() < 0.25:
            where += f"{rng.randint(1, 12)}组"
        if rng.random() < 0.15:
            return where, f"某{industry}{suffix}"
        return where, _name(rng, rng.choice((2, 2, 3))) + industry + suffix

    def text(self, county, kind: str, where: str, site: str) -> str:
        _towns, villages, rivers = self.places[county.pk]
        rng = self.rng

        def fill(piece: str) -> str:
            return piece.format(river=rng.choice(rivers), village=rng.choice(villages))

        pref = county.parent.name if county.parent_id else ""
        head = (pref if rng.random() < 0.6 else "") + county.name + where
        acts = "，".join(fill(a) for a in rng.sample(vocab.ACTS[kind], rng.randint(1, 3)))
        effects = "，".join(rng.sample(vocab.EFFECTS, rng.randint(1, 2)))
        tail = "，".join(x for x in (rng.choice(vocab.SINCE), rng.choice(vocab.HISTORY)) if x)
        frame = rng.choice(["", "", "来电反映：", "来信反映，", "群众反映，", "举报人称，"])
        extra = ""
        if rng.random() < 0.3:
            extra = f"{rng.randint(2015, 2025)}年{rng.randint(1, 12)}月以来情况越来越严重。"
        if rng.random() < 0.2:
            extra += f"距离居民区不到{rng.randint(2, 50) * 10}米。"
        return (
            f"{frame}{head}{site}{acts}，{effects}{'，' + tail if tail else ''}。"
            f"{extra}{rng.choice(vocab.DEMANDS)}"
        )


# --- one province -------------------------------------------------------------------------


@dataclass
class ComplaintContext:
    loader: Loader
    today: date
    now: object
    office_id: int
    handler_ids: dict[str, int]  # province code → unit user id
    types: dict[str, int]  # pollution type code → id
    indexer: Indexer
    encrypt_share: float = 0.05
    repeat_share: float = 0.05
    counts: dict[str, int] = field(default_factory=dict)
    stamp: object = None  # `now` as the engine stores it
    pending: tuple | None = None  # an inspection built, its index being computed
    batches: list[tuple[int, str, int, int]] = field(default_factory=list)  # audit: id, ins, no, n


def generate_province(prov, n_complaints: int, ctx: ComplaintContext, rng: random.Random) -> int:
    """Complaints of `prov` spread over its central inspections' days on site."""
    inspections = [i for i in prov.central if i.onsite_start and i.onsite_start < ctx.today]
    if not inspections or n_complaints <= 0:
        return 0
    texts = Texts(prov.counties, rng)
    per = _split(n_complaints, len(inspections))
    for ins, n in zip(inspections, per, strict=True):
        # Pipelined: the workers index this inspection's texts while the previous one is
        # written and the next one generated.
        built = _inspection(prov, ins, n, texts, ctx, rng)
        waiting = ctx.indexer.submit(built["items"])
        flush(ctx)
        ctx.pending = (built, waiting)
    return n_complaints


def flush(ctx: "ComplaintContext") -> None:
    """Write the inspection whose index is being computed, if any."""
    if ctx.pending is not None:
        built, waiting = ctx.pending
        ctx.pending = None
        _write(built, *waiting(), ctx)


def _split(n: int, parts: int) -> list[int]:
    base, extra = divmod(n, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _inspection(prov, ins, n: int, texts: Texts, ctx: ComplaintContext, rng) -> dict:
    L, today = ctx.loader, ctx.today
    now = L.dt(ctx.now)
    days = [ins.onsite_start + timedelta(days=k) for k in range(30)]
    days = [d for d in days if d <= today]
    per_day = _split(n, len(days))
    batch_ids = L.ids(T_BATCH, len(days))
    L.insert(
        T_BATCH,
        ("id", "inspection_id", "number", "received_on", "stated_count", "note", "created_at"),
        [
            (bid, ins.pk, k + 1, d, m, "", now)
            for k, (bid, d, m) in enumerate(zip(batch_ids, days, per_day, strict=True))
        ],
    )
    ctx.batches += [
        (bid, ins.code, k + 1, m) for k, (bid, m) in enumerate(zip(batch_ids, per_day, strict=True))
    ]
    ids = iter(L.ids(T_COMPLAINT, n))
    abbr = ABBR.get(prov.code[:2], "XX")
    complaints, items, types, persons, steps, results = [], [], [], [], [], []
    history: list[tuple[int, object, str]] = []  # originals: (id, county, text)
    handler = ctx.handler_ids[prov.code]
    order = 0
    for bid, d, m in zip(batch_ids, days, per_day, strict=True):
        seq = {"D": 0, "X": 0}
        for _ in range(m):
            cid = next(ids)
            order += 1
            ch = "D" if rng.random() < 0.6 else "X"
            seq[ch] += 1
            number = f"{ch}{ins.round}{abbr}{d:%Y%m%d}{seq[ch]:04d}"
            repeat_of = linked = None
            kind = rng.choice(list(vocab.ACTS))
            if history and rng.random() < ctx.repeat_share:
                orig_id, county, orig_text = history[rng.randrange(len(history))]
                content = rng.choice(vocab.resubmissions(orig_text, rng))
                repeat_of, linked = orig_id, min(d + timedelta(days=rng.randint(1, 7)), today)
            else:
                county = rng.choice(prov.counties)
                where, site = texts.site(county)
                content = texts.text(county, kind, where, site)
                if len(history) < 50_000:
                    history.append((cid, county, content))
            if rng.random() < ctx.encrypt_share:
                person = crypto.PersonalData(
                    name=rng.choice(vocab.SURNAMES) + "".join(rng.sample(vocab.GIVEN, 2)),
                    phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                    address=f"{county.name}{rng.randrange(1, 30)}组{rng.randrange(1, 99)}号",
                )
                ciphertext, key_id = crypto.encrypt(person, context=number)
                persons.append((cid, ciphertext, key_id))
            for code in {
                KIND_TYPES[kind],
                *([rng.choice(list(KIND_TYPES.values()))] if rng.random() < 0.3 else []),
            }:
                types.append((cid, ctx.types[code]))
            lead = county if rng.random() < 0.85 or not county.parent_id else county.parent
            current = _lifecycle(cid, d, lead.pk, handler, ctx, rng, steps, results)
            lon = county.longitude
            lat = county.latitude
            complaints.append(
                [
                    cid,
                    bid,
                    number,
                    order,
                    Channel.PHONE.value if ch == "D" else Channel.LETTER.value,
                    d,
                    content,
                    county.pk,
                    True,
                    rng.choice(KIND_INDUSTRY[kind]).value,
                    rng.random() < 0.1,
                    None if lon is None else lon + Decimal(rng.randint(-20000, 20000)) / 100000,
                    None if lat is None else lat + Decimal(rng.randint(-20000, 20000)) / 100000,
                    current["lead"],
                    current["deadline"],
                    current["state"],
                    current["closed_on"],
                    current["stage_closed_on"],
                    current["result"],
                    None,
                    repeat_of,
                    linked,
                    None,  # signature, below
                    "",  # place key, below
                    current["version"],
                    now,
                ]
            )
            items.append((content, county.path))
    return {
        "complaints": complaints,
        "items": items,
        "types": types,
        "persons": persons,
        "steps": steps,
        "results": results,
    }


def _write(built: dict, sigs, keys, bands, ctx: "ComplaintContext") -> None:
    L = ctx.loader
    complaints, types, persons = built["complaints"], built["types"], built["persons"]
    steps, results = built["steps"], built["results"]
    n = len(complaints)
    for row, sig, key in zip(complaints, sigs, keys, strict=True):
        row[22], row[23] = sig, key
    # On SQLite no foreign key may be left pending while complaints are written: with one
    # pending, every row written into a parent table makes SQLite search the child tables
    # (whose indexes are dropped for the load). The latest result follows the results.
    latest = [] if L.pg else [(row[18], row[0]) for row in complaints if row[18] is not None]
    if latest:
        for row in complaints:
            row[18] = None
    L.insert(T_COMPLAINT, COMPLAINT_COLS, complaints)
    L.insert(T_TYPES, ("id", "complaint_id", "pollutiontype_id"), _ids(L, T_TYPES, types))
    L.insert(T_PERSON, ("id", "complaint_id", "ciphertext", "key_id"), _ids(L, T_PERSON, persons))
    L.insert(T_RESULT, RESULT_COLS, results)
    L.update(T_COMPLAINT, "latest_result_id", latest)
    L.insert(T_STEP, STEP_COLS, _ids(L, T_STEP, steps))
    owners = np.array([row[0] for row in complaints if row[22] is not None], dtype=np.int64)
    keys_all = np.concatenate(bands) if bands else np.empty((0, dedupe.BANDS), np.int64)
    owners = np.repeat(owners, dedupe.BANDS).tolist()
    band_ids = L.ids(T_BAND, len(owners))
    L.insert(
        T_BAND,
        ("id", "complaint_id", "key"),
        zip(band_ids, owners, keys_all.ravel().tolist(), strict=True),
    )
    for name, k in (("complaints", n), ("results", len(results)), ("steps", len(steps))):
        ctx.counts[name] = ctx.counts.get(name, 0) + k


def _ids(L: Loader, table: str, rows: list[tuple]) -> list[tuple]:
    return [(i, *r) for i, r in zip(L.ids(table, len(rows)), rows, strict=True)]


def _lifecycle(cid, received, lead_id, handler, ctx: ComplaintContext, rng, steps, results):
    """Steps and results of one complaint up to today; its current fields after them."""
    L, today = ctx.loader, ctx.today
    now = ctx.stamp
    cur = {
        "state": State.RECEIVED.value,
        "lead": None,
        "deadline": None,
        "closed_on": None,
        "stage_closed_on": None,
        "result": None,
        "version": 1,
    }

    def step(kind, on, to, *, actor, lead=None, deadline=None, reason=""):
        steps.append((cid, kind, cur["state"], to, on, now, actor, lead, deadline, reason))
        if kind != Step.RECEIVE:
            cur["version"] += 1
        cur["state"] = to
        if kind in (Step.ASSIGN, Step.REASSIGN):
            cur["lead"] = lead
        if deadline is not None:
            cur["deadline"] = deadline
        if to == State.CLOSED:
            cur["closed_on"] = on
        elif to == State.STAGE_CLOSED:
            cur["stage_closed_on"] = on
        elif kind == Step.RETURN:
            cur["closed_on"] = cur["stage_closed_on"] = None

    def result(on, verdict):
        rid = L.ids(T_RESULT, 1)[0]
        true = verdict != Verdict.UNTRUE
        fine = Decimal(rng.choice([0, 0, 0, 5000, 20000, 50000, 100000, 300000])) if true else 0
        results.append(
            (
                rid,
                cid,
                on,
                now,
                handler,
                rng.choice(FINDINGS).format(act=rng.choice(vocab.ACTS["水"]).split("{")[0]),
                verdict.value,
                rng.choice(HANDLING),
                int(true and rng.random() < 0.6),
                int(bool(fine)),
                fine,
                int(true and rng.random() < 0.01),
                int(true and rng.random() < 0.01),
                int(true and rng.random() < 0.005),
                int(true and rng.random() < 0.05) * rng.randint(1, 3),
                int(true and rng.random() < 0.02) * rng.randint(1, 2),
                "",
            )
        )
        cur["result"] = rid

    step(Step.RECEIVE, received, State.RECEIVED.value, actor=ctx.office_id)
    assigned = received + timedelta(days=rng.randint(0, 2))
    if assigned > today:
        return cur
    step(
        Step.ASSIGN,
        assigned,
        State.IN_PROGRESS.value,
        actor=ctx.office_id,
        lead=lead_id,
        deadline=assigned + timedelta(days=30),
    )
    verdict = rng.choices(VERDICTS, weights=VERDICT_W)[0]
    roll = rng.random()
    if roll < 0.03:
        return cur  # still being handled
    if roll < 0.13:
        on = assigned + timedelta(days=rng.randint(10, 60))
        if on > today:
            return cur
        result(on, verdict)
        step(Step.CLOSE_STAGE, on, State.STAGE_CLOSED.value, actor=handler)
        later = on + timedelta(days=rng.randint(30, 200))
        if rng.random() < 0.5 and later <= today:
            result(later, verdict)
            step(Step.CLOSE, later, State.CLOSED.value, actor=handler)
        return cur
    on = assigned + timedelta(days=rng.randint(5, 45))
    if on > today:
        return cur
    result(on, verdict)
    step(Step.CLOSE, on, State.CLOSED.value, actor=handler)
    if rng.random() < 0.03:
        back = on + timedelta(days=rng.randint(5, 20))
        again = back + timedelta(days=rng.randint(10, 30))
        if again <= today:
            step(
                Step.RETURN,
                back,
                State.IN_PROGRESS.value,
                actor=ctx.office_id,
                reason="群众不满意，退回重办",
            )
            result(again, verdict)
            step(Step.CLOSE, again, State.CLOSED.value, actor=handler)
    return cur


def pollution_types() -> dict[str, int]:
    return dict(PollutionType.objects.values_list("code", "pk"))
