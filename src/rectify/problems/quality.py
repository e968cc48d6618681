"""Data-quality checks (数据质量体检): contradictions a reviewer must fix before figures go out.

One function per check. Each takes a (scoped) queryset of problems, the date the ledger is
looked at (`as_of`: only events effective by then count) and the start of the reporting
period, and returns `Finding` rows. Every check is a set-based query: subqueries and
EXISTS over events and milestones find the offending rows in SQL, and only those rows are
loaded, so a check costs a few queries whatever the size of the ledger.

The checks:
  done_not_applied   the latest reported percent is 100 but no application for acceptance
                     (APPLIED) or acceptance (ACCEPTED) is dated on or after that report;
  no_report          an open problem, listed before the period start, with no progress
                     report dated within [period start, as_of];
  dates_out_of_order one finding per contradiction among
                     event_before_start      an event dated before the problem's plan start,
                     recorded_before_effect  an event recorded before the date it claims to
                                             take effect (a future-dated entry),
                     signoff_without_acceptance  a sign-off with no acceptance on or before it,
                     acceptance_before_progress  an acceptance followed by a progress report
                                             with no reopening in between,
                     milestone_before_start  a milestone dated before the plan start,
                     plan_decreasing         a milestone planning less than an earlier one,
                     measure_after_deadline  a measure due after the problem's deadline;
  no_evidence        completed (accepted or signed off) as of the date, without evidence
                     (see `evidence_problem_ids`);
  milestone_after_deadline  a milestone dated after the deadline in force (the as-of
                     evaluation ignores such milestones, so the plan silently differs).
Deadlines are those in force on `as_of` (original, or the latest approved extension).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Trim, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.problems.asof import listed_by
from rectify.problems.models import Measure, Milestone, Problem, StatusEvent, day_number
from rectify.problems.states import COMPLETION_KINDS, EventKind


@dataclass(frozen=True)
class Finding:
    problem: Problem
    check: str  # the check's code (one of CHECKS)
    code: str  # the precise contradiction; equals `check` for single-rule checks
    message: str  # in the active language
    details: dict[str, Any] = field(default_factory=dict)  # JSON-ready (dates as ISO strings)

    def as_json(self) -> dict[str, Any]:
        p = self.problem
        return {
            "problem_id": p.pk,
            "inspection": p.inspection.code,
            "number": p.number,
            "title": p.title,
            "check": self.check,
            "code": self.code,
            "message": self.message,
            "details": self.details,
        }


# Apps above the ledger (dispatch) register how to find the current reporting period's
# start; the ledger does not import them.
_PERIOD_START: list = []


def register_period_start(find) -> None:
    """Register `find(as_of) -> date | None`, the start of the reporting period at as_of."""
    if find not in _PERIOD_START:
        _PERIOD_START.append(find)


def default_period_start(as_of: date) -> date:
    """The start of the dispatch period in force at `as_of`, else the first of its month."""
    for find in _PERIOD_START:
        start = find(as_of)
        if start is not None:
            return start
    return first_of_month(as_of)


def first_of_month(d: date) -> date:
    """Default period start: the first day of the month of `d`."""
    return d.replace(day=1)


def evidence_problem_ids(as_of: date | None = None) -> QuerySet:
    """Ids (a subquery) of problems whose completion is backed by evidence: evidence files
    on file (as of the end of `as_of`), or an acceptance / sign-off event carrying a written
    opinion (imported histories have no files, only the recorded opinion)."""
    from rectify.problems.evidence import evidenced_problem_ids

    noted = (
        StatusEvent.objects.filter(kind__in=(EventKind.ACCEPTED, EventKind.SIGNED_OFF))
        .annotate(trimmed=Trim("note"))
        .exclude(trimmed="")
        .values("problem_id")
    )
    return Problem.objects.filter(Q(pk__in=noted) | Q(pk__in=evidenced_problem_ids(as_of))).values(
        "pk"
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _events(problems: QuerySet[Problem], as_of: date) -> QuerySet[StatusEvent]:
    return StatusEvent.objects.filter(
        problem__in=problems.values("pk"), day__lte=day_number(as_of)
    ).select_related("problem__inspection", "problem__lead_unit")


def _latest(qs, field_name: str):
    return Subquery(qs.order_by("-day", "-id").values(field_name)[:1])


def _deadline_in_force(as_of: date, problem_ref: str):
    """The deadline (a date) in force on `as_of` for the problem `problem_ref` points at."""
    changes = StatusEvent.objects.filter(
        problem=OuterRef(problem_ref),
        kind=EventKind.DEADLINE_CHANGED,
        day__lte=day_number(as_of),
    )
    original = "original_deadline" if problem_ref == "pk" else f"{problem_ref}__original_deadline"
    return Coalesce(_latest(changes, "new_deadline"), F(original))


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            f.problem.inspection.feedback_date,
            f.problem.inspection_id,
            f.problem.sort_key,
            f.problem.number,
            f.code,
            str(f.details.get("date", "")),
        ),
    )


# --- (1) reported 100 % but not applied for acceptance --------------------------------------


def check_done_not_applied(
    problems: QuerySet[Problem], *, as_of: date, period_start: date
) -> list[Finding]:
    d = day_number(as_of)
    progress = StatusEvent.objects.filter(
        problem=OuterRef("pk"), kind=EventKind.PROGRESS, day__lte=d
    )
    applied_after = StatusEvent.objects.filter(
        problem=OuterRef("pk"),
        kind__in=(EventKind.APPLIED, EventKind.ACCEPTED),
        day__gte=OuterRef("last_day"),
        day__lte=d,
    )
    rows = (
        listed_by(problems, as_of)
        .annotate(
            last_percent=_latest(progress, "percent"),
            last_day=_latest(progress, "day"),
            last_date=_latest(progress, "effective_date"),
        )
        .filter(last_percent=100)
        .filter(~Exists(applied_after))
        .select_related("inspection", "lead_unit")
    )
    return [
        Finding(
            problem=p,
            check="done_not_applied",
            code="done_not_applied",
            message=_("Reported 100 %% done on %(date)s, but no application for acceptance since.")
            % {"date": p.last_date},
            details={"date": _iso(p.last_date)},
        )
        for p in rows
    ]


# --- (2) open, without a progress report in the period --------------------------------------


def check_no_report(
    problems: QuerySet[Problem], *, as_of: date, period_start: date
) -> list[Finding]:
    d = day_number(as_of)
    completion = StatusEvent.objects.filter(
        problem=OuterRef("pk"), kind__in=COMPLETION_KINDS, day__lte=d
    )
    progress = StatusEvent.objects.filter(
        problem=OuterRef("pk"), kind=EventKind.PROGRESS, day__lte=d
    )
    in_period = progress.filter(day__gte=day_number(period_start))
    rows = (
        listed_by(problems, as_of)
        .filter(start_date__lt=period_start)
        .annotate(
            completion=_latest(completion, "kind"),
            last_date=_latest(progress, "effective_date"),
        )
        # Open: never completed, or reopened since (a NULL must not fall through a NOT IN).
        .filter(Q(completion__isnull=True) | Q(completion=EventKind.REOPENED))
        .filter(~Exists(in_period))
        .select_related("inspection", "lead_unit")
    )
    findings = []
    for p in rows:
        if p.last_date:
            message = _("No progress reported since %(start)s (last report %(last)s).") % {
                "start": period_start,
                "last": p.last_date,
            }
        else:
            message = _("No progress reported since %(start)s (never reported).") % {
                "start": period_start
            }
        findings.append(
            Finding(
                problem=p,
                check="no_report",
                code="no_report",
                message=message,
                details={"period_start": _iso(period_start), "last_report": _iso(p.last_date)},
            )
        )
    return findings


# --- (3) dates out of order ---------------------------------------------------------------


def _event_finding(e: StatusEvent, code: str, message: str, **details) -> Finding:
    return Finding(
        problem=e.problem,
        check="dates_out_of_order",
        code=code,
        message=message,
        details={"date": _iso(e.effective_date), "kind": e.kind, **details},
    )


def _milestone_finding(m: Milestone, check: str, code: str, message: str, **details) -> Finding:
    return Finding(
        problem=m.problem,
        check=check,
        code=code,
        message=message,
        details={"date": _iso(m.date), "percent": m.percent, **details},
    )


def check_dates_out_of_order(
    problems: QuerySet[Problem], *, as_of: date, period_start: date
) -> list[Finding]:
    d = day_number(as_of)
    listed = listed_by(problems, as_of)
    events = _events(listed, as_of)
    findings: list[Finding] = []

    for e in events.filter(day__lt=F("problem__start_day")):
        findings.append(
            _event_finding(
                e,
                "event_before_start",
                _("%(kind)s dated %(date)s, before the plan starts on %(start)s.")
                % {
                    "kind": e.get_kind_display(),
                    "date": e.effective_date,
                    "start": e.problem.start_date,
                },
                start=_iso(e.problem.start_date),
            )
        )

    recorded_on = TruncDate("recorded_at")
    for e in events.annotate(recorded_on=recorded_on).filter(effective_date__gt=F("recorded_on")):
        findings.append(
            _event_finding(
                e,
                "recorded_before_effect",
                _("%(kind)s recorded on %(recorded)s but dated later, %(date)s.")
                % {
                    "kind": e.get_kind_display(),
                    "recorded": e.recorded_on,
                    "date": e.effective_date,
                },
                recorded=_iso(e.recorded_on),
            )
        )

    accepted_before = StatusEvent.objects.filter(
        problem=OuterRef("problem"), kind=EventKind.ACCEPTED, day__lte=OuterRef("day")
    )
    for e in events.filter(kind=EventKind.SIGNED_OFF).filter(~Exists(accepted_before)):
        findings.append(
            _event_finding(
                e,
                "signoff_without_acceptance",
                _("Signed off on %(date)s without an acceptance before it.")
                % {"date": e.effective_date},
            )
        )

    # A progress report after an acceptance, with no reopening between the two.
    reopened_between = StatusEvent.objects.filter(
        problem=OuterRef(OuterRef("problem")),
        kind=EventKind.REOPENED,
        day__gte=OuterRef(OuterRef("day")),
        day__lte=OuterRef("day"),
    )
    later_progress = StatusEvent.objects.filter(
        problem=OuterRef("problem"),
        kind=EventKind.PROGRESS,
        day__gt=OuterRef("day"),
        day__lte=d,
    ).filter(~Exists(reopened_between))
    accepted = events.filter(kind=EventKind.ACCEPTED).annotate(
        report_date=Subquery(later_progress.order_by("-day", "-id").values("effective_date")[:1])
    )
    for e in accepted.filter(report_date__isnull=False):
        findings.append(
            _event_finding(
                e,
                "acceptance_before_progress",
                _("Accepted on %(date)s, before the progress report of %(report)s.")
                % {"date": e.effective_date, "report": e.report_date},
                report=_iso(e.report_date),
            )
        )

    milestones = Milestone.objects.filter(problem__in=listed.values("pk")).select_related(
        "problem__inspection", "problem__lead_unit"
    )
    for m in milestones.filter(day__lt=F("problem__start_day")):
        findings.append(
            _milestone_finding(
                m,
                "dates_out_of_order",
                "milestone_before_start",
                _("Milestone of %(date)s is before the plan starts on %(start)s.")
                % {"date": m.date, "start": m.problem.start_date},
                start=_iso(m.problem.start_date),
            )
        )

    earlier_higher = Milestone.objects.filter(
        problem=OuterRef("problem"), day__lt=OuterRef("day"), percent__gt=OuterRef("percent")
    ).order_by("-percent", "day")
    decreasing = milestones.annotate(
        earlier_date=Subquery(earlier_higher.values("date")[:1]),
        earlier_percent=Subquery(earlier_higher.values("percent")[:1]),
    ).filter(earlier_date__isnull=False)
    for m in decreasing:
        findings.append(
            _milestone_finding(
                m,
                "dates_out_of_order",
                "plan_decreasing",
                _(
                    "Planned percent goes down: %(earlier_percent)s %% on %(earlier)s, "
                    "then %(percent)s %% on %(date)s."
                )
                % {
                    "earlier_percent": m.earlier_percent,
                    "earlier": m.earlier_date,
                    "percent": m.percent,
                    "date": m.date,
                },
                earlier=_iso(m.earlier_date),
                earlier_percent=m.earlier_percent,
            )
        )

    measures = (
        Measure.objects.filter(problem__in=listed.values("pk"), due_date__isnull=False)
        .annotate(deadline=_deadline_in_force(as_of, "problem"))
        .filter(due_date__gt=F("deadline"))
        .select_related("problem__inspection", "problem__lead_unit")
    )
    for measure in measures:
        findings.append(
            Finding(
                problem=measure.problem,
                check="dates_out_of_order",
                code="measure_after_deadline",
                message=_("Measure %(seq)s is due on %(date)s, after the deadline %(deadline)s.")
                % {"seq": measure.seq, "date": measure.due_date, "deadline": measure.deadline},
                details={
                    "measure": measure.seq,
                    "date": _iso(measure.due_date),
                    "deadline": _iso(measure.deadline),
                },
            )
        )
    return findings


# --- (4) completed without evidence ---------------------------------------------------------


def check_no_evidence(
    problems: QuerySet[Problem], *, as_of: date, period_start: date
) -> list[Finding]:
    d = day_number(as_of)
    completion = StatusEvent.objects.filter(
        problem=OuterRef("pk"), kind__in=COMPLETION_KINDS, day__lte=d
    )
    rows = (
        listed_by(problems, as_of)
        .annotate(
            completion=_latest(completion, "kind"),
            completed_on=_latest(completion, "effective_date"),
        )
        .filter(completion__in=(EventKind.ACCEPTED, EventKind.SIGNED_OFF))
        .exclude(pk__in=evidence_problem_ids(as_of))
        .select_related("inspection", "lead_unit")
    )
    return [
        Finding(
            problem=p,
            check="no_evidence",
            code="no_evidence",
            message=_("Counted as completed since %(date)s, but no evidence is on file.")
            % {"date": p.completed_on},
            details={"date": _iso(p.completed_on), "kind": p.completion},
        )
        for p in rows
    ]


# --- (5) milestones after the deadline ------------------------------------------------------


def check_milestone_after_deadline(
    problems: QuerySet[Problem], *, as_of: date, period_start: date
) -> list[Finding]:
    rows = (
        Milestone.objects.filter(problem__in=listed_by(problems, as_of).values("pk"))
        .annotate(deadline=_deadline_in_force(as_of, "problem"))
        .filter(date__gt=F("deadline"))
        .select_related("problem__inspection", "problem__lead_unit")
    )
    return [
        _milestone_finding(
            m,
            "milestone_after_deadline",
            "milestone_after_deadline",
            _("Milestone of %(date)s (%(percent)s %%) is after the deadline %(deadline)s.")
            % {"date": m.date, "percent": m.percent, "deadline": m.deadline},
            deadline=_iso(m.deadline),
        )
        for m in rows
    ]


@dataclass(frozen=True)
class Check:
    code: str
    label: Any  # lazy translation
    run: Callable[..., list[Finding]]


CHECKS: list[Check] = [
    Check(
        "done_not_applied",
        gettext_lazy("Reported fully done but not applied for acceptance"),
        check_done_not_applied,
    ),
    Check("no_report", gettext_lazy("No progress report in the period"), check_no_report),
    Check("dates_out_of_order", gettext_lazy("Dates out of order"), check_dates_out_of_order),
    Check("no_evidence", gettext_lazy("Completed without evidence"), check_no_evidence),
    Check(
        "milestone_after_deadline",
        gettext_lazy("Milestones after the deadline"),
        check_milestone_after_deadline,
    ),
]
CHECKS_BY_CODE = {c.code: c for c in CHECKS}


def run_checks(
    problems: QuerySet[Problem], *, as_of: date, period_start: date | None = None
) -> dict[str, list[Finding]]:
    """{check code: findings} for every check, in CHECKS order (empty lists included)."""
    period_start = period_start or default_period_start(as_of)
    return {
        c.code: _sorted(c.run(problems, as_of=as_of, period_start=period_start)) for c in CHECKS
    }
