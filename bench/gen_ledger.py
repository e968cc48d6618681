"""A large, realistic ledger for benchmarks: inspections, problems, measures, milestones,
dated events and approved extensions, written with bulk_create (deterministic per seed).

Not a demo and not test data: it skips the actions (and their audit rows) to load tens of
thousands of rows in seconds, so it sets every derived column itself exactly as the models'
save() would (day numbers, sort keys) and keeps every model constraint: deadlines after the
plan start, percents 0–100, milestones unique by date, progress events with a percent,
deadline changes with a date and an approved extension request behind each.

Usage (inside a configured Django process, on a database with the reference orgs):
    from bench.gen_ledger import generate
    generate(10_000, requester=unit_user, decider=office_user)
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

# The vocabulary lives with the generator (`rectify gen`), which writes the same kind of text.
from rectify.gen.vocab import ASPECTS, CATEGORY_WEIGHTS, DETAILS, ISSUES, MEASURES, SITES
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

BATCH = 2000


@dataclass(frozen=True)
class InspectionSpec:
    code: str
    name: str
    level: str
    kind: str
    team: str
    onsite: tuple[date, date]
    feedback: date
    target: str = "520000"
    parent: str | None = None
    weight: float = 1.0


CENTRAL = [
    InspectionSpec(
        "central-2017",
        "中央第七环境保护督察组对贵州省开展环境保护督察",
        "central",
        "routine",
        "中央第七环境保护督察组",
        (date(2016, 11, 24), date(2016, 12, 24)),
        date(2017, 4, 13),
        weight=1.0,
    ),
    InspectionSpec(
        "central-2018-lookback",
        "中央第五生态环境保护督察组“回头看”及长江流域生态问题专项督察",
        "central",
        "lookback",
        "中央第五生态环境保护督察组",
        (date(2018, 11, 4), date(2018, 12, 4)),
        date(2019, 5, 10),
        parent="central-2017",
        weight=1.0,
    ),
    InspectionSpec(
        "central-2021-round2",
        "第二轮第六批中央生态环境保护督察",
        "central",
        "routine",
        "中央第六生态环境保护督察组",
        (date(2021, 4, 6), date(2021, 5, 6)),
        date(2021, 7, 15),
        weight=1.2,
    ),
    InspectionSpec(
        "central-2024-round3",
        "第三轮第二批中央生态环境保护督察",
        "central",
        "routine",
        "中央第二生态环境保护督察组",
        (date(2024, 4, 11), date(2024, 5, 11)),
        date(2024, 8, 2),
        weight=0.8,
    ),
]


def _inspections(rng: random.Random) -> list[tuple[Inspection, float]]:
    """The central inspections and the province's own inspection of every prefecture."""
    specs = list(CENTRAL)
    prefectures = Org.objects.filter(kind__in=[OrgKind.PREFECTURE, OrgKind.NEW_AREA]).exclude(
        children=None
    )
    for year, feedback, parent in (
        (2019, date(2019, 9, 20), "central-2018-lookback"),
        (2022, date(2022, 9, 16), "central-2021-round2"),
    ):
        for i, pref in enumerate(prefectures.order_by("code")):
            specs.append(
                InspectionSpec(
                    f"provincial-{year}-{pref.code}",
                    f"省委第{i % 4 + 1}生态环境保护督察组对{pref.name}开展督察",
                    "provincial",
                    "routine",
                    f"省委第{i % 4 + 1}生态环境保护督察组",
                    (feedback - timedelta(days=120), feedback - timedelta(days=90)),
                    feedback + timedelta(days=rng.randint(0, 20)),
                    target=pref.code,
                    parent=parent,
                    weight=0.55,
                )
            )
    made: dict[str, Inspection] = {}
    result = []
    for spec in specs:
        inspection = Inspection.objects.create(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            kind=spec.kind,
            target_region=Org.objects.get(code=spec.target),
            team=spec.team,
            onsite_start=spec.onsite[0],
            onsite_end=spec.onsite[1],
            feedback_date=spec.feedback,
            parent=made.get(spec.parent) if spec.parent else None,
        )
        made[spec.code] = inspection
        Aspect.objects.bulk_create(
            Aspect(inspection=inspection, number=n, name=name)
            for n, name in enumerate(rng.sample(ASPECTS, rng.randint(3, 5)), start=1)
        )
        result.append((inspection, spec.weight))
    return result


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


def generate(
    n_problems: int = 10_000, *, requester, decider, seed: int = 20190510, today: date | None = None
) -> dict[str, int]:
    """Write `n_problems` problems with their children; returns row counts by table."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        inspections = [(i, w) for i, w in _inspections(rng) if i.feedback_date < today]
        categories = list(Category.objects.filter(name__in=CATEGORY_WEIGHTS))
        category_weights = [CATEGORY_WEIGHTS[c.name] for c in categories]
        counties = list(Org.objects.filter(kind=OrgKind.COUNTY).select_related("parent"))
        departments = list(Org.objects.filter(kind=OrgKind.DEPARTMENT))
        aspects: dict[int, list[Aspect]] = {}
        for a in Aspect.objects.all():
            aspects.setdefault(a.inspection_id, []).append(a)
        next_number: dict[int, int] = {}

        problems: list[Problem] = []
        plans: list[dict] = []
        for _ in range(n_problems):
            inspection, _w = rng.choices(inspections, weights=[w for _i, w in inspections])[0]
            target = inspection.target_region
            pool = [c for c in counties if c.path.startswith(target.path)] or counties
            county = rng.choice(pool)
            prefecture = county.parent
            roll = rng.random()
            lead = county if roll < 0.6 else prefecture if roll < 0.85 else rng.choice(departments)
            region = county if rng.random() < 0.8 else prefecture
            number = next_number.get(inspection.pk, 0) + 1
            next_number[inspection.pk] = number
            start = inspection.feedback_date + timedelta(days=rng.choice([0, 0, 0, 7, 15, 30]))
            kind_roll = rng.random()
            if kind_roll < 0.07:
                kind, deadline = DeadlineKind.IMMEDIATE, start + timedelta(days=rng.randint(30, 90))
            elif kind_roll < 0.15:
                kind, deadline = DeadlineKind.ONGOING, None
            else:
                kind = DeadlineKind.BY_DATE
                deadline = start + timedelta(days=rng.choice([180, 365, 540, 730, 1095, 1460]))
                deadline = date(deadline.year, deadline.month, 28 if deadline.month == 2 else 30)
                deadline = max(deadline, start + timedelta(days=30))
            site, issue = rng.choice(SITES), rng.choice(ISSUES)
            place = county.name if region == county else prefecture.name
            title = f"{place}{site}{issue}"
            lon = lat = None
            if region.longitude is not None:
                lon = (region.longitude + Decimal(rng.randint(-9000, 9000)) / 100000).quantize(
                    Decimal("0.000001")
                )
                lat = (region.latitude + Decimal(rng.randint(-9000, 9000)) / 100000).quantize(
                    Decimal("0.000001")
                )
            problems.append(
                Problem(
                    inspection=inspection,
                    number=str(number),
                    sort_key=number_sort_key(str(number)),
                    title=title,
                    description=rng.choice(DETAILS).format(place=place, site=site, issue=issue),
                    aspect=rng.choice(aspects[inspection.pk]),
                    category=rng.choices(categories, weights=category_weights)[0],
                    region=region,
                    lead_unit=lead,
                    responsible_leader=f"{prefecture.short_name}人民政府分管负责同志",
                    responsible_person=f"{lead.short_name}主要负责同志",
                    target=f"{'长期坚持，' if kind == DeadlineKind.ONGOING else ''}"
                    f"彻底解决{site}{issue}问题，整改到位并建立长效机制。",
                    deadline_kind=kind,
                    original_deadline=deadline,
                    deadline=deadline,
                    start_date=start,
                    start_day=day_number(start),
                    original_deadline_day=day_number(deadline),
                    warning_days=rng.choice([30, 30, 30, 15, 60]),
                    source=rng.choices(
                        [Source.FEEDBACK, Source.SPOT_CHECK, Source.SECRET_VISIT],
                        weights=[90, 6, 4],
                    )[0],
                    longitude=lon,
                    latitude=lat,
                    created_at=now,
                    updated_at=now,
                )
            )
            plans.append({"coop": rng.sample(departments, rng.choice([0, 0, 1, 1, 2, 3]))})
        Problem.objects.bulk_create(problems, batch_size=BATCH)

        through = Problem.cooperating_units.through
        coops, measures, milestones, events, extensions = [], [], [], [], []
        for p, extra in zip(problems, plans, strict=True):
            for org in extra["coop"]:
                coops.append(through(problem_id=p.pk, org_id=org.pk))
            span_end = p.original_deadline or (p.start_date + timedelta(days=1460))
            for seq in range(1, rng.randint(1, 4) + 1):
                due = p.start_date + timedelta(
                    days=rng.randint(30, max(31, (span_end - p.start_date).days))
                )
                done = due < today and rng.random() < 0.7
                measures.append(
                    Measure(
                        problem=p,
                        seq=seq,
                        text=rng.choice(MEASURES),
                        responsible_unit=p.lead_unit if seq == 1 else p.region,
                        due_date=due,
                        done=done,
                        done_date=due - timedelta(days=rng.randint(0, 20)) if done else None,
                    )
                )
            plan = _plan(p.start_date, p.original_deadline, rng) if p.original_deadline else []
            for d, percent in plan:
                milestones.append(Milestone(problem=p, date=d, day=day_number(d), percent=percent))
            events.extend(_history(p, plan, rng, today, now, requester, decider, extensions))
        through.objects.bulk_create(coops, batch_size=BATCH)
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        StatusEvent.objects.bulk_create(events, batch_size=BATCH)
        ExtensionRequest.objects.bulk_create(extensions, batch_size=BATCH)
        changed = [p for p in problems if p.deadline != p.original_deadline]
        Problem.objects.bulk_update(changed, ["deadline", "version"], batch_size=BATCH)
    return {
        "inspections": len(inspections),
        "problems": len(problems),
        "cooperating_units": len(coops),
        "measures": len(measures),
        "milestones": len(milestones),
        "events": len(events),
        "extensions": len(extensions),
    }


def _history(p, plan, rng, today, now, requester, decider, extensions) -> list[StatusEvent]:
    """Monthly progress at the problem's own pace, then acceptance and sign-off when done;
    sometimes an approved extension, a public criticism or a rebound."""
    out: list[StatusEvent] = []

    def event(kind, on, **fields):
        out.append(
            StatusEvent(
                problem=p,
                kind=kind,
                effective_date=on,
                day=day_number(on),
                new_deadline_day=day_number(fields.get("new_deadline")),
                recorded_at=now,
                origin="bench",
                **fields,
            )
        )

    if rng.random() < 0.05:
        return out  # never reported: not started
    deadline = p.original_deadline
    if deadline is not None and rng.random() < 0.08:
        # An approved extension, decided some weeks before the original deadline.
        decided = deadline - timedelta(days=rng.randint(10, 60))
        if p.start_date < decided <= today:
            new = deadline + timedelta(days=rng.choice([90, 180, 365]))
            extensions.append(
                ExtensionRequest(
                    problem=p,
                    requested_by=requester,
                    requested_at=now,
                    reason="受汛期及资金到位影响，工程无法按期完工",
                    current_deadline=deadline,
                    new_deadline=new,
                    status=ExtensionStatus.APPROVED,
                    decided_by=decider,
                    decided_at=now,
                    effective_date=decided,
                    decision_note="同意延期",
                )
            )
            event(EventKind.DEADLINE_CHANGED, decided, new_deadline=new, note="延期申请已批准")
            p.deadline, p.version, deadline = new, p.version + 1, new
    pace = rng.uniform(0.6, 1.5)
    cap = 100 if rng.random() < 0.9 else rng.randint(40, 95)
    # 长期坚持 problems report quarterly, the others monthly.
    step = (85, 95) if p.deadline_kind == DeadlineKind.ONGOING else (28, 33)
    span = ((deadline or p.start_date + timedelta(days=1460)) - p.start_date).days
    percent, day = 0, p.start_date + timedelta(days=rng.randint(20, 40))
    finished = None
    while day <= today:
        if rng.random() < 0.85:  # some months the report is missing
            # Past the deadline the work goes on at the same pace until it is done
            # (overdue), unless the problem is stuck below 100 %.
            planned = (day - p.start_date).days / span
            percent = min(cap, max(percent, round(planned * pace * 100 + rng.randint(-5, 5))))
            event(EventKind.PROGRESS, day, percent=percent, note=f"已完成整改任务的{percent}%")
            if percent >= 100:
                finished = day
                break
        day += timedelta(days=rng.randint(*step))
    if p.deadline_kind == DeadlineKind.ONGOING or finished is None:
        if deadline is not None and deadline < today and rng.random() < 0.1:
            event(EventKind.CRITICISED, deadline + timedelta(days=rng.randint(1, 30)))
        return out
    if rng.random() < 0.1:
        event(EventKind.BASICALLY_DONE, finished)
    applied = finished + timedelta(days=rng.randint(5, 30))
    accepted = applied + timedelta(days=rng.randint(15, 60))
    if applied > today:
        return out
    event(EventKind.APPLIED, applied)
    if accepted > today:
        return out
    event(EventKind.ACCEPTED, accepted, note="验收通过")
    signed = accepted + timedelta(days=rng.randint(20, 90))
    if signed <= today and rng.random() < 0.75:
        event(EventKind.SIGNED_OFF, signed, note="公示期满，同意销号")
        reopened = signed + timedelta(days=rng.randint(60, 400))
        if reopened <= today and rng.random() < 0.02:
            event(EventKind.REOPENED, reopened, note="问题反弹")
    return out
