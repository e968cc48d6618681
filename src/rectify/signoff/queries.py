"""Read side of the sign-off workflow, always through the problem's scope.

An application is visible exactly when its problem is (`problems.queries.visible_problems`);
out of scope answers 404 like a missing one. Published notices are the public exception:
they carry no personal data and are listed for the portal by `published_notices()`.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rectify.accounts.roles import Cap, Role, has_cap
from rectify.orgs.models import OrgKind
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems
from rectify.signoff.models import (
    AcceptanceLevel,
    Application,
    AppState,
    LevelActor,
    Step,
    StepKind,
)
from rectify.signoff.permissions import is_reviewer_for

RELATED = (
    "problem__inspection",
    "problem__region",
    "problem__lead_unit",
    "applicant",
    "applicant_org",
    "current_level",
)


def visible_applications(user) -> QuerySet[Application]:
    """Applications whose problem the user may see."""
    problems = visible_problems(user).order_by().values("pk")
    return Application.objects.select_related(*RELATED).filter(problem__in=problems)


def access_application(user, pk) -> Application:
    """The application if its problem is in the user's scope, else Http404."""
    try:
        return visible_applications(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def applications_of(user, problem: Problem) -> QuerySet[Application]:
    """The visible applications for one problem, newest first."""
    return visible_applications(user).filter(problem=problem).order_by("-created_at", "-pk")


def live_application(problem: Problem) -> Application | None:
    """The application under way (in review or under notice) for the problem, if any."""
    return (
        Application.objects.filter(problem=problem, state__in=(AppState.IN_REVIEW, AppState.NOTICE))
        .order_by("-created_at")
        .first()
    )


def _pending_condition(user) -> Q | None:
    """SQL pre-filter for `pending_for`: applications at a level this user's role and org
    could act for (permissions.is_reviewer_for has the final word)."""
    conditions = []
    if has_cap(user, Cap.RECORD_EVENTS):
        conditions.append(Q(current_level__actor=LevelActor.PROVINCE))
    if user.role == Role.REVIEWER:
        org = user.org
        conditions.append(Q(current_level__actor=LevelActor.COUNTY, problem__region_id=org.pk))
        if org.kind in (OrgKind.PREFECTURE, OrgKind.NEW_AREA):
            conditions.append(
                Q(
                    current_level__actor=LevelActor.PREFECTURE,
                    problem__region__path__startswith=org.path,
                )
            )
        if org.kind == OrgKind.DEPARTMENT:
            cooperating = Problem.objects.filter(cooperating_units=org).values("pk")
            conditions.append(
                Q(current_level__actor=LevelActor.DEPARTMENT)
                & (Q(problem__lead_unit_id=org.pk) | Q(problem__in=cooperating))
            )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def pending_for(user) -> list[Application]:
    """Applications in review whose current level this user reviews (never their own)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    condition = _pending_condition(user)
    if condition is None:
        return []
    candidates = (
        visible_applications(user)
        .filter(condition, state=AppState.IN_REVIEW)
        .exclude(applicant=user)
        .order_by("applied_on", "pk")
    )
    return [app for app in candidates if is_reviewer_for(user, app)]


def unit_applications(user) -> QuerySet[Application]:
    """Applications filed by the user's unit or the units below it (units only)."""
    if not has_cap(user, Cap.REPORT_PROGRESS) or has_cap(user, Cap.RECORD_EVENTS):
        return Application.objects.none()
    return visible_applications(user).filter(applicant_org__path__startswith=user.org.path)


def under_notice(user, today: date | None = None) -> QuerySet[Application]:
    """Visible applications whose public notice has not ended (or has no dates yet)."""
    today = today or timezone.localdate()
    return visible_applications(user).filter(
        Q(notice_end__gte=today) | Q(notice_end__isnull=True), state=AppState.NOTICE
    )


def ready_to_sign_off(user, today: date | None = None) -> QuerySet[Application]:
    """Visible applications whose notice has ended: the office may sign them off today."""
    today = today or timezone.localdate()
    return visible_applications(user).filter(state=AppState.NOTICE, notice_end__lt=today)


def notices_without_calendar(user) -> QuerySet[Application]:
    """Notices that could not be scheduled (a year without holiday data): the office must
    enter that year's calendar and schedule them again."""
    return visible_applications(user).filter(state=AppState.NOTICE).exclude(notice_problem="")


def steps_of(application: Application) -> QuerySet[Step]:
    return application.steps.select_related("level", "actor").order_by("recorded_at", "id")


def published_notices(as_of: date | None = None) -> QuerySet[Application]:
    """Sign-off notices the public may read on `as_of` (default today): under notice with
    dates that have begun, or signed off. No scope: callers render only public fields
    (see notice.notice_data)."""
    as_of = as_of or timezone.localdate()
    return (
        Application.objects.select_related(
            "problem__inspection", "problem__region", "problem__lead_unit"
        )
        .filter(state__in=(AppState.NOTICE, AppState.SIGNED_OFF), notice_start__lte=as_of)
        .order_by("-notice_start", "-pk")
    )


def chain_of(application: Application, steps: list[Step]) -> list[dict]:
    """Each level of the application's chain with its state in the current round
    ("passed", "current", "returned" or "waiting") and the step that passed or returned it.

    An objection during the notice sends the application back to the last level, so the
    last level's earlier acceptance no longer counts.
    """
    levels = {lv.pk: lv for lv in AcceptanceLevel.objects.filter(pk__in=application.levels)}
    decided: dict[int, Step] = {}
    for step in steps:
        if step.kind in (StepKind.ACCEPT, StepKind.RETURN) and step.level_id is not None:
            decided[step.level_id] = step
        elif step.kind == StepKind.OBJECT and application.levels:
            decided.pop(application.levels[-1], None)
    rows = []
    for pk in application.levels:
        step = decided.get(pk)
        if application.current_level_id == pk and application.state == AppState.IN_REVIEW:
            status = "current"
            step = None
        elif step is not None and step.kind == StepKind.RETURN:
            status = "returned"
        elif step is not None:
            status = "passed"
        else:
            status = "waiting"
        rows.append({"level": levels.get(pk), "status": status, "step": step})
    return rows
