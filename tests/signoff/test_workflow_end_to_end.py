"""A 播州区 problem led by 遵义市 goes through every level, a notice over National Day,
and sign-off; the as-of status moves on the right dates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.states import ON_SCHEDULE_STATUSES, EventKind, Status
from rectify.problems.testing import ProblemFactory, add_event
from rectify.signoff import actions
from rectify.signoff.models import AppState, StepKind

D = date
TODAY = D(2026, 11, 28)


@pytest.fixture
def problem(orgs):
    p = ProblemFactory(
        region=Org.objects.get(code="520304"),
        lead_unit=Org.objects.get(code="520300"),
        start_date=D(2025, 4, 15),
        original_deadline=D(2026, 12, 31),
        deadline=D(2026, 12, 31),
    )
    p.cooperating_units.set([Org.objects.get(code="520000-STHJT")])
    add_event(p, EventKind.PROGRESS, D(2026, 8, 25), percent=100)
    return p


@pytest.fixture
def cast(orgs, zunyi_clerk, zunyi_reviewer, office_clerk):
    return {
        "applicant": zunyi_clerk,
        "county": make_user("bozhou_reviewer", Role.REVIEWER, "520304"),
        "city": zunyi_reviewer,
        "dept": make_user("sthjt_reviewer", Role.REVIEWER, "520000-STHJT"),
        "office": office_clerk,
    }


def step(app, kind, who, on, **kw):
    kw.setdefault("opinion", "经现场核查，整改到位。")
    if kind == StepKind.ACCEPT:
        kw.setdefault("signer_name", "张三")
    return actions.do_transition_application(
        app, kind, actor=who, effective_date=on, today=TODAY, **kw
    )


def test_full_chain_notice_over_national_day_and_sign_off(problem, cast):
    app = actions.check_apply(
        problem,
        actor=cast["applicant"],
        completion_report="已全部完成。",
        effective_date=D(2026, 9, 1),
        today=TODAY,
    )
    assert [lv for lv in app.levels] and app.current_level.name == "县级验收"
    app = step(app, StepKind.ACCEPT, cast["county"], D(2026, 9, 3))
    assert app.current_level.name == "市级验收"
    app = step(app, StepKind.ACCEPT, cast["city"], D(2026, 9, 8))
    assert app.current_level.name == "行业部门审核"
    app = step(app, StepKind.ACCEPT, cast["dept"], D(2026, 9, 15))
    assert app.current_level.name == "省级审核"
    app = step(app, StepKind.ACCEPT, cast["office"], D(2026, 9, 24))
    # Mid-autumn 9/25–27 and National Day 10/1–7 are off, Saturday 10/10 is a workday:
    # ten working days are 9/28–30, 10/8–10, 10/12–15.
    assert app.state == AppState.NOTICE
    assert (app.notice_start, app.notice_end) == (D(2026, 9, 28), D(2026, 10, 15))

    with pytest.raises(ValidationError):
        step(app, StepKind.SIGN_OFF, cast["office"], D(2026, 10, 15))
    app = step(app, StepKind.SIGN_OFF, cast["office"], D(2026, 10, 16))
    assert app.state == AppState.SIGNED_OFF

    def status(on):
        return asof.state_of(problem, on).asof_status

    assert status(D(2026, 9, 23)) in ON_SCHEDULE_STATUSES
    assert status(D(2026, 9, 24)) == Status.COMPLETED
    assert status(D(2026, 10, 15)) == Status.COMPLETED
    assert status(D(2026, 10, 16)) == Status.SIGNED_OFF


def test_objection_during_notice_sends_it_back_and_revokes_completion(problem, cast):
    app = actions.check_apply(
        problem,
        actor=cast["applicant"],
        completion_report="完成。",
        effective_date=D(2026, 9, 1),
        today=TODAY,
    )
    for who, on in (("county", 2), ("city", 3), ("dept", 4), ("office", 7)):
        app = step(app, StepKind.ACCEPT, cast[who], D(2026, 9, on))
    app = step(app, StepKind.OBJECT, None, D(2026, 9, 10), opinion="群众反映仍有污水直排。")
    assert app.state == AppState.IN_REVIEW and app.current_level.name == "省级审核"
    assert asof.state_of(problem, D(2026, 9, 9)).asof_status == Status.COMPLETED
    assert asof.state_of(problem, D(2026, 9, 10)).asof_status in ON_SCHEDULE_STATUSES


def test_nobody_accepts_their_own_application(problem, cast):
    app = actions.check_apply(
        problem,
        actor=cast["office"],
        completion_report="完成。",
        effective_date=D(2026, 9, 1),
        today=TODAY,
    )
    for who, on in (("county", 2), ("city", 3), ("dept", 4)):
        app = step(app, StepKind.ACCEPT, cast[who], D(2026, 9, on))
    with pytest.raises(PermissionDenied):
        step(app, StepKind.ACCEPT, cast["office"], D(2026, 9, 7))
    app.refresh_from_db()
    assert app.current_level.name == "省级审核" and app.steps.count() == 4


def test_wrong_level_reviewer_is_refused_and_nothing_changes(problem, cast):
    app = actions.check_apply(
        problem,
        actor=cast["applicant"],
        completion_report="完成。",
        effective_date=D(2026, 9, 1),
        today=TODAY,
    )
    for who in ("city", "dept", "office", "applicant"):
        with pytest.raises(PermissionDenied):
            step(app, StepKind.ACCEPT, cast[who], D(2026, 9, 2))
    app.refresh_from_db()
    assert app.current_level.name == "县级验收" and app.version == 1


def test_guiyang_unit_cannot_apply_for_a_zunyi_problem(problem, guiyang_outsider):
    from django.http import Http404

    with pytest.raises(Http404):
        actions.check_apply(
            problem,
            actor=guiyang_outsider,
            completion_report="完成。",
            effective_date=D(2026, 9, 1),
            today=TODAY,
        )


def test_notice_into_a_year_without_calendar_warns_instead_of_guessing(problem, cast):
    from rectify.signoff.models import CalendarYear

    app = actions.check_apply(
        problem,
        actor=cast["applicant"],
        completion_report="完成。",
        effective_date=D(2026, 11, 20),
        today=D(2026, 12, 31),
    )
    for who, on in (("county", 21), ("city", 22), ("dept", 23)):
        app = actions.do_transition_application(
            app,
            StepKind.ACCEPT,
            actor=cast[who],
            effective_date=D(2026, 12, on),
            today=D(2026, 12, 31),
            signer_name="李四",
        )
    app = actions.do_transition_application(
        app,
        StepKind.ACCEPT,
        actor=cast["office"],
        effective_date=D(2026, 12, 28),
        today=D(2026, 12, 31),
        signer_name="王五",
    )
    assert app.state == AppState.NOTICE and app.notice_end is None
    assert "2027" in app.notice_problem
    with pytest.raises(ValidationError):
        actions.do_transition_application(
            app,
            StepKind.SIGN_OFF,
            actor=cast["office"],
            effective_date=D(2026, 12, 31),
            today=D(2026, 12, 31),
        )
    CalendarYear.objects.create(year=2027, complete=True, source="国办发明电〔2026〕")
    app = actions.do_transition_application(
        app,
        StepKind.SCHEDULE,
        actor=cast["office"],
        effective_date=D(2026, 12, 31),
        today=D(2026, 12, 31),
    )
    assert app.notice_end is not None and app.notice_end.year == 2027
