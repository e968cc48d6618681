"""Monthly dispatch: the periods from the first dispatched month on, and one progress report
(submitted, then reviewed once the period is over) behind every progress event of those
months, linked to its event as dispatch.actions links them."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils import timezone

from rectify.dispatch.models import DispatchPeriod, ProgressReport, default_due_date, month_bounds
from rectify.dispatch.states import ReportState
from rectify.gen.copy import Loader

T_PERIOD = DispatchPeriod._meta.db_table
T_REPORT = ProgressReport._meta.db_table

REPORT_COLS = [
    "id",
    "problem_id",
    "period_id",
    "unit_id",
    "author_id",
    "text",
    "percent",
    "decrease_reason",
    "effective_date",
    "measures_done",
    "state",
    "submitted_at",
    "submitted_by_id",
    "last_submitted_at",
    "event_id",
    "reviewed_by_id",
    "reviewed_at",
    "review_opinion",
    "version",
    "created_at",
    "updated_at",
]
TEXTS = [
    "本月按照整改方案持续推进，已完成阶段性任务，下一步将加快工程建设进度。",
    "已组织现场核查，整改工程有序推进，存在资金到位滞后问题，已协调解决。",
    "持续开展日常巡查，污染治理设施运行正常，群众反映问题未再出现。",
    "生态修复工程正在实施，受雨季影响进度略有放缓，将倒排工期确保按期完成。",
    "已完成排查建档，正在推进问题整治，同步建立长效监管机制。",
]


@lru_cache(maxsize=65536)
def _at(d: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


@dataclass
class Dispatch:
    loader: Loader
    first: date  # first day of the first dispatched month
    today: date
    office_id: int
    authors: dict[str, int] = field(default_factory=dict)  # province code → unit user id
    periods: dict[tuple[int, int], tuple[int, date]] = field(default_factory=dict)

    def covers(self, d: date) -> bool:
        return self.first <= d and (d.year, d.month) in self.periods

    def make_periods(self, now) -> int:
        """Every month from `first` to the current one; those whose reports are long due
        are closed."""
        L = self.loader
        months, d = [], self.first
        while d <= self.today:
            months.append((d.year, d.month))
            d = (d + timedelta(days=32)).replace(day=1)
        rows = []
        for pid, (y, m) in zip(L.ids(T_PERIOD, len(months)), months, strict=True):
            start, end = month_bounds(y, m)
            due = default_due_date(y, m)
            closed = due + timedelta(days=10) < self.today
            self.periods[(y, m)] = (pid, due)
            rows.append(
                (
                    pid,
                    y,
                    m,
                    start,
                    end,
                    due,
                    self.office_id,
                    L.dt(_at(start, 9)),
                    closed,
                    self.office_id if closed else None,
                    L.dt(_at(due + timedelta(days=10), 17)) if closed else None,
                )
            )
        cols = [
            "id",
            "year",
            "month",
            "start_date",
            "end_date",
            "due_date",
            "opened_by_id",
            "opened_at",
            "closed",
            "closed_by_id",
            "closed_at",
        ]
        return L.insert(T_PERIOD, cols, rows)

    def reports_for(self, events: list[tuple], lead: dict[int, int], prov, rng) -> int:
        """A report behind each dispatched progress event in `events` (rows as inserted)."""
        L = self.loader
        author = self.authors[prov.code]
        mine = [e for e in events if e[11] == "dispatch"]
        rows = []
        measures = json.dumps([])
        for rid, e in zip(L.ids(T_REPORT, len(mine)), mine, strict=True):
            eid, pid, _kind, on, *_rest = e
            percent = e[7]
            period_id, due = self.periods[(on.year, on.month)]
            submitted = _at(min(on + timedelta(days=rng.randint(0, 3)), self.today), 10)
            reviewed = due + timedelta(days=rng.randint(1, 8))
            done = reviewed < self.today
            created = L.dt(_at(on, 9))
            rows.append(
                (
                    rid,
                    pid,
                    period_id,
                    lead[pid],
                    author,
                    rng.choice(TEXTS),
                    percent,
                    "",
                    on,
                    measures,
                    ReportState.REVIEWED.value if done else ReportState.SUBMITTED.value,
                    L.dt(submitted),
                    author,
                    L.dt(submitted),
                    eid,
                    self.office_id if done else None,
                    L.dt(_at(reviewed, 15)) if done else None,
                    "已审核" if done else "",
                    2 if done else 1,
                    created,
                    L.dt(_at(reviewed, 15)) if done else L.dt(submitted),
                )
            )
        return L.insert(T_REPORT, REPORT_COLS, rows)
