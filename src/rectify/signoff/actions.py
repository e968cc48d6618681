"""Every write of the sign-off workflow; one transition function checks the table.

Each step is one transaction: it locks the application, checks the edge and the actor's
role, writes a Step row, moves the problem's dated events (APPLIED, ACCEPTED, REOPENED,
SIGNED_OFF) so that as-of statuses follow, and writes the audit event.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.problems import asof
from rectify.problems.actions import do_record_event
from rectify.problems.models import Problem
from rectify.problems.states import EventKind, Status
from rectify.signoff.models import AcceptanceLevel, Application, AppState, Step, StepKind
from rectify.signoff.permissions import levels_for, plays, signs_own
from rectify.signoff.states import NEW, TRANSITIONS
from rectify.signoff.workdays import CalendarMissing, notice_period

DEFAULT_NOTICE_DAYS = 10
SIGNER_MAX = Step._meta.get_field("signer_name").max_length


def _label(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor)
    return str(actor or _("the public"))


def _check_date(effective_date: date, not_before: date | None, today: date) -> None:
    if effective_date > today:
        raise ValidationError({"effective_date": [_("The date is in the future.")]})
    if not_before is not None and effective_date < not_before:
        raise ValidationError(
            {
                "effective_date": [
                    _("The date is before the previous step (%(d)s).") % {"d": not_before}
                ]
            }
        )


def _last_step_date(application: Application) -> date:
    last = application.steps.order_by("-effective_date").values_list("effective_date", flat=True)
    return last.first() or application.applied_on


def _step(application, kind, *, actor, from_state, level=None, **fields) -> Step:
    return Step.objects.create(
        application=application,
        kind=kind,
        level=level,
        from_state=from_state,
        to_state=application.state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        **fields,
    )


def _schedule_notice(application: Application, accepted_on: date) -> None:
    """Set the notice period from the day after acceptance; warn when a year lacks data."""
    try:
        start, end = notice_period(
            date.fromordinal(accepted_on.toordinal() + 1), application.notice_days
        )
    except CalendarMissing as missing:
        application.notice_start = application.notice_end = None
        application.notice_problem = _(
            "No holiday calendar for %(year)s: enter that year's holidays and adjusted "
            "workdays, then schedule the notice again."
        ) % {"year": missing.year}
        return
    application.notice_start, application.notice_end = start, end
    application.notice_problem = ""


@transaction.atomic
def check_apply(
    problem: Problem,
    *,
    actor,
    completion_report: str,
    effective_date: date | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    today: date | None = None,
) -> Application:
    """The lead unit applies for acceptance and sign-off with its completion report."""
    today = today or timezone.localdate()
    effective_date = effective_date or today
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not plays(actor, TRANSITIONS[(NEW, StepKind.APPLY)][1], None, problem):
        raise Http404
    if Application.objects.filter(
        problem=problem, state__in=(AppState.IN_REVIEW, AppState.NOTICE)
    ).exists():
        raise ValidationError(
            {"problem": [_("An application for this problem is already under way.")]}
        )
    state = asof.state_of(problem, effective_date)
    if state is None or state.asof_status in (Status.COMPLETED, Status.SIGNED_OFF):
        raise ValidationError({"problem": [_("This problem cannot be applied for on that date.")]})
    if not completion_report.strip():
        raise ValidationError({"completion_report": [_("Write the completion report.")]})
    if not 1 <= notice_days <= 30:
        raise ValidationError({"notice_days": [_("Notice lasts 1 to 30 working days.")]})
    _check_date(effective_date, problem.start_date, today)
    chain = levels_for(problem)
    if not chain:
        raise ValidationError(
            {"problem": [_("No acceptance levels are configured for this inspection level.")]}
        )
    application = Application.objects.create(
        problem=problem,
        applicant=actor,
        applicant_org=actor.org,
        applied_on=effective_date,
        completion_report=completion_report.strip(),
        current_level=chain[0],
        levels=[lv.pk for lv in chain],
        notice_days=notice_days,
    )
    _step(
        application,
        StepKind.APPLY,
        actor=actor,
        from_state=NEW,
        effective_date=effective_date,
        opinion=completion_report.strip(),
    )
    do_record_event(
        problem,
        actor=actor,
        kind=EventKind.APPLIED,
        effective_date=effective_date,
        origin="signoff",
        note=_("Applied for acceptance and sign-off."),
    )
    audit.record(
        "signoff.apply",
        actor=actor,
        obj=application,
        after={"problem": problem.pk, "levels": application.levels},
    )
    return application


def _check_edge(app: Application, step: str, *, actor, expected_version: int | None) -> str:
    """The state `step` leads to, if the edge exists and the actor may take it; else raise
    (stale version → ConflictError, unknown edge → ValidationError, wrong actor →
    PermissionDenied), in that order."""
    if expected_version is not None and app.version != expected_version:
        raise ConflictError(_("This application was changed by someone else; reload and retry."))
    edge = TRANSITIONS.get((app.state, step))
    if edge is None:
        label = StepKind(step).label if step in StepKind.values else step
        raise ValidationError(
            {
                "step": [
                    _("“%(step)s” is not possible while the application is %(state)s.")
                    % {"step": label, "state": app.get_state_display()}
                ]
            }
        )
    to_state, role = edge
    if not plays(actor, role, app, app.problem) or signs_own(actor, app, step):
        raise PermissionDenied(_("You may not take this step on this application."))
    return to_state


@transaction.atomic
def check_transition_application(
    application: Application,
    step: str,
    *,
    actor,
    expected_version: int | None = None,
    opinion: str = "",
    onsite_record: str = "",
    signer_name: str = "",
    effective_date: date | None = None,
    today: date | None = None,
) -> Application:
    """A step as entered in a form or the API: an acceptance also needs the opinion and
    the on-site check record (DESIGN: named signer, opinion, on-site record)."""
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("problem__region", "problem__inspection", "current_level")
        .get(pk=application.pk)
    )
    # Who may not take the step learns that first, not what the step would need.
    _check_edge(app, step, actor=actor, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    if step == StepKind.ACCEPT:
        if not signer_name.strip():
            errors["signer_name"] = [_("Name the person who signs the acceptance.")]
        if not opinion.strip():
            errors["opinion"] = [_("Write the acceptance opinion.")]
        if not onsite_record.strip():
            errors["onsite_record"] = [_("Record what the on-site check found.")]
    if len(signer_name.strip()) > SIGNER_MAX:
        errors["signer_name"] = [
            _("At most %(n)d characters.") % {"n": SIGNER_MAX},
        ]
    if errors:
        raise ValidationError(errors)
    return do_transition_application(
        app,
        step,
        actor=actor,
        expected_version=expected_version,
        opinion=opinion,
        onsite_record=onsite_record,
        signer_name=signer_name,
        effective_date=effective_date,
        today=today,
    )


@transaction.atomic
def do_transition_application(
    application: Application,
    step: str,
    *,
    actor,
    expected_version: int | None = None,
    opinion: str = "",
    onsite_record: str = "",
    signer_name: str = "",
    effective_date: date | None = None,
    today: date | None = None,
) -> Application:
    """Take one step of the workflow; unknown edges and wrong actors change nothing."""
    today = today or timezone.localdate()
    effective_date = effective_date or today
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("problem__region", "problem__inspection", "current_level")
        .get(pk=application.pk)
    )
    to_state = _check_edge(app, step, actor=actor, expected_version=expected_version)
    _check_date(effective_date, _last_step_date(app), today)
    from_state, level = app.state, app.current_level
    problem = app.problem

    if step in (StepKind.RETURN, StepKind.OBJECT, StepKind.REBOUND) and not opinion.strip():
        raise ValidationError({"opinion": [_("Give the reasons.")]})
    if step == StepKind.ACCEPT and not signer_name.strip():
        raise ValidationError({"signer_name": [_("Name the person who signs the acceptance.")]})

    if step == StepKind.ACCEPT:
        chain = app.levels
        position = chain.index(level.pk)
        if position + 1 < len(chain):
            app.current_level = AcceptanceLevel.objects.get(pk=chain[position + 1])
        else:
            to_state = AppState.NOTICE
            app.current_level = None
            app.accepted_on = effective_date
            _schedule_notice(app, effective_date)
            do_record_event(
                problem,
                actor=actor,
                kind=EventKind.ACCEPTED,
                effective_date=effective_date,
                origin="signoff",
                note=_("All acceptance levels passed."),
            )
    elif step == StepKind.SCHEDULE:
        if app.accepted_on is None:
            raise ValidationError({"step": [_("Nothing to schedule.")]})
        _schedule_notice(app, app.accepted_on)
        if app.notice_end is None:
            raise ValidationError({"step": [app.notice_problem]})
    elif step == StepKind.OBJECT:
        app.current_level = AcceptanceLevel.objects.get(pk=app.levels[-1])
        app.notice_start = app.notice_end = None
        app.accepted_on = None
        do_record_event(
            problem,
            actor=actor,
            kind=EventKind.REOPENED,
            effective_date=effective_date,
            origin="signoff",
            note=_("Objection during public notice: %(o)s") % {"o": opinion},
        )
    elif step == StepKind.SIGN_OFF:
        if app.notice_end is None:
            raise ValidationError(
                {"step": [app.notice_problem or _("The notice period is not set.")]}
            )
        if effective_date <= app.notice_end:
            raise ValidationError(
                {
                    "effective_date": [
                        _("The public notice runs until %(d)s.") % {"d": app.notice_end}
                    ]
                }
            )
        app.signed_off_on = effective_date
        do_record_event(
            problem,
            actor=actor,
            kind=EventKind.SIGNED_OFF,
            effective_date=effective_date,
            origin="signoff",
        )
    elif step == StepKind.REBOUND:
        do_record_event(
            problem,
            actor=actor,
            kind=EventKind.REOPENED,
            effective_date=effective_date,
            origin="signoff",
            note=_("Rebound: %(o)s") % {"o": opinion},
        )
    elif step in (StepKind.RETURN, StepKind.WITHDRAW):
        app.current_level = None

    app.state = to_state
    app.version += 1
    app.save()
    _step(
        app,
        step,
        actor=actor,
        from_state=from_state,
        level=level,
        opinion=opinion.strip(),
        onsite_record=onsite_record.strip(),
        signer_name=signer_name.strip(),
        effective_date=effective_date,
    )
    audit.record(
        f"signoff.{step}",
        actor=actor,
        obj=app,
        before={"state": from_state, "level": level.name if level else None},
        after={"state": to_state, "opinion": opinion, "date": effective_date},
    )
    return app
