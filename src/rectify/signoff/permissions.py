"""Who may take which sign-off step on which application.

The transition table (states.py) names a role per step; this module decides whether a
given user plays that role for a given application. Nobody reviews their own application.
"""

from rectify.accounts.roles import Cap, Role, has_cap
from rectify.core.scoping import scoped
from rectify.orgs.models import Org, OrgKind
from rectify.problems.models import Problem
from rectify.problems.queries import PROBLEM_WRITE_FIELDS
from rectify.signoff.models import AcceptanceLevel, Application, LevelActor, StepKind
from rectify.signoff.states import NEW, TRANSITIONS


def department_orgs(problem: Problem) -> list[Org]:
    """Provincial departments involved in a problem (lead or cooperating)."""
    orgs = [problem.lead_unit, *problem.cooperating_units.all()]
    return [o for o in orgs if o.kind == OrgKind.DEPARTMENT]


def levels_for(problem: Problem) -> list[AcceptanceLevel]:
    """The chain for this problem: levels without a body to act for it are skipped."""
    chain = []
    for level in AcceptanceLevel.objects.filter(inspection_level=problem.inspection.level):
        if level.actor == LevelActor.COUNTY and problem.region.kind != OrgKind.COUNTY:
            continue
        if level.actor == LevelActor.PREFECTURE and problem.region.prefecture() is None:
            continue
        if level.actor == LevelActor.DEPARTMENT and not department_orgs(problem):
            continue
        chain.append(level)
    return chain


def is_applicant_for(user, problem: Problem) -> bool:
    """A unit user whose org (or an ancestor) leads the problem, or the office."""
    if has_cap(user, Cap.RECORD_EVENTS):
        return True
    if not has_cap(user, Cap.REPORT_PROGRESS):
        return False
    return scoped(Problem.objects.filter(pk=problem.pk), user, *PROBLEM_WRITE_FIELDS).exists()


def is_reviewer_for(user, application: Application) -> bool:
    """Whether `user` acts for the application's current level (never its applicant)."""
    level = application.current_level
    if level is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == application.applicant_id:
        return False
    if level.actor == LevelActor.PROVINCE:
        return has_cap(user, Cap.RECORD_EVENTS)
    if user.role != Role.REVIEWER:
        return False
    problem = application.problem
    if level.actor == LevelActor.COUNTY:
        return user.org_id == problem.region_id
    if level.actor == LevelActor.PREFECTURE:
        prefecture = problem.region.prefecture()
        return prefecture is not None and user.org_id == prefecture.pk
    if level.actor == LevelActor.DEPARTMENT:
        return user.org_id in {o.pk for o in department_orgs(problem)}
    return False


def plays(user, role: str, application: Application | None, problem: Problem) -> bool:
    """Whether the user plays `role` of the transition table for this application."""
    if role == "applicant":
        if application is not None:  # withdrawing: only the person who applied
            return (
                getattr(user, "is_authenticated", False)
                and user.is_active
                and application.applicant_id == user.pk
            )
        return is_applicant_for(user, problem)
    if role == "reviewer":
        return application is not None and is_reviewer_for(user, application)
    if role == "office":
        return has_cap(user, Cap.RECORD_EVENTS)
    if role == "anyone":
        # The public (the portal calls the action without a signed-in user) or the office
        # entering an objection received by phone, mail or letter. Signed-in users of other
        # roles act in their role here: a leader is read-only, a sysadmin sees no business
        # data, a unit or reviewer that objects does so as the public, through the portal.
        if not getattr(user, "is_authenticated", False):
            return True
        return has_cap(user, Cap.RECORD_EVENTS)
    return False


def signs_own(user, application: Application, step: str) -> bool:
    """Whether this would be the applicant signing off their own application (三权分立:
    the office clerk who applied leaves the sign-off to a colleague)."""
    return step == StepKind.SIGN_OFF and getattr(user, "pk", None) == application.applicant_id


def steps_for(user, application: Application) -> list[str]:
    """The steps of the transition table this user may take now on the application."""
    problem = application.problem
    return [
        str(step)
        for (state, step), (_to, role) in TRANSITIONS.items()
        if state == application.state
        and plays(user, role, application, problem)
        and not signs_own(user, application, step)
    ]


def may_apply(user, problem: Problem) -> bool:
    """Whether the user plays the applicant's role for a new application on the problem."""
    return plays(user, TRANSITIONS[(NEW, StepKind.APPLY)][1], None, problem)
