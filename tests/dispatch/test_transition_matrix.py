"""Every (role, report state, step) triple of the report's transition table: allowed ones
succeed and move the report; the others fail and change nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.dispatch import actions
from rectify.dispatch.models import ProgressReport, ReportHistory
from rectify.dispatch.states import NEW, TRANSITIONS, ReportState, ReportStep
from rectify.problems.models import StatusEvent
from tests.dispatch.conftest import at, open_period, write, zunyi_problem

WHEN = at(2025, 6, 20)
STATES = [NEW, *ReportState.values]
STEPS = ReportStep.values

# Who plays the table's roles for a report on a 遵义市-led problem written by zunyi_clerk.
PLAYERS = {
    "unit": {"author", "colleague", "office"},
    "reviewer": {"office", "city_reviewer"},
}
ROLES = [
    "author",  # 遵义市 clerk who wrote the report
    "colleague",  # another 遵义市 clerk
    "office",
    "city_reviewer",  # 遵义市 acceptance group: the lead unit's prefecture
    "county_reviewer",  # 播州区 acceptance group: below the lead unit
    "other_reviewer",  # 贵阳市 acceptance group
    "county_clerk",  # 播州区 clerk: sees nothing of a 遵义市-led problem's writing
    "outsider",  # 贵阳市 clerk
    "leader",
    "team",
    "sysadmin",
]


class Rollback(Exception):
    pass


@pytest.fixture
def cast(
    office_clerk,
    zunyi_clerk,
    zunyi_reviewer,
    bozhou_clerk,
    guiyang_outsider,
    leader,
    team_member,
    sysadmin,
):
    return {
        "author": zunyi_clerk,
        "colleague": make_user("zunyi_clerk2", Role.UNIT, "520300"),
        "office": office_clerk,
        "city_reviewer": zunyi_reviewer,
        "county_reviewer": make_user("bozhou_reviewer", Role.REVIEWER, "520304"),
        "other_reviewer": make_user("guiyang_reviewer", Role.REVIEWER, "520100"),
        "county_clerk": bozhou_clerk,
        "outsider": guiyang_outsider,
        "leader": leader,
        "team": team_member,
        "sysadmin": sysadmin,
    }


def bring_to(state, problem, period, cast):
    """A report in `state`, written by the author; None for NEW."""
    if state == NEW:
        return None
    report = write(
        problem,
        period,
        cast["author"],
        when=WHEN,
        on=date(2025, 6, 18),
        submit=state != ReportState.DRAFT,
    )
    if state in (ReportState.RETURNED, ReportState.REVIEWED):
        decision = "return" if state == ReportState.RETURNED else "accept"
        actions.check_review_report(
            report, actor=cast["office"], decision=decision, opinion="请补充现场照片。"
        )
    report.refresh_from_db()
    assert report.state == state
    return report


def take(step, actor, problem, period, report):
    if step in (ReportStep.SAVE, ReportStep.SUBMIT):
        return write(
            problem,
            period,
            actor,
            when=WHEN,
            on=date(2025, 6, 19),
            percent=45,
            submit=step == ReportStep.SUBMIT,
        )
    if report is None:
        raise ValidationError("no report to review")
    decision = "accept" if step == ReportStep.ACCEPT else "return"
    return actions.check_review_report(
        report, actor=actor, decision=decision, opinion="请补充现场照片。"
    )


def snapshot(problem):
    report = ProgressReport.objects.filter(problem=problem).first()
    return (
        (report.state, report.version, report.percent) if report else None,
        StatusEvent.objects.filter(problem=problem).count(),
        ReportHistory.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_state_and_step_for_a_role(role, cast, office_clerk):
    problem = zunyi_problem("1")
    period = open_period(office_clerk, 2025, 6)
    actor = cast[role]
    outcomes = {}
    for state in STATES:
        for step in STEPS:
            edge = TRANSITIONS.get((state, step))
            expected = edge is not None and role in PLAYERS[edge[1]]
            try:
                with transaction.atomic():
                    report = bring_to(state, problem, period, cast)
                    before = snapshot(problem)
                    try:
                        result = take(step, actor, problem, period, report)
                    except (PermissionDenied, Http404, ValidationError):
                        outcomes[(state, step)] = False
                        assert snapshot(problem) == before, (state, step)
                    else:
                        outcomes[(state, step)] = True
                        assert result.state == edge[0], (state, step)
                        assert snapshot(problem) != before
                    raise Rollback
            except Rollback:
                pass
            assert outcomes[(state, step)] is expected, (role, state, step)
    assert not ProgressReport.objects.exists()


def test_nobody_reviews_a_report_they_submitted(office_clerk, zunyi_reviewer):
    problem = zunyi_problem("1")
    period = open_period(office_clerk, 2025, 6)
    report = write(problem, period, office_clerk, when=WHEN, on=date(2025, 6, 18))
    with pytest.raises(ValidationError) as refused:
        actions.check_review_report(report, actor=office_clerk, decision="accept")
    assert refused.value.message_dict["decision"] == ["Nobody reviews their own report."]
    actions.check_review_report(report, actor=zunyi_reviewer, decision="accept")
    report.refresh_from_db()
    assert report.state == ReportState.REVIEWED


def test_returning_needs_a_reason_and_reviewing_twice_is_refused(office_clerk, zunyi_clerk):
    problem = zunyi_problem("1")
    period = open_period(office_clerk, 2025, 6)
    report = write(problem, period, zunyi_clerk, when=WHEN, on=date(2025, 6, 18))
    with pytest.raises(ValidationError) as refused:
        actions.check_review_report(report, actor=office_clerk, decision="return", opinion=" ")
    assert refused.value.message_dict == {"opinion": ["Say what must be corrected."]}
    actions.check_review_report(report, actor=office_clerk, decision="accept")
    with pytest.raises(ValidationError) as refused:
        actions.check_review_report(report, actor=office_clerk, decision="accept")
    assert "frozen" in refused.value.message_dict["state"][0]
