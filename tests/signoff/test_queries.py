"""The read side: scope through the problem, the reviewer's queue, notices and the chain."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.orgs.models import Org
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from rectify.signoff import queries
from rectify.signoff.models import StepKind

from .conftest import TODAY, apply, take, walk


def ids(rows) -> list[int]:
    return [a.pk for a in rows]


def guiyang_problem(number: str):
    p = ProblemFactory(
        number=number,
        title=f"贵阳市花溪区南明河支流污水直排问题{number}",
        region=Org.objects.get(code="520111"),
        lead_unit=Org.objects.get(code="520100"),
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    add_event(p, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    return p


def test_an_application_is_visible_exactly_where_its_problem_is(
    problem, cast, bozhou_clerk, team_member
):
    app = walk(problem, cast, "review_county")
    for who in (cast["applicant"], cast["county"], cast["dept"], cast["leader"], bozhou_clerk):
        assert ids(queries.visible_applications(who)) == [app.pk]
        assert queries.access_application(who, app.pk) == app
    assert ids(queries.visible_applications(team_member)) == [app.pk]  # granted 遵义市
    for who in (cast["other_unit"], cast["sysadmin"], None):
        assert ids(queries.visible_applications(who)) == []
        with pytest.raises(Http404):
            queries.access_application(who, app.pk)
    with pytest.raises(Http404):
        queries.access_application(cast["office"], app.pk + 1000)
    with pytest.raises(Http404):
        queries.access_application(cast["office"], "x")


@pytest.mark.parametrize(
    "state,reviewer",
    [
        ("review_county", "county"),
        ("review_city", "city"),
        ("review_dept", "dept"),
        ("review_province", "office"),
    ],
)
def test_the_queue_holds_an_application_for_its_current_level_only(state, reviewer, problem, cast):
    app = walk(problem, cast, state)
    for role in ("applicant", "county", "city", "dept", "office", "other_unit", "leader"):
        expected = [app.pk] if role == reviewer else []
        assert ids(queries.pending_for(cast[role])) == expected, role
    assert queries.pending_for(None) == [] and queries.pending_for(cast["sysadmin"]) == []


def test_the_office_does_not_review_what_it_applied_for_but_another_office_clerk_does(
    problem, cast
):
    app = apply(problem, cast["office"])
    for who in ("county", "city", "dept"):
        app = take(app, StepKind.ACCEPT, cast[who], date(2026, 9, 10))
    assert queries.pending_for(cast["office"]) == []
    colleague = make_user("office_colleague", Role.OFFICE, "520000")
    assert ids(queries.pending_for(colleague)) == [app.pk]


def test_a_prefecture_reviewer_sees_only_its_own_prefecture(problem, cast):
    ours = walk(problem, cast, "review_city")
    guiyang_clerk = cast["other_unit"]
    theirs = apply(guiyang_problem("7"), guiyang_clerk)  # 花溪区 → 县级验收 first
    take(theirs, StepKind.ACCEPT, make_user("huaxi_reviewer", Role.REVIEWER, "520111"), TODAY)
    guiyang_reviewer = make_user("guiyang_reviewer", Role.REVIEWER, "520100")
    assert ids(queries.pending_for(cast["city"])) == [ours.pk]
    assert ids(queries.pending_for(guiyang_reviewer)) == [theirs.pk]


def test_a_department_reviewer_reviews_problems_it_leads_or_cooperates_on(problem, cast):
    led = ProblemFactory(
        number="9",
        title="赤水桫椤国家级自然保护区内违规建设问题",
        region=Org.objects.get(code="520381"),
        lead_unit=Org.objects.get(code="520000-STHJT"),
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    add_event(led, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    cooperating = walk(problem, cast, "review_dept")
    dept_clerk = make_user("sthjt_clerk", Role.UNIT, "520000-STHJT")
    app = apply(led, dept_clerk)
    app = take(app, StepKind.ACCEPT, make_user("chishui_reviewer", Role.REVIEWER, "520381"), TODAY)
    app = take(app, StepKind.ACCEPT, cast["city"], TODAY)
    assert sorted(ids(queries.pending_for(cast["dept"]))) == sorted([cooperating.pk, app.pk])


def test_the_queue_is_filtered_in_sql_not_by_loading_every_application(problem, cast):
    walk(problem, cast, "review_city")
    queries.pending_for(cast["city"])  # the user's org and scope are cached on first use
    with CaptureQueriesContext(connection) as one:
        queries.pending_for(cast["city"])
    # Twenty more applications elsewhere in the province do not cost a query more.
    guiyang_clerk = cast["other_unit"]
    for n in range(20):
        apply(guiyang_problem(f"G{n}"), guiyang_clerk)
    with CaptureQueriesContext(connection) as many:
        assert len(queries.pending_for(cast["city"])) == 1
    assert len(many) == len(one)


def test_the_unit_s_own_applications_and_the_notice_lists(problem, cast):
    running = walk(problem, cast, "notice_running")
    assert ids(queries.unit_applications(cast["applicant"])) == [running.pk]
    assert ids(queries.unit_applications(cast["office"])) == []
    assert ids(queries.under_notice(cast["leader"], TODAY)) == [running.pk]
    assert ids(queries.ready_to_sign_off(cast["office"], TODAY)) == []
    assert ids(queries.ready_to_sign_off(cast["office"], date(2026, 12, 5))) == [running.pk]
    assert ids(queries.published_notices(TODAY)) == [running.pk]
    assert ids(queries.published_notices(date(2026, 11, 22))) == []


def test_the_chain_after_an_objection_reopens_the_last_level(problem, cast):
    app = walk(problem, cast, "notice_ended")
    app = take(app, StepKind.OBJECT, None, TODAY)
    chain = queries.chain_of(app, list(queries.steps_of(app)))
    assert [(row["level"].name, row["status"]) for row in chain] == [
        ("县级验收", "passed"),
        ("市级验收", "passed"),
        ("行业部门审核", "passed"),
        ("省级审核", "current"),
    ]
    assert chain[0]["step"].signer_name == "张建华"


def test_the_chain_of_a_returned_application_shows_where_it_was_returned(problem, cast):
    app = walk(problem, cast, "returned")
    chain = queries.chain_of(app, list(queries.steps_of(app)))
    assert [row["status"] for row in chain] == ["returned", "waiting", "waiting", "waiting"]
    assert chain[0]["step"].opinion.startswith("现场发现")


def test_a_prefecture_level_problem_skips_the_county_level(cast, orgs):
    p = ProblemFactory(
        number="11",
        title="遵义市中心城区黑臭水体整治问题",
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    add_event(p, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    app = apply(p, cast["applicant"])
    assert app.current_level.name == "市级验收"
    assert ids(queries.pending_for(cast["city"])) == [app.pk]
    assert queries.pending_for(cast["county"]) == []
