"""Every write of the monthly dispatch: one transaction each, permission- and scope-checked,
audited; mail leaves only after the transaction commits.

`check_*` validates its input (errors name the field, in the user's language, and change
nothing); `do_*` trusts it. Views, API routes and the `remind` command call these.

Decisions where the brief was silent:
- A report's percent may go below the previous reported percent only with a reason
  (`decrease_reason`), which is kept on the report and in the progress event's note.
- The report's date lies between the period's first day and the later of its last day and
  its due date, never in the future, never before the problem was listed.
- Files are attached when the report is submitted (they prove the PROGRESS event the
  submission writes); a draft keeps text, percent, date and ticked measures only.
- Returning a report does not undo its progress event (events are append-only); the
  corrected submission writes a new event with the same date, which then wins.
- Lateness is that of the first submission: a report sent in time and returned for
  correction is not late when it comes back after the due date.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.core import audit, files
from rectify.core.errors import ConflictError
from rectify.dispatch import queries
from rectify.dispatch.models import (
    DispatchPeriod,
    Notification,
    ProgressReport,
    ReportHistory,
    default_due_date,
    month_bounds,
    month_label,
)
from rectify.dispatch.permissions import (
    can_run_dispatch,
    can_write_report,
    plays,
    writes_reports,
)
from rectify.dispatch.states import (
    NEW,
    TRANSITIONS,
    NotificationKind,
    ReportState,
    ReportStep,
)
from rectify.problems import asof
from rectify.problems.actions import do_record_event
from rectify.problems.evidence import MAX_FILES_PER_UPLOAD, check_attach_evidence_files
from rectify.problems.models import Measure, Problem, StatusEvent, day_number
from rectify.problems.states import DONE_STATUSES, EventKind

logger = logging.getLogger(__name__)

TEXT_MAX = 10_000
OPINION_MAX = 2_000
MAX_DUE_DAYS_AFTER_END = 62
REMIND_DAYS_BEFORE_DUE = 3


def _date(d: date) -> str:
    return d.isoformat()


# --- periods ---------------------------------------------------------------------------------


@transaction.atomic
def check_open_period(
    *,
    actor,
    year: int | None,
    month: int | None,
    due_date: date | None = None,
    today: date | None = None,
) -> DispatchPeriod:
    """The office opens a month for dispatch; reports are due on `due_date` (default 5th)."""
    if not can_run_dispatch(actor):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if month is None or not 1 <= month <= 12:
        errors["month"] = [_("Give a month between 1 and 12.")]
    if errors:
        raise ValidationError(errors)
    start, end = month_bounds(year, month)
    due = due_date or default_due_date(year, month)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if start > next_month:
        errors["month"] = [_("A period can be opened at most one month ahead.")]
    if DispatchPeriod.objects.filter(year=year, month=month).exists():
        errors["month"] = [
            _("The period %(period)s is open already.") % {"period": month_label(year, month)}
        ]
    if due < start:
        errors["due_date"] = [_("The due date is before the period starts.")]
    elif due > end + timedelta(days=MAX_DUE_DAYS_AFTER_END):
        errors["due_date"] = [_("The due date is more than two months after the period ends.")]
    if errors:
        raise ValidationError(errors)
    return do_open_period(actor=actor, year=year, month=month, due_date=due)


@transaction.atomic
def do_open_period(*, actor, year: int, month: int, due_date: date) -> DispatchPeriod:
    """Create the period, audit it, and tell the units that owe reports (in-app)."""
    period = DispatchPeriod(year=year, month=month, due_date=due_date, opened_by=actor)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as exc:
        raise ConflictError(_("This period was opened by someone else just now.")) from exc
    audit.record(
        "dispatch.open_period",
        actor=actor,
        obj=period,
        after=audit.snapshot(period, ["year", "month", "start_date", "end_date", "due_date"]),
    )
    _notify_period_opened(period)
    return period


def _notify_period_opened(period: DispatchPeriod) -> int:
    units = (
        queries.owing(period, Problem.objects.all())
        .order_by()
        .values_list("lead_unit", flat=True)
        .distinct()
    )
    recipients = User.objects.filter(org_id__in=list(units), role=Role.UNIT, is_active=True)
    title = _("Dispatch %(period)s: progress reports due by %(due)s") % {
        "period": period.label,
        "due": _date(period.due_date),
    }
    body = _(
        "The office opened the dispatch period %(period)s. Report the progress of every open "
        "problem your unit leads by %(due)s."
    ) % {"period": period.label, "due": _date(period.due_date)}
    created = do_notify(
        list(recipients),
        kind=NotificationKind.PERIOD_OPENED,
        title=title,
        body=body,
        link=_my_reports_link(period),
        dedupe_key=f"period_opened:{period.pk}",
    )
    return len(created)


@transaction.atomic
def check_set_period_closed(period: DispatchPeriod, *, actor, closed: bool) -> DispatchPeriod:
    """Close a period (no more reports for it) or open it again (office)."""
    if not can_run_dispatch(actor):
        raise PermissionDenied
    period = DispatchPeriod.objects.select_for_update().get(pk=period.pk)
    if period.closed == closed:
        message = _("The period is closed already.") if closed else _("The period is open already.")
        raise ValidationError({"closed": [message]})
    period.closed = closed
    period.closed_by = actor if closed else None
    period.closed_at = timezone.now() if closed else None
    period.save(update_fields=["closed", "closed_by", "closed_at"])
    audit.record(
        "dispatch.close_period" if closed else "dispatch.reopen_period",
        actor=actor,
        obj=period,
        before={"closed": not closed},
        after={"closed": closed},
    )
    return period


# --- reports ---------------------------------------------------------------------------------


def _frozen_error(report: ProgressReport) -> ValidationError:
    return ValidationError(
        {
            "state": [
                _(
                    "This report was reviewed on %(date)s and is frozen: it can no longer "
                    "be changed."
                )
                % {"date": _date(timezone.localtime(report.reviewed_at).date())}
            ]
        }
    )


def _step_error(report: ProgressReport | None, step: str) -> ValidationError:
    """The clear error for a step the table does not allow from the report's state."""
    if report is not None and report.state == ReportState.REVIEWED:
        return _frozen_error(report)
    if (
        report is not None
        and report.state == ReportState.SUBMITTED
        and step
        in (
            ReportStep.SAVE,
            ReportStep.SUBMIT,
        )
    ):
        return ValidationError(
            {
                "state": [
                    _(
                        "This report was submitted and is waiting for review; it can be "
                        "changed only if the reviewer returns it."
                    )
                ]
            }
        )
    return ValidationError({"state": [_("Only a submitted report can be reviewed or returned.")]})


def _require_writer(actor, problem: Problem) -> None:
    if not writes_reports(actor):
        raise PermissionDenied
    if not can_write_report(actor, problem):
        raise Http404


def previous_percent(problem: Problem, on: date, *, exclude_report=None) -> int | None:
    """The latest reported percent on or before `on`, not counting the report's own events."""
    events = StatusEvent.objects.filter(
        problem=problem, kind=EventKind.PROGRESS, day__lte=day_number(on)
    )
    if exclude_report is not None and exclude_report.pk:
        own = ReportHistory.objects.filter(report=exclude_report, event__isnull=False)
        events = events.exclude(pk__in=own.values("event_id"))
    return events.order_by("-day", "-id").values_list("percent", flat=True).first()


def status_on(problem: Problem, on: date) -> str | None:
    """The problem's as-of status on a date (None before it was listed).

    Only the status column is selected: the full as-of row (colour, plan) costs several
    times as much to compile and is not needed here.
    """
    qs = asof.as_of(Problem.objects.filter(pk=problem.pk), on)
    return qs.values_list("asof_status", flat=True).first()


def validate_report(
    problem: Problem,
    period: DispatchPeriod,
    *,
    report: ProgressReport | None,
    text: str,
    percent: Any,
    effective_date: date | None,
    measures_done: list[int],
    decrease_reason: str,
    today: date,
) -> dict[str, list[str]]:
    """Errors of a report's content, by field, in the user's language; writes nothing."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if period.closed:
        add("period", _("The period %(period)s is closed.") % {"period": period.label})
    if problem.start_date > period.end_date:
        add("period", _("The problem was listed after this period."))
    if not (text or "").strip():
        add("text", _("Describe the progress and the open issues."))
    elif len(text) > TEXT_MAX:
        add("text", _("At most %(n)s characters.") % {"n": TEXT_MAX})
    valid_percent = isinstance(percent, int) and not isinstance(percent, bool)
    if not valid_percent or not 0 <= percent <= 100:
        add("percent", _("Give a percent between 0 and 100."))
    if effective_date is None:
        add("effective_date", _("Give the report's date."))
    else:
        last = period.last_report_date
        if not period.start_date <= effective_date <= last:
            add(
                "effective_date",
                _("The report's date must lie between %(start)s and %(end)s.")
                % {"start": _date(period.start_date), "end": _date(last)},
            )
        elif effective_date > today:
            add("effective_date", _("The date is in the future."))
        elif effective_date < problem.start_date:
            add("effective_date", _("The date is before the problem was listed."))
        else:
            if status_on(problem, effective_date) in DONE_STATUSES:
                add("effective_date", _("The problem is already completed on that date."))
            elif "percent" not in errors:
                previous = previous_percent(problem, effective_date, exclude_report=report)
                if previous is not None and percent < previous and not decrease_reason.strip():
                    add(
                        "decrease_reason",
                        _(
                            "The percent is below the previous report's %(previous)s%%; "
                            "give the reason for the decrease."
                        )
                        % {"previous": previous},
                    )
    known = set(problem.measures.values_list("seq", flat=True))
    for seq in measures_done:
        if seq not in known:
            add("measures_done", _("The problem has no measure number %(seq)s.") % {"seq": seq})
    return errors


@dataclass
class ReportData:
    """What a unit writes; `measures_done` are measure numbers (Measure.seq)."""

    text: str
    percent: Any
    effective_date: date | None
    measures_done: list[int] = field(default_factory=list)
    decrease_reason: str = ""


def check_write_report(
    problem: Problem,
    period: DispatchPeriod,
    *,
    actor,
    data: ReportData,
    submit: bool = False,
    uploaded_files: list | None = None,
    caption: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ProgressReport:
    """Create or correct the problem's report for the period, and submit it if asked.

    Everything is checked (files too: from their content, before any transaction opens)
    and every error is reported at once; a refused report writes nothing, on disk neither.
    """
    _require_writer(actor, problem)
    period = DispatchPeriod.objects.get(pk=period.pk)  # closed by someone meanwhile?
    today = today or timezone.localdate()
    uploaded_files = list(uploaded_files or [])
    step = ReportStep.SUBMIT if submit else ReportStep.SAVE
    report = ProgressReport.objects.filter(problem=problem, period=period).first()
    if (report.state if report else NEW, step) not in TRANSITIONS:
        raise _step_error(report, step)
    if report is not None and expected_version is not None and report.version != expected_version:
        raise ConflictError(_("This report was changed by someone else; reload and retry."))
    errors = validate_report(
        problem,
        period,
        report=report,
        text=data.text,
        percent=data.percent,
        effective_date=data.effective_date,
        measures_done=data.measures_done,
        decrease_reason=data.decrease_reason or "",
        today=today,
    )
    if uploaded_files and not submit:
        errors["file"] = [
            _("Files are attached when the report is submitted; choose them when you submit.")
        ]
    elif len(uploaded_files) > MAX_FILES_PER_UPLOAD:
        errors["file"] = [_("Upload at most %(n)s files at a time.") % {"n": MAX_FILES_PER_UPLOAD}]
    else:
        for upload in uploaded_files:
            try:
                files.inspect_upload(upload)
            except ValidationError as exc:
                errors.setdefault("file", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with files.discard_on_error(), transaction.atomic():
        return do_write_report(
            problem,
            period,
            actor=actor,
            data=data,
            submit=submit,
            uploaded_files=uploaded_files,
            caption=caption,
            # 0: the report must still not exist when the row lock is taken.
            expected_version=report.version if report else 0,
            today=today,
        )


@transaction.atomic
def do_write_report(
    problem: Problem,
    period: DispatchPeriod,
    *,
    actor,
    data: ReportData,
    submit: bool,
    uploaded_files: list,
    caption: str = "",
    expected_version: int | None,
    today: date,
) -> ProgressReport:
    """Save (and submit) validated content; re-checks state and version under the row lock."""
    step = ReportStep.SUBMIT if submit else ReportStep.SAVE
    if DispatchPeriod.objects.filter(pk=period.pk, closed=True).exists():
        raise ValidationError(
            {"period": [_("The period %(period)s is closed.") % {"period": period.label}]}
        )
    measures = {
        m.seq: m.text for m in problem.measures.filter(seq__in=data.measures_done).order_by("seq")
    }
    content = {
        "text": data.text.strip(),
        "percent": data.percent,
        "effective_date": data.effective_date,
        "decrease_reason": (data.decrease_reason or "").strip(),
        "measures_done": [{"seq": s, "text": t} for s, t in measures.items()],
    }
    report = (
        ProgressReport.objects.select_for_update().filter(problem=problem, period=period).first()
    )
    if report is None:
        if expected_version:
            raise ConflictError(_("This report was changed by someone else; reload and retry."))
        report = ProgressReport(
            problem=problem, period=period, unit=problem.lead_unit, author=actor, **content
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise ConflictError(
                _("This report was changed by someone else; reload and retry.")
            ) from exc
        before = None
        from_state = NEW
    else:
        if (report.state, step) not in TRANSITIONS:
            raise _step_error(report, step)
        if expected_version is not None and report.version != expected_version:
            raise ConflictError(_("This report was changed by someone else; reload and retry."))
        before = _report_state(report)
        from_state = report.state
        for key, value in content.items():
            setattr(report, key, value)
        report.version += 1
        report.updated_at = timezone.now()
        report.save()
    to_state, _role = TRANSITIONS[(from_state, step)]
    if step == ReportStep.SAVE:
        report.state = to_state
        report.save(update_fields=["state"])
        _history(report, step, from_state, actor=actor, effective_date=today)
        audit.record(
            "dispatch.save_report",
            actor=actor,
            obj=report,
            before=before,
            after=_report_state(report),
        )
        return report
    return do_submit_report(
        report,
        actor=actor,
        from_state=from_state,
        uploaded_files=uploaded_files,
        caption=caption,
        before=before,
    )


def do_submit_report(
    report: ProgressReport,
    *,
    actor,
    from_state: str,
    uploaded_files: list,
    caption: str = "",
    before: dict | None = None,
) -> ProgressReport:
    """Submit a saved report (inside the caller's transaction): the PROGRESS event dated on
    the report's date, its evidence, the measures ticked done, history and audit."""
    problem = report.problem
    note = report.text
    if report.decrease_reason:
        note = f"{note}\n{_('Reason the percent went down')}: {report.decrease_reason}"
    event = do_record_event(
        problem,
        actor=actor,
        kind=EventKind.PROGRESS,
        effective_date=report.effective_date,
        percent=report.percent,
        note=note,
        origin="dispatch",
    )
    evidence = []
    if uploaded_files:
        evidence = check_attach_evidence_files(
            problem, actor=actor, uploaded_files=uploaded_files, caption=caption, event=event
        )
    done = do_mark_measures_done(
        problem,
        [m["seq"] for m in report.measures_done],
        done_date=report.effective_date,
        actor=actor,
    )
    now = timezone.now()
    report.state = ReportState.SUBMITTED
    report.submitted_at = report.submitted_at or now
    report.submitted_by = actor
    report.last_submitted_at = now
    report.event = event
    report.save()
    _history(
        report,
        ReportStep.SUBMIT,
        from_state,
        actor=actor,
        effective_date=report.effective_date,
        event=event,
    )
    audit.record(
        "dispatch.submit_report",
        actor=actor,
        obj=report,
        before=before,
        after={
            **_report_state(report),
            "event": event.pk,
            "evidence": [e.pk for e in evidence],
            "measures_marked_done": done,
            "late": report.is_late,
        },
    )
    return report


def do_mark_measures_done(
    problem: Problem, seqs: list[int], *, done_date: date, actor
) -> list[int]:
    """Tick measures of a problem done on `done_date` (those not done yet); audited."""
    pending = list(
        Measure.objects.select_for_update()
        .filter(problem=problem, seq__in=seqs, done=False)
        .order_by("seq")
    )
    for m in pending:
        m.done = True
        m.done_date = done_date
    Measure.objects.bulk_update(pending, ["done", "done_date"])
    marked = [m.seq for m in pending]
    if marked:
        audit.record(
            "dispatch.measures_done",
            actor=actor,
            obj=problem,
            before={"measures": [{"seq": s, "done": False} for s in marked]},
            after={"measures": [{"seq": s, "done": True} for s in marked], "done_date": done_date},
        )
    return marked


_DECISIONS = {"accept": ReportStep.ACCEPT, "return": ReportStep.RETURN}


@transaction.atomic
def check_review_report(
    report: ProgressReport,
    *,
    actor,
    decision: str,
    opinion: str = "",
    expected_version: int | None = None,
) -> ProgressReport:
    """The office or the prefecture's reviewer marks a submitted report reviewed (it is
    then frozen) or returns it for correction, saying what to correct."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("problem", "unit", "period")
        .get(pk=report.pk)
    )
    step = _DECISIONS.get(decision)
    if step is None:
        raise ValidationError({"decision": [_("Choose “reviewed” or “return for correction”.")]})
    edge = TRANSITIONS.get((report.state, step))
    if edge is None:
        raise _step_error(report, step)
    if getattr(actor, "pk", None) in (report.author_id, report.submitted_by_id):
        raise ValidationError({"decision": [_("Nobody reviews their own report.")]})
    _to_state, role = edge
    if not plays(actor, role, report, report.problem):
        raise PermissionDenied(_("You may not review this report."))
    if expected_version is not None and report.version != expected_version:
        raise ConflictError(_("This report was changed by someone else; reload and retry."))
    opinion = (opinion or "").strip()
    if step == ReportStep.RETURN and not opinion:
        raise ValidationError({"opinion": [_("Say what must be corrected.")]})
    if len(opinion) > OPINION_MAX:
        raise ValidationError({"opinion": [_("At most %(n)s characters.") % {"n": OPINION_MAX}]})
    return do_review_report(report, actor=actor, step=step, opinion=opinion)


def do_review_report(report: ProgressReport, *, actor, step: str, opinion: str) -> ProgressReport:
    """Apply a checked review step (inside the caller's transaction) and tell the unit."""
    before = _report_state(report)
    from_state = report.state
    to_state, _role = TRANSITIONS[(from_state, step)]
    now = timezone.now()
    report.state = to_state
    report.review_opinion = opinion
    report.reviewed_by = actor
    report.reviewed_at = now if step == ReportStep.ACCEPT else None
    report.version += 1
    report.updated_at = now
    report.save()
    _history(
        report, step, from_state, actor=actor, effective_date=timezone.localdate(), note=opinion
    )
    audit.record(
        f"dispatch.{step}_report",
        actor=actor,
        obj=report,
        before=before,
        after=_report_state(report),
    )
    recipients = User.objects.filter(
        pk__in={report.author_id, report.submitted_by_id} - {None}, is_active=True
    )
    params = {"period": report.period.label, "number": report.problem.number}
    if step == ReportStep.ACCEPT:
        kind = NotificationKind.REVIEWED
        title = _("Report on problem %(number)s for %(period)s was reviewed") % params
    else:
        kind = NotificationKind.RETURNED
        title = _("Report on problem %(number)s for %(period)s was returned for correction") % (
            params
        )
    do_notify(
        list(recipients),
        kind=kind,
        title=title,
        body=opinion,
        link=_report_link(report),
        dedupe_key=f"{kind}:{report.pk}:{report.version}",
    )
    return report


def _report_state(report: ProgressReport) -> dict[str, Any]:
    data = audit.snapshot(
        report,
        [
            "problem",
            "period",
            "unit",
            "text",
            "percent",
            "decrease_reason",
            "effective_date",
            "measures_done",
            "state",
            "review_opinion",
            "version",
        ],
    )
    return data


def _history(
    report: ProgressReport,
    step: str,
    from_state: str,
    *,
    actor,
    effective_date: date,
    note: str = "",
    event: StatusEvent | None = None,
) -> ReportHistory:
    return ReportHistory.objects.create(
        report=report,
        step=step,
        from_state=from_state,
        to_state=report.state,
        actor=actor,
        note=note,
        effective_date=effective_date,
        event=event,
    )


# --- notifications and reminders -----------------------------------------------------------


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # URLconf without the dispatch pages
        return ""


def _my_reports_link(period: DispatchPeriod) -> str:
    url = _link("dispatch:my_reports")
    return f"{url}?period={period.pk}" if url else ""


def _report_link(report: ProgressReport) -> str:
    return _link("dispatch:report", report.pk)


def do_notify(
    recipients: list,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    email: bool = False,
) -> list[Notification]:
    """In-app notifications (and mail after commit) for those not notified under the key."""
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                recipient__in=[u.pk for u in recipients], dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        recipients = [u for u in recipients if u.pk not in already]
    new = [
        Notification(
            recipient=u,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            dedupe_key=dedupe_key,
        )
        for u in recipients
    ]
    Notification.objects.bulk_create(new)
    if email:
        mails = [(u.email, title, _mail_body(body, link)) for u in recipients if u.email]
        if mails:
            transaction.on_commit(lambda: send_mails(mails))
    return new


def _mail_body(body: str, link: str) -> str:
    base = getattr(settings, "RECTIFY_BASE_URL", "").rstrip("/")
    if link and base:
        return f"{body}\n\n{base}{link}"
    return body


def send_mails(mails: list[tuple[str, str, str]]) -> int:
    """Send (to, subject, body) mails over one connection; a failed one is logged, not fatal."""
    sent = 0
    connection = get_connection()
    for to, subject, body in mails:
        try:
            sent += send_mail(subject, body, None, [to], connection=connection)
        except Exception:  # one bad address or a hiccup must not stop the others
            logger.exception("reminder mail to %s failed", to)
    return sent


@dataclass
class ReminderRun:
    day: date
    notifications: int = 0
    mails: int = 0
    units: int = 0
    skipped: int = 0  # recipients already reminded of the same thing today
    lines: list[str] = field(default_factory=list)


@transaction.atomic
def do_send_reminders(*, today: date, actor="cli:remind") -> ReminderRun:
    """Remind lead units of reports due within three days and of missing ones after the due
    date, in-app and by mail; once per recipient, period, set of problems and day."""
    run = ReminderRun(day=today)
    periods = DispatchPeriod.objects.filter(closed=False, start_date__lte=today).order_by(
        "start_date"
    )
    # Texts are in the active language: the deployment's (LANGUAGE_CODE) under cron.
    for period in periods:
        if today > period.due_date:
            kind = NotificationKind.MISSING
        elif period.due_date <= today + timedelta(days=REMIND_DAYS_BEFORE_DUE):
            kind = NotificationKind.DUE_SOON
        else:
            continue
        _remind_period(period, kind, run)
    if run.notifications:
        audit.record(
            "dispatch.remind",
            actor=actor,
            object_type="dispatch.dispatchperiod",
            object_id=today.isoformat(),
            after={
                "day": today,
                "notifications": run.notifications,
                "mails": run.mails,
                "units": run.units,
            },
        )
    return run


def _remind_period(period: DispatchPeriod, kind: str, run: ReminderRun) -> None:
    submitted = ProgressReport.objects.filter(
        problem=OuterRef("pk"), period=period, submitted_at__isnull=False
    )
    pending = (
        queries.owing(period, Problem.objects.all())
        .filter(~Exists(submitted))
        .order_by("lead_unit", "inspection__code", "sort_key", "number")
        .values_list("lead_unit", "pk", "inspection__code", "number", "title")
    )
    by_unit: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, pk, code, number, summary in pending:
        by_unit[unit_id].append((pk, code, number, summary))
    users: dict[int, list[User]] = defaultdict(list)
    for u in User.objects.filter(org_id__in=list(by_unit), role=Role.UNIT, is_active=True):
        users[u.org_id].append(u)
    link = _my_reports_link(period)
    for unit_id, items in by_unit.items():
        recipients = users.get(unit_id, [])
        if not recipients:
            continue
        ids = ",".join(str(pk) for pk, *_rest in sorted(items))
        digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
        key = f"{kind}:{period.pk}:{digest}:{run.day.isoformat()}"
        n = len(items)
        params = {"n": n, "period": period.label, "due": _date(period.due_date)}
        if kind == NotificationKind.DUE_SOON:
            title = (
                ngettext(
                    "%(n)s progress report for %(period)s is due by %(due)s",
                    "%(n)s progress reports for %(period)s are due by %(due)s",
                    n,
                )
                % params
            )
        else:
            title = (
                ngettext(
                    "%(n)s progress report for %(period)s is missing (due %(due)s)",
                    "%(n)s progress reports for %(period)s are missing (due %(due)s)",
                    n,
                )
                % params
            )
        lines = [f"{code} {number} {summary}" for _pk, code, number, summary in items]
        created = do_notify(
            recipients,
            kind=kind,
            title=title,
            body="\n".join(lines),
            link=link,
            dedupe_key=key,
            email=True,
        )
        run.skipped += len(recipients) - len(created)
        if created:
            run.units += 1
            run.notifications += len(created)
            run.mails += sum(1 for c in created if c.recipient.email)
            run.lines.append(
                f"{period.label} {kind}: unit {unit_id}, {n} problems, {len(created)} recipients"
            )


@transaction.atomic
def do_mark_notifications_read(user, *, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = list(qs.values_list("pk", flat=True))
    if not marked:
        return 0
    Notification.objects.filter(pk__in=marked).update(read_at=timezone.now())
    audit.record(
        "dispatch.notifications_read",
        actor=user,
        object_type="dispatch.notification",
        object_id=str(user.pk),
        after={"notifications": marked},
    )
    return len(marked)
