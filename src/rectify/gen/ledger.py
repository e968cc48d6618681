"""The ledger of one province: its central and provincial inspections, problems, measures,
milestones, dated status events and approved extensions (after bench/gen_ledger.py), and
the progress reports of the dispatch months (dispatch.py) that back its progress events.

Every derived column is set as the models' save() would: day numbers (day_number), problem
sort keys (number_sort_key), new_deadline_day; every constraint holds (deadlines after the
plan start, percents 0–100, milestones unique by date, a progress event has a percent, a
deadline change has a date and an approved extension behind it).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from rectify.gen import vocab
from rectify.gen.copy import Loader
from rectify.gen.dispatch import Dispatch
from rectify.orgs.models import Org, OrgKind
from rectify.problems.models import (
    Aspect,
    Category,
    ExtensionRequest,
    Inspection,
    Measure,
    Milestone,
    Problem,
    StatusEvent,
    day_number,
    number_sort_key,
)
from rectify.problems.states import DeadlineKind, EventKind, ExtensionStatus, Source

T_PROBLEM = Problem._meta.db_table
T_COOP = Problem.cooperating_units.through._meta.db_table
T_MEASURE = Measure._meta.db_table
T_MILESTONE = Milestone._meta.db_table
T_EVENT = StatusEvent._meta.db_table
T_EXTENSION = ExtensionRequest._meta.db_table

# Central rounds as they reached every province: (code stem, name, kind, onsite start of the
# round's first province, weight of its problems).
ROUNDS = [
    ("central-2017", "中央环境保护督察", "routine", date(2017, 4, 24), 1.0),
    ("central-2018-lookback", "中央生态环境保护督察“回头看”", "lookback", date(2018, 5, 30), 1.0),
    ("central-2021-round2", "第二轮中央生态环境保护督察", "routine", date(2021, 4, 6), 1.2),
    ("central-2024-round3", "第三轮中央生态环境保护督察", "routine", date(2024, 4, 11), 0.8),
]
PROVINCIAL = [(2019, "central-2018-lookback"), (2022, "central-2021-round2")]
CN_DIGITS = "一二三四五六七八"


@dataclass
class Province:
    """One province's org tree, read once."""

    org: Org
    prefectures: list[Org]
    counties: list[Org]  # with .parent set (the prefecture, or the province itself)
    departments: list[Org]
    inspections: list[tuple[Inspection, float]] = field(default_factory=list)
    central: list[Inspection] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.org.code


def read_province(code: str) -> Province:
    org = Org.objects.get(code=code)
    orgs = list(Org.objects.filter(path__startswith=org.path).select_related("parent"))
    prefectures = [o for o in orgs if o.kind in (OrgKind.PREFECTURE, OrgKind.NEW_AREA)]
    counties = [o for o in orgs if o.kind == OrgKind.COUNTY]
    departments = [o for o in orgs if o.kind == OrgKind.DEPARTMENT]
    return Province(org, prefectures, counties or prefectures or [org], departments)


def make_inspections(prov: Province, rng: random.Random, today: date, now) -> None:
    """The central rounds and the province's own inspection of every prefecture."""
    made: dict[str, Inspection] = {}
    offset = rng.randint(0, 200)
    for n, (stem, name, kind, first, weight) in enumerate(ROUNDS):
        start = first + timedelta(days=offset + rng.randint(-10, 10))
        feedback = start + timedelta(days=rng.randint(70, 110))
        if feedback >= today:
            continue
        team = f"中央第{CN_DIGITS[rng.randrange(8)]}生态环境保护督察组"
        made[stem] = Inspection(
            code=f"{stem}-{prov.code}",
            name=f"{team}对{prov.org.name}开展{name}",
            level="central",
            kind=kind,
            target_region=prov.org,
            team=team,
            onsite_start=start,
            onsite_end=start + timedelta(days=30),
            feedback_date=feedback,
            parent=made.get(ROUNDS[0][0]) if kind == "lookback" else None,
            created_at=now,
        )
        made[stem].weight = weight
        made[stem].round = n + 1
    for year, parent in PROVINCIAL:
        feedback = date(year, 9, 1) + timedelta(days=offset // 4 + rng.randint(0, 20))
        if feedback >= today or parent not in made:
            continue
        for i, pref in enumerate(sorted(prov.prefectures, key=lambda o: o.code)):
            team = f"省委第{CN_DIGITS[i % 4]}生态环境保护督察组"
            ins = Inspection(
                code=f"provincial-{year}-{pref.code}",
                name=f"{team}对{pref.name}开展督察",
                level="provincial",
                kind="routine",
                target_region=pref,
                team=team,
                onsite_start=feedback - timedelta(days=120),
                onsite_end=feedback - timedelta(days=90),
                feedback_date=feedback,
                parent=made[parent],
                created_at=now,
            )
            ins.weight = 0.55 * 8 / max(8, len(prov.prefectures))
            made[ins.code] = ins
    central = [i for i in made.values() if i.level == "central"]
    for ins in central:  # parents first: they are referenced by the others
        ins.save()
    provincial = [i for i in made.values() if i.level != "central"]
    for ins in provincial:
        ins.parent_id = ins.parent.pk
    Inspection.objects.bulk_create(provincial)
    if provincial and provincial[0].pk is None:
        ids = dict(
            Inspection.objects.filter(code__in=[i.code for i in provincial]).values_list(
                "code", "pk"
            )
        )
        for i in provincial:
            i.pk = i.id = ids[i.code]
    aspects = []
    for ins in made.values():
        names = rng.sample(vocab.ASPECTS, rng.randint(3, 5))
        aspects += [Aspect(inspection=ins, number=n, name=a) for n, a in enumerate(names, 1)]
    Aspect.objects.bulk_create(aspects)
    prov.inspections = [(i, i.weight) for i in made.values()]
    prov.central = central


@dataclass
class LedgerContext:
    loader: Loader
    today: date
    now: object
    requester_id: int
    decider_id: int
    dispatch: Dispatch
    categories: list[tuple[int, int]]  # (id, weight)
    aspects: dict[int, list[int]]
    stamp: object = None  # `now` as the engine stores it


def context(loader, today, now, requester, decider, dispatch) -> LedgerContext:
    cats = [
        (c.pk, vocab.CATEGORY_WEIGHTS[c.name])
        for c in Category.objects.all()
        if c.name in vocab.CATEGORY_WEIGHTS
    ]
    aspects: dict[int, list[int]] = {}
    for a in Aspect.objects.order_by("inspection_id", "number"):
        aspects.setdefault(a.inspection_id, []).append(a.pk)
    return LedgerContext(
        loader, today, now, requester.pk, decider.pk, dispatch, cats, aspects, loader.dt(now)
    )


def _plan(start: date, deadline: date, rng: random.Random) -> list[tuple[date, int]]:
    """0–3 milestones strictly between start and deadline, percent increasing."""
    span = (deadline - start).days
    if span < 60:
        return []
    fractions = sorted(rng.sample([0.2, 0.35, 0.5, 0.65, 0.8], rng.randint(0, 3)))
    points, last = [], 0
    for f in fractions:
        percent = max(last + 1, min(99, round(f * 100 + rng.randint(-10, 15))))
        last = percent
        points.append((start + timedelta(days=round(f * span)), percent))
    return points


def _deadline(start: date, rng: random.Random) -> tuple[str, date | None]:
    roll = rng.random()
    if roll < 0.07:
        return DeadlineKind.IMMEDIATE, start + timedelta(days=rng.randint(30, 90))
    if roll < 0.15:
        return DeadlineKind.ONGOING, None
    d = start + timedelta(days=rng.choice([180, 365, 540, 730, 1095, 1460]))
    d = date(d.year, d.month, 28 if d.month == 2 else 30)
    return DeadlineKind.BY_DATE, max(d, start + timedelta(days=30))


def _jitter(value: Decimal | None, rng: random.Random) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(rng.randint(-9000, 9000)) / 100000).quantize(Decimal("0.000001"))


PROBLEM_COLS = [
    "id",
    "inspection_id",
    "number",
    "sort_key",
    "title",
    "description",
    "aspect_id",
    "category_id",
    "region_id",
    "lead_unit_id",
    "responsible_leader",
    "responsible_person",
    "target",
    "deadline_kind",
    "original_deadline",
    "deadline",
    "start_date",
    "warning_days",
    "source",
    "longitude",
    "latitude",
    "start_day",
    "original_deadline_day",
    "version",
    "created_at",
    "updated_at",
]
EVENT_COLS = [
    "id",
    "problem_id",
    "kind",
    "effective_date",
    "day",
    "recorded_at",
    "actor_id",
    "percent",
    "new_deadline",
    "new_deadline_day",
    "note",
    "origin",
]
EXT_COLS = [
    "id",
    "problem_id",
    "requested_by_id",
    "requested_at",
    "reason",
    "current_deadline",
    "new_deadline",
    "status",
    "decided_by_id",
    "decided_at",
    "effective_date",
    "decision_note",
]


def generate_province(prov: Province, n_problems: int, ctx: LedgerContext, rng) -> dict:
    """Write `n_problems` problems of `prov` with everything below them."""
    L, today = ctx.loader, ctx.today
    now = L.dt(ctx.now)
    inspections = [(i, w) for i, w in prov.inspections if i.feedback_date < today]
    if not inspections or n_problems <= 0:
        return {}
    weights = [w for _i, w in inspections]
    cat_ids = [c for c, _w in ctx.categories]
    cat_w = [w for _c, w in ctx.categories]
    by_pref: dict[str, list[Org]] = {}
    for c in prov.counties:
        by_pref.setdefault(c.path[:15], []).append(c)
    ids = L.ids(T_PROBLEM, n_problems)
    next_number: dict[int, int] = {}
    problems, coops, measures, milestones, events, extensions = [], [], [], [], [], []
    for pid in ids:
        inspection, _w = rng.choices(inspections, weights=weights)[0]
        target = inspection.target_region
        pool = by_pref.get(target.path[:15]) if target.kind != OrgKind.PROVINCE else None
        county = rng.choice(pool or prov.counties)
        prefecture = county.parent if county.parent_id else county
        roll = rng.random()
        if roll < 0.6 or (roll >= 0.85 and not prov.departments):
            lead = county
        elif roll < 0.85:
            lead = prefecture
        else:
            lead = rng.choice(prov.departments)
        region = county if rng.random() < 0.8 else prefecture
        number = next_number.get(inspection.pk, 0) + 1
        next_number[inspection.pk] = number
        start = inspection.feedback_date + timedelta(days=rng.choice([0, 0, 0, 7, 15, 30]))
        kind, deadline = _deadline(start, rng)
        site, issue = rng.choice(vocab.SITES), rng.choice(vocab.ISSUES)
        place = region.name
        p = {
            "id": pid,
            "start": start,
            "kind": kind,
            "original": deadline,
            "deadline": deadline,
            "version": 1,
            "lead": lead.pk,
        }
        coop = rng.sample(
            prov.departments, min(len(prov.departments), rng.choice([0, 0, 1, 1, 2, 3]))
        )
        for org in coop:
            if org.pk != lead.pk:
                coops.append((pid, org.pk))
        span_end = deadline or (start + timedelta(days=1460))
        for seq in range(1, rng.randint(1, 4) + 1):
            due = start + timedelta(days=rng.randint(30, max(31, (span_end - start).days)))
            done = due < today and rng.random() < 0.7
            measures.append(
                (
                    pid,
                    seq,
                    rng.choice(vocab.MEASURES),
                    lead.pk if seq == 1 else region.pk,
                    due,
                    done,
                    due - timedelta(days=rng.randint(0, 20)) if done else None,
                )
            )
        plan = _plan(start, deadline, rng) if deadline else []
        for d, percent in plan:
            milestones.append((pid, d, day_number(d), percent, ""))
        _history(p, rng, ctx, events, extensions)
        problems.append(
            [
                pid,
                inspection.pk,
                str(number),
                number_sort_key(str(number)),
                f"{place}{site}{issue}",
                rng.choice(vocab.DETAILS).format(place=place, site=site, issue=issue),
                rng.choice(ctx.aspects[inspection.pk]),
                rng.choices(cat_ids, weights=cat_w)[0],
                region.pk,
                lead.pk,
                f"{prefecture.short_name}人民政府分管负责同志",
                f"{lead.short_name}主要负责同志",
                f"{'长期坚持，' if kind == DeadlineKind.ONGOING else ''}"
                f"彻底解决{site}{issue}问题，整改到位并建立长效机制。",
                kind,
                deadline,
                p["deadline"],
                start,
                rng.choice([30, 30, 30, 15, 60]),
                rng.choices(
                    [Source.FEEDBACK, Source.SPOT_CHECK, Source.SECRET_VISIT], weights=[90, 6, 4]
                )[0],
                _jitter(region.longitude, rng),
                _jitter(region.latitude, rng),
                day_number(start),
                day_number(deadline),
                p["version"],
                now,
                now,
            ]
        )
    L.insert(T_PROBLEM, PROBLEM_COLS, problems)
    L.insert(T_COOP, ("id", "problem_id", "org_id"), _with_ids(L, T_COOP, coops))
    L.insert(
        T_MEASURE,
        ("id", "problem_id", "seq", "text", "responsible_unit_id", "due_date", "done", "done_date"),
        _with_ids(L, T_MEASURE, measures),
    )
    L.insert(
        T_MILESTONE,
        ("id", "problem_id", "date", "day", "percent", "note"),
        _with_ids(L, T_MILESTONE, milestones),
    )
    event_rows = _with_ids(L, T_EVENT, events)
    L.insert(T_EVENT, EVENT_COLS, event_rows)
    L.insert(T_EXTENSION, EXT_COLS, _with_ids(L, T_EXTENSION, extensions))
    reports = ctx.dispatch.reports_for(event_rows, {p[0]: p[9] for p in problems}, prov, rng)
    return {"problems": len(problems), "events": len(events), "reports": reports}


def _with_ids(L: Loader, table: str, rows: list[tuple]) -> list[tuple]:
    return [(i, *row) for i, row in zip(L.ids(table, len(rows)), rows, strict=True)]


def _history(p: dict, rng, ctx: LedgerContext, events: list, extensions: list) -> None:
    """Monthly progress at the problem's own pace, then acceptance and sign-off when done;
    sometimes an approved extension, a public criticism or a rebound (as gen_ledger)."""
    today = ctx.today
    now = ctx.stamp
    pid = p["id"]

    def event(kind, on, percent=None, new_deadline=None, note="", origin="gen"):
        events.append(
            (
                pid,
                kind,
                on,
                day_number(on),
                now,
                None,
                percent,
                new_deadline,
                day_number(new_deadline),
                note,
                origin,
            )
        )

    if rng.random() < 0.05:
        return  # never reported: not started
    deadline = p["original"]
    start = p["start"]
    if deadline is not None and rng.random() < 0.08:
        decided = deadline - timedelta(days=rng.randint(10, 60))
        if start < decided <= today:
            new = deadline + timedelta(days=rng.choice([90, 180, 365]))
            extensions.append(
                (
                    pid,
                    ctx.requester_id,
                    now,
                    "受汛期及资金到位影响，工程无法按期完工",
                    deadline,
                    new,
                    ExtensionStatus.APPROVED.value,
                    ctx.decider_id,
                    now,
                    decided,
                    "同意延期",
                )
            )
            event(
                EventKind.DEADLINE_CHANGED.value, decided, new_deadline=new, note="延期申请已批准"
            )
            p["deadline"], p["version"], deadline = new, p["version"] + 1, new
    pace = rng.uniform(0.6, 1.5)
    cap = 100 if rng.random() < 0.9 else rng.randint(40, 95)
    step = (85, 95) if p["kind"] == DeadlineKind.ONGOING else (28, 33)
    span = ((deadline or start + timedelta(days=1460)) - start).days
    percent, day = 0, start + timedelta(days=rng.randint(20, 40))
    finished = None
    last_month = None
    while day <= today:
        if (day.year, day.month) == last_month:  # one progress report per month
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            continue
        if rng.random() < 0.85:
            planned = (day - start).days / span
            percent = min(cap, max(percent, round(planned * pace * 100 + rng.randint(-5, 5))))
            last_month = (day.year, day.month)
            event(
                EventKind.PROGRESS.value,
                day,
                percent=percent,
                note=f"已完成整改任务的{percent}%",
                origin="dispatch" if ctx.dispatch.covers(day) else "gen",
            )
            if percent >= 100:
                finished = day
                break
        day += timedelta(days=rng.randint(*step))
    if p["kind"] == DeadlineKind.ONGOING or finished is None:
        if deadline is not None and deadline < today and rng.random() < 0.1:
            event(EventKind.CRITICISED.value, deadline + timedelta(days=rng.randint(1, 30)))
        return
    if rng.random() < 0.1:
        event(EventKind.BASICALLY_DONE.value, finished)
    applied = finished + timedelta(days=rng.randint(5, 30))
    accepted = applied + timedelta(days=rng.randint(15, 60))
    if applied > today:
        return
    event(EventKind.APPLIED.value, applied)
    if accepted > today:
        return
    event(EventKind.ACCEPTED.value, accepted, note="验收通过")
    signed = accepted + timedelta(days=rng.randint(20, 90))
    if signed <= today and rng.random() < 0.75:
        event(EventKind.SIGNED_OFF.value, signed, note="公示期满，同意销号")
        reopened = signed + timedelta(days=rng.randint(60, 400))
        if reopened <= today and rng.random() < 0.02:
            event(EventKind.REOPENED.value, reopened, note="问题反弹")
