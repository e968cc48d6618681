"""Who may do what in the monthly dispatch; templates get flags from here, never rules.

- run dispatch (open and close periods, read the dispatch summary): the office;
- see periods and per-unit figures: every role with business data, narrowed to its scope;
- write and submit a report: the office, or a unit whose org (or an ancestor of it) leads
  the problem — the same rule as progress events in problems.actions;
- review a report: the office, or an acceptance reviewer of the prefecture the lead unit
  belongs to; never the person who wrote or last submitted it;
- the quarterly report: the office and leaders (province-wide readers).
"""

from rectify.accounts.roles import Cap, Role, has_cap
from rectify.core.scoping import scoped
from rectify.dispatch.models import ProgressReport
from rectify.dispatch.states import EDITABLE_STATES, NEW, TRANSITIONS, ReportStep
from rectify.problems.models import Problem
from rectify.problems.queries import PROBLEM_WRITE_FIELDS


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def can_view(user) -> bool:
    """Dispatch pages at all (sysadmin and auditor see no business data)."""
    return has_cap(user, Cap.VIEW_BUSINESS)


def can_run_dispatch(user) -> bool:
    """Open and close periods, read the summary naming units (the office)."""
    return has_cap(user, Cap.EDIT_LEDGER)


def can_read_quarterly(user) -> bool:
    return can_run_dispatch(user) or (_active(user) and user.role == Role.LEADER)


def can_write_report(user, problem: Problem) -> bool:
    """The office anywhere; a unit on problems its org (or a descendant) leads."""
    if has_cap(user, Cap.EDIT_LEDGER):
        return True
    if not has_cap(user, Cap.REPORT_PROGRESS):
        return False
    return scoped(Problem.objects.filter(pk=problem.pk), user, *PROBLEM_WRITE_FIELDS).exists()


def writes_reports(user) -> bool:
    """Whether the user writes reports at all (shows the "my reports" page)."""
    return has_cap(user, Cap.REPORT_PROGRESS)


def reviews_reports(user) -> bool:
    """Whether the user reviews reports at all (shows the review queue in the menu)."""
    return has_cap(user, Cap.RECORD_EVENTS) or (_active(user) and user.role == Role.REVIEWER)


def can_review(user, report: ProgressReport) -> bool:
    """The office or the lead unit's prefecture reviewer; nobody reviews their own report."""
    if not _active(user):
        return False
    if user.pk in (report.author_id, report.submitted_by_id):
        return False
    if has_cap(user, Cap.RECORD_EVENTS):
        return True
    if user.role != Role.REVIEWER:
        return False
    prefecture = report.unit.prefecture()
    return prefecture is not None and user.org_id == prefecture.pk


def plays(user, role: str, report: ProgressReport | None, problem: Problem) -> bool:
    """Whether the user plays `role` of the transition table (states.py) here."""
    if role == "unit":
        return can_write_report(user, problem)
    if role == "reviewer":
        return report is not None and can_review(user, report)
    return False


def steps_for(user, report: ProgressReport | None, problem: Problem) -> list[str]:
    """The steps of the table this user may take now on the report (None: not written)."""
    state = report.state if report is not None else NEW
    return [
        str(step)
        for (from_state, step), (_to, role) in TRANSITIONS.items()
        if from_state == state and plays(user, role, report, problem)
    ]


def may_review(user, report: ProgressReport) -> bool:
    return ReportStep.ACCEPT in steps_for(user, report, report.problem)


def is_editable(report: ProgressReport | None) -> bool:
    """Whether the unit may still change the report (not written yet, draft or returned)."""
    return report is None or report.state in EDITABLE_STATES
