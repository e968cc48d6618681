"""Texts made from the dispatch figures: the period's dispatch bulletin (调度通报) and the
quarterly report (季报告) as page data and as a Word document.

Every number comes from dispatch.queries (reports owed, submitted, late, missing) and
problems.asof (statuses); the texts only put them into sentences. The Word document
is in the house style of official documents (GB/T 9704, rectify.core.officedoc).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from rectify.core import officedoc
from rectify.dispatch import queries
from rectify.dispatch.models import DispatchPeriod
from rectify.problems import asof
from rectify.problems.models import Problem, StatusEvent, WarningRecord, day_number
from rectify.problems.states import COMPLETION_KINDS, Colour, EventKind, Status


def _d(d: date) -> str:
    return d.isoformat()


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _paren(text: str) -> str:
    """Text in brackets, full-width in Chinese."""
    return f"（{text}）" if _zh() else f" ({text})"


def _units(items: list[tuple[str, int]]) -> str:
    """Unit names with their counts, as a Chinese (、) or English (,) list."""
    return ("、" if _zh() else ", ").join(f"{name}{_paren(str(n))}" for name, n in items)


# --- the period's dispatch bulletin (调度通报) ----------------------------------------------


@dataclass
class Bulletin:
    title: str
    paragraphs: list[str]
    figures: queries.PeriodFigures
    status_counts: dict[str, int]


def status_sentence(counts: dict[str, int], as_of: date) -> str:
    """One sentence with every status count as of a date (problems.asof figures)."""
    total = sum(counts.values())
    on_schedule = counts[Status.ON_SCHEDULE] + counts[Status.AHEAD_OF_SCHEDULE]
    return _(
        "As of %(date)s, %(total)s problems were on the ledger: %(signed_off)s signed off, "
        "%(completed)s with rectification completed, %(on_schedule)s on schedule (%(ahead)s of "
        "them ahead of schedule), %(behind)s behind schedule, %(not_started)s not started and "
        "%(overdue)s overdue."
    ) % {
        "date": _d(as_of),
        "total": total,
        "signed_off": counts[Status.SIGNED_OFF],
        "completed": counts[Status.COMPLETED],
        "on_schedule": on_schedule,
        "ahead": counts[Status.AHEAD_OF_SCHEDULE],
        "behind": counts[Status.BEHIND_SCHEDULE],
        "not_started": counts[Status.NOT_STARTED],
        "overdue": counts[Status.OVERDUE],
    }


def bulletin(
    period: DispatchPeriod,
    problems: QuerySet[Problem],
    *,
    today: date | None = None,
    figures: queries.PeriodFigures | None = None,
) -> Bulletin:
    """The dispatch bulletin for a period: reporting figures, units named, status counts."""
    today = today or timezone.localdate()
    if figures is None or figures.as_of != today:
        figures = queries.period_figures(period, problems, today=today)
    totals = figures.totals
    counts = asof.status_counts(problems, period.end_date)
    params = {
        "period": period.label,
        "due": _d(period.due_date),
        "today": _d(today),
        "units": len(figures.units),
        "owed": totals["owed"],
        "submitted": totals["submitted"],
        "late": totals["late"],
        "not_submitted": totals["not_submitted"],
    }
    paragraphs = [
        _(
            "For the dispatch period %(period)s, reports were due by %(due)s. As of %(today)s, "
            "%(units)s units owed %(owed)s progress reports: %(submitted)s were submitted, "
            "%(late)s of them after the due date, and %(not_submitted)s were not submitted."
        )
        % params
    ]
    late = [(u.unit.name, u.late) for u in figures.units if u.late]
    missing = [(u.unit.name, u.not_submitted) for u in figures.units if u.not_submitted]
    if late:
        paragraphs.append(_("Reported after the due date: %(units)s.") % {"units": _units(late)})
    if missing and figures.past_due:
        paragraphs.append(_("Not reported: %(units)s.") % {"units": _units(missing)})
    elif missing:
        paragraphs.append(
            _("Not reported yet (due %(due)s): %(units)s.")
            % {"due": _d(period.due_date), "units": _units(missing)}
        )
    if not late and not missing and totals["owed"]:
        paragraphs.append(_("Every unit reported on time."))
    paragraphs.append(status_sentence(counts, period.end_date))
    if missing or late:
        paragraphs.append(
            _(
                "Units that have not reported are to report without delay; late and missing "
                "reports are taken into account in the quarterly assessment."
            )
        )
    title = _("Dispatch bulletin on rectification progress, %(period)s") % {"period": period.label}
    return Bulletin(title=title, paragraphs=paragraphs, figures=figures, status_counts=counts)


# --- the quarterly report (季报告) ------------------------------------------------------------


@dataclass
class Completed:
    problem: Problem
    accepted_on: date


@dataclass
class Rebound:
    problem: Problem
    reopened_on: date
    note: str


@dataclass
class MissingRow:
    period: DispatchPeriod
    unit_name: str
    missing: int
    late: int


@dataclass
class Quarterly:
    year: int
    quarter: int
    start: date
    end: date
    as_of: date
    status_counts: dict[str, int]
    completed: list[Completed] = field(default_factory=list)
    behind: list[Problem] = field(default_factory=list)
    overdue: list[Problem] = field(default_factory=list)
    periods: list[queries.PeriodFigures] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    warnings: dict[str, dict[str, int]] = field(default_factory=dict)
    rebounds: list[Rebound] = field(default_factory=list)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def missing_total(self) -> int:
        return sum(r.missing for r in self.missing)

    @property
    def late_total(self) -> int:
        return sum(r.late for r in self.missing)

    @property
    def warning_records(self) -> int:
        return sum(w["records"] for w in self.warnings.values())


QUARTER_NAMES = {
    1: gettext_lazy("first quarter"),
    2: gettext_lazy("second quarter"),
    3: gettext_lazy("third quarter"),
    4: gettext_lazy("fourth quarter"),
}


def quarter_label(year: int, quarter: int) -> str:
    return _("%(quarter)s of %(year)s") % {"year": year, "quarter": QUARTER_NAMES[quarter]}


def rebound_events(problems: QuerySet[Problem], start: date, end: date) -> QuerySet[StatusEvent]:
    """Reopenings in [start, end] of problems that were signed off just before (反弹).

    A reopening after an acceptance (an objection during the public notice) is not a
    rebound: the latest completion event before it must be the sign-off.
    """
    before = (
        StatusEvent.objects.filter(problem=OuterRef("problem"), kind__in=COMPLETION_KINDS)
        .filter(Q(day__lt=OuterRef("day")) | Q(day=OuterRef("day"), id__lt=OuterRef("id")))
        .order_by("-day", "-id")
        .values("kind")[:1]
    )
    return (
        StatusEvent.objects.filter(
            problem__in=problems.values("pk"),
            kind=EventKind.REOPENED,
            day__gte=day_number(start),
            day__lte=day_number(end),
        )
        .annotate(state_before=Subquery(before))
        .filter(state_before=EventKind.SIGNED_OFF)
        .select_related("problem__inspection", "problem__lead_unit")
        .order_by("effective_date", "id")
    )


def quarterly(
    problems: QuerySet[Problem], year: int, quarter: int, *, today: date | None = None
) -> Quarterly:
    """The quarter's figures over `problems` (the caller's visible problems)."""
    today = today or timezone.localdate()
    start, end = queries.quarter_bounds(year, quarter)
    as_of = min(end, today)
    ids = problems.values("pk")
    report = Quarterly(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        as_of=as_of,
        status_counts=asof.status_counts(problems, as_of),
    )
    accepted = (
        StatusEvent.objects.filter(
            problem__in=ids,
            kind=EventKind.ACCEPTED,
            day__gte=day_number(start),
            day__lte=day_number(end),
        )
        .order_by()
        .values("problem")
        .annotate(first=Min("effective_date"))
    )
    first = {row["problem"]: row["first"] for row in accepted}
    listed = Problem.objects.select_related("inspection", "lead_unit").in_bulk(list(first))
    report.completed = sorted(
        (Completed(listed[pk], d) for pk, d in first.items()),
        key=lambda c: (c.accepted_on, c.problem.inspection.code, c.problem.sort_key),
    )
    at_end = (
        asof.as_of(problems, as_of)
        .filter(asof_status__in=(Status.BEHIND_SCHEDULE, Status.OVERDUE))
        .order_by("inspection__code", "sort_key", "number")
    )
    for p in at_end:
        (report.overdue if p.asof_status == Status.OVERDUE else report.behind).append(p)
    for period in queries.periods_in_quarter(year, quarter):
        figures = queries.period_figures(period, problems, today=today)
        report.periods.append(figures)
        for u in figures.units:
            if u.missing or u.late:
                report.missing.append(MissingRow(period, u.unit.name, u.missing, u.late))
    warnings = (
        WarningRecord.objects.filter(
            problem__in=ids, effective_date__gte=start, effective_date__lte=end
        )
        .order_by()
        .values("colour")
        .annotate(records=Count("id"), problems=Count("problem", distinct=True))
    )
    report.warnings = {c.value: {"records": 0, "problems": 0} for c in Colour}
    for row in warnings:
        report.warnings[row["colour"]] = {"records": row["records"], "problems": row["problems"]}
    report.rebounds = [
        Rebound(e.problem, e.effective_date, e.note) for e in rebound_events(problems, start, end)
    ]
    return report


@dataclass
class Section:
    heading: str
    paragraphs: list[str]


def _problem_line(p: Problem, extra: str = "") -> str:
    inner = p.lead_unit.name
    if extra:
        inner = f"{inner}{'，' if _zh() else ', '}{extra}"
    return f"{p.inspection.code} {p.number} {p.title}{_paren(inner)}"


def quarterly_sections(q: Quarterly) -> list[Section]:
    """The quarterly report as headed sections of sentences (for Word; the page shows tables)."""
    c = q.status_counts
    sections = [Section(_("Overall"), [status_sentence(c, q.as_of)])]

    done = [
        ngettext(
            "%(n)s problem passed acceptance in the quarter.",
            "%(n)s problems passed acceptance in the quarter.",
            len(q.completed),
        )
        % {"n": len(q.completed)}
    ]
    done += [
        f"{i}. {_problem_line(x.problem, _d(x.accepted_on))}"
        for i, x in enumerate(q.completed, start=1)
    ]
    sections.append(Section(_("Problems completed in the quarter"), done))

    lagging = [
        _("As of %(date)s, %(behind)s problems were behind schedule and %(overdue)s overdue.")
        % {"date": _d(q.as_of), "behind": len(q.behind), "overdue": len(q.overdue)}
    ]
    lagging += [f"{i}. {_problem_line(p, _('overdue'))}" for i, p in enumerate(q.overdue, start=1)]
    start = len(q.overdue) + 1
    lagging += [
        f"{i}. {_problem_line(p, _('behind schedule'))}"
        for i, p in enumerate(q.behind, start=start)
    ]
    sections.append(Section(_("Problems behind schedule or overdue"), lagging))

    reporting = []
    for figures in q.periods:
        t = figures.totals
        reporting.append(
            _(
                "%(period)s: %(owed)s reports owed, %(submitted)s submitted (%(late)s late), "
                "%(missing)s missing."
            )
            % {
                "period": figures.period.label,
                "owed": t["owed"],
                "submitted": t["submitted"],
                "late": t["late"],
                "missing": t["missing"],
            }
        )
    if not q.periods:
        reporting.append(_("No dispatch period was opened in the quarter."))
    reporting += [
        _("%(period)s, %(unit)s: %(missing)s missing, %(late)s late.")
        % {"period": r.period.label, "unit": r.unit_name, "missing": r.missing, "late": r.late}
        for r in q.missing
    ]
    sections.append(Section(_("Progress reports"), reporting))

    w = q.warnings
    sections.append(
        Section(
            _("Warnings"),
            [
                _(
                    "Warnings recorded in the quarter: red %(red)s (%(red_p)s problems), yellow "
                    "%(yellow)s (%(yellow_p)s problems), blue %(blue)s (%(blue_p)s problems)."
                )
                % {
                    "red": w[Colour.RED]["records"],
                    "red_p": w[Colour.RED]["problems"],
                    "yellow": w[Colour.YELLOW]["records"],
                    "yellow_p": w[Colour.YELLOW]["problems"],
                    "blue": w[Colour.BLUE]["records"],
                    "blue_p": w[Colour.BLUE]["problems"],
                }
            ],
        )
    )
    rebounds = [
        ngettext(
            "%(n)s signed-off problem rebounded in the quarter.",
            "%(n)s signed-off problems rebounded in the quarter.",
            len(q.rebounds),
        )
        % {"n": len(q.rebounds)}
    ]
    rebounds += [
        f"{i}. {_problem_line(r.problem, _d(r.reopened_on))}"
        for i, r in enumerate(q.rebounds, start=1)
    ]
    sections.append(Section(_("Rebounds"), rebounds))
    return sections


def quarterly_title(q: Quarterly) -> str:
    return _("Report on inspection rectification, %(quarter)s") % {"quarter": q.label}


# --- Word ------------------------------------------------------------------------------------

DOCX_CONTENT_TYPE = officedoc.DOCX_CONTENT_TYPE


def quarterly_docx(q: Quarterly) -> bytes:
    """The quarterly report as an official document (core.officedoc)."""
    return officedoc.official_document(
        quarterly_title(q),
        [(s.heading, s.paragraphs) for s in quarterly_sections(q)],
        closing=[_("Prepared on %(date)s") % {"date": _d(timezone.localdate())}],
    )


def quarterly_filename(q: Quarterly) -> str:
    return f"quarterly-report-{q.year}-Q{q.quarter}.docx"
