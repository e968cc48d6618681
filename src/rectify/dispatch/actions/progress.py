"""Writing, submitting and reviewing progress reports."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core import audit, files
from rectify.core.errors import ConflictError
from rectify.dispatch.actions.notifications import do_notify, report_link
from rectify.dispatch.models import DispatchPeriod, ProgressReport, ReportHistory
from rectify.dispatch.permissions import can_write_report, plays, writes_reports
from rectify.dispatch.states import NEW, TRANSITIONS, NotificationKind, ReportState, ReportStep
from rectify.problems import asof
from rectify.problems.actions import do_record_event
from rectify.problems.evidence import MAX_FILES_PER_UPLOAD, check_attach_evidence_files
from rectify.problems.models import Measure, Problem, StatusEvent, day_number
from rectify.problems.states import DONE_STATUSES, EventKind

TEXT_MAX = 10_000
OPINION_MAX = 2_000


def _date(d: date) -> str:
    return d.isoformat()


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
        # Checked here so that every error comes at once and before anything is written;
        # the evidence module checks them again when it stores them (it alone writes
        # evidence), which costs a second decode of each photo.
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
        link=report_link(report),
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
