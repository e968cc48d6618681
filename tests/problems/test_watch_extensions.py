"""Extension requests (延期申请) through the pages: who may ask, who may decide, and what an
approval does to the deadline and to the status as of dates before and after it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rectify.accounts.roles import Role
from rectify.core.models import AuditEvent
from rectify.core.testing import make_user
from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.models import ExtensionRequest, Problem, StatusEvent
from rectify.problems.states import EventKind, ExtensionStatus, Status
from rectify.problems.testing import ProblemFactory, add_event

D = date
LIST = "/ledger/watch/extensions/"


def new_url(problem) -> str:
    return f"/ledger/watch/problems/{problem.pk}/extension/"


def decide_url(ext) -> str:
    return f"/ledger/watch/extensions/{ext.pk}/decide/"


@pytest.fixture
def problem(orgs):
    """Led by 遵义市, listed 2019-05-10, deadline 2020-12-31, 60 % reported on 2020-10-01."""
    p = ProblemFactory(number="3", title="遵义市汇川区垃圾填埋场渗滤液处理不达标问题")
    add_event(p, EventKind.PROGRESS, D(2020, 10, 1), percent=60)
    return p


@pytest.fixture
def guiyang_problem(orgs):
    guiyang = Org.objects.get(code="520100")
    return ProblemFactory(
        number="7", title="贵阳市花溪区违规建设问题", region=guiyang, lead_unit=guiyang
    )


@pytest.fixture
def pending(problem, zunyi_clerk):
    return ExtensionRequest.objects.create(
        problem=problem,
        requested_by=zunyi_clerk,
        reason="受疫情影响设备到货延迟",
        current_deadline=D(2020, 12, 31),
        new_deadline=D(2021, 6, 30),
    )


# --- asking ---------------------------------------------------------------------------------


def test_the_lead_unit_asks_with_a_reason_and_a_new_date(problem, zunyi_clerk, login):
    c = login(zunyi_clerk)
    assert c.get(new_url(problem)).status_code == 200
    audits = AuditEvent.objects.count()
    response = c.post(
        new_url(problem), {"new_deadline": "2021-06-30", "reason": "渗滤液处理站扩容工程需重新招标"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    ext = ExtensionRequest.objects.get(problem=problem)
    assert (ext.status, ext.requested_by, ext.current_deadline, ext.new_deadline) == (
        ExtensionStatus.PENDING,
        zunyi_clerk,
        D(2020, 12, 31),
        D(2021, 6, 30),
    )
    assert AuditEvent.objects.count() == audits + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "problems.request_extension"


def test_the_office_may_ask_too(problem, office_clerk, login):
    response = login(office_clerk).post(
        new_url(problem), {"new_deadline": "2021-03-31", "reason": "省级统筹调整整改时序"}
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(problem=problem).requested_by == office_clerk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"new_deadline": "2020-11-30", "reason": "提前完成"}, "new_deadline"),
        ({"new_deadline": "2021-06-30", "reason": "   "}, "reason"),
        ({"new_deadline": "2021-02-30", "reason": "理由"}, "new_deadline"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(problem, zunyi_clerk, login, data, field):
    audits = AuditEvent.objects.count()
    response = login(zunyi_clerk).post(new_url(problem), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ExtensionRequest.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_second_request_waits_for_the_pending_one(problem, pending, zunyi_clerk, login):
    response = login(zunyi_clerk).post(
        new_url(problem), {"new_deadline": "2021-09-30", "reason": "再次申请"}
    )
    assert response.status_code == 400
    assert ExtensionRequest.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["guiyang_outsider", "bozhou_clerk", "leader", "zunyi_reviewer", "team_member"]
)
def test_who_does_not_lead_the_problem_gets_404(problem, who, request, login):
    c = login(request.getfixturevalue(who))
    assert c.get(new_url(problem)).status_code == 404
    response = c.post(new_url(problem), {"new_deadline": "2021-06-30", "reason": "理由"})
    assert response.status_code == 404
    assert not ExtensionRequest.objects.exists()


def test_a_missing_problem_is_404_too(orgs, zunyi_clerk, login):
    assert login(zunyi_clerk).get("/ledger/watch/problems/999999/extension/").status_code == 404


def test_the_form_shows_original_and_current_deadline(problem, zunyi_clerk, login):
    Problem.objects.filter(pk=problem.pk).update(deadline=D(2021, 3, 31))
    html = login(zunyi_clerk).get(new_url(problem)).content.decode()
    assert '<dd id="original-deadline">2020-12-31</dd>' in html
    assert '<dd id="current-deadline">2021-03-31</dd>' in html


# --- listing --------------------------------------------------------------------------------


def test_office_sees_every_request_units_only_their_own(
    problem, guiyang_problem, pending, office_clerk, zunyi_clerk, guiyang_outsider, login, client
):
    outsider_request = ExtensionRequest.objects.create(
        problem=guiyang_problem,
        requested_by=guiyang_outsider,
        reason="征地拆迁未完成",
        current_deadline=D(2020, 12, 31),
        new_deadline=D(2021, 12, 31),
    )
    seen = {}
    for user in (office_clerk, zunyi_clerk, guiyang_outsider):
        client.logout()
        response = login(user).get(LIST)
        seen[user.username] = {x.pk for x in response.context["page"]}
    assert seen == {
        "office_clerk": {pending.pk, outsider_request.pk},
        "zunyi_clerk": {pending.pk},
        "guiyang_outsider": {outsider_request.pk},
    }


def test_list_filters_by_status(problem, pending, office_clerk, login):
    c = login(office_clerk)
    assert [x.pk for x in c.get(LIST, {"status": "pending"}).context["page"]] == [pending.pk]
    assert list(c.get(LIST, {"status": "approved"}).context["page"]) == []


def test_buttons_follow_who_may_do_what(pending, office_clerk, zunyi_clerk, login, client):
    html = login(office_clerk).get(LIST).content.decode()
    assert 'name="to" value="approved"' in html and 'name="to" value="withdrawn"' not in html
    client.logout()
    html = login(zunyi_clerk).get(LIST).content.decode()
    assert 'name="to" value="approved"' not in html and 'name="to" value="withdrawn"' in html


# --- deciding -------------------------------------------------------------------------------


def test_approval_moves_the_deadline_from_the_decision_date_and_keeps_the_original(
    problem, pending, office_clerk, login, time_machine
):
    time_machine.move_to("2021-03-01 10:00 +0800", tick=False)
    response = login(office_clerk).post(
        decide_url(pending), {"to": "approved", "note": "同意延期至2021年6月底"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    problem.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.effective_date) == (
        ExtensionStatus.APPROVED,
        office_clerk,
        D(2021, 3, 1),
    )
    assert (problem.original_deadline, problem.deadline) == (D(2020, 12, 31), D(2021, 6, 30))
    event = StatusEvent.objects.get(problem=problem, kind=EventKind.DEADLINE_CHANGED)
    assert (event.effective_date, event.new_deadline) == (D(2021, 3, 1), D(2021, 6, 30))
    assert AuditEvent.objects.filter(action="problems.extension.approved").count() == 1
    # Before the decision the old deadline still holds: overdue since 2021-01-01.
    assert asof.state_of(problem, D(2021, 2, 15)).asof_status == Status.OVERDUE
    assert asof.state_of(problem, D(2021, 2, 15)).asof_colour == "red"
    after = asof.state_of(problem, D(2021, 3, 15))
    assert after.asof_status != Status.OVERDUE
    assert after.asof_deadline_day == D(2021, 6, 30).toordinal()


def test_an_earlier_decision_date_may_be_given(problem, pending, office_clerk, login, time_machine):
    time_machine.move_to("2021-03-01 10:00 +0800", tick=False)
    ExtensionRequest.objects.filter(pk=pending.pk).update(
        requested_at=datetime(2020, 12, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    # Not before the request was made.
    login(office_clerk).post(
        decide_url(pending), {"to": "approved", "effective_date": "2020-12-09"}
    )
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING
    login(office_clerk).post(
        decide_url(pending), {"to": "approved", "note": "", "effective_date": "2020-12-20"}
    )
    event = StatusEvent.objects.get(problem=problem, kind=EventKind.DEADLINE_CHANGED)
    assert event.effective_date == D(2020, 12, 20)
    assert asof.state_of(problem, D(2021, 2, 15)).asof_status != Status.OVERDUE


def test_a_future_decision_date_is_refused(problem, pending, office_clerk, login, time_machine):
    time_machine.move_to("2021-03-01 10:00 +0800", tick=False)
    login(office_clerk).post(
        decide_url(pending), {"to": "approved", "effective_date": "2021-04-01"}
    )
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING


def test_refusal_needs_a_note(problem, pending, office_clerk, login):
    c = login(office_clerk)
    c.post(decide_url(pending), {"to": "refused", "note": " "})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING
    c.post(decide_url(pending), {"to": "refused", "note": "理由不充分，请按期完成"})
    pending.refresh_from_db()
    problem.refresh_from_db()
    assert (pending.status, pending.decision_note) == (
        ExtensionStatus.REFUSED,
        "理由不充分，请按期完成",
    )
    assert problem.deadline == D(2020, 12, 31)
    assert not StatusEvent.objects.filter(kind=EventKind.DEADLINE_CHANGED).exists()


def test_nobody_decides_their_own_request(problem, office_clerk, login):
    own = ExtensionRequest.objects.create(
        problem=problem,
        requested_by=office_clerk,
        reason="省督察办统筹调整",
        current_deadline=D(2020, 12, 31),
        new_deadline=D(2021, 6, 30),
    )
    c = login(office_clerk)
    html = c.get(LIST).content.decode()
    assert 'name="to" value="approved"' not in html
    audits = AuditEvent.objects.count()
    c.post(decide_url(own), {"to": "approved", "note": "同意"})
    own.refresh_from_db()
    problem.refresh_from_db()
    assert own.status == ExtensionStatus.PENDING
    assert problem.deadline == D(2020, 12, 31)
    assert AuditEvent.objects.count() == audits
    # Another office clerk may.
    colleague = make_user("office_colleague", Role.OFFICE, "520000")
    c.logout()
    login(colleague).post(decide_url(own), {"to": "approved", "note": "同意"})
    own.refresh_from_db()
    assert (own.status, own.decided_by) == (ExtensionStatus.APPROVED, colleague)


def test_a_unit_cannot_approve(pending, zunyi_clerk, login):
    make_user("zunyi_clerk2", Role.UNIT, "520300")
    login(zunyi_clerk).post(decide_url(pending), {"to": "approved", "note": "同意"})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING


def test_the_requester_withdraws_and_nobody_else(pending, zunyi_clerk, office_clerk, login, client):
    colleague = make_user("zunyi_clerk2", Role.UNIT, "520300")
    login(colleague).post(decide_url(pending), {"to": "withdrawn"})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING
    client.logout()
    login(office_clerk).post(decide_url(pending), {"to": "withdrawn"})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.PENDING
    client.logout()
    login(zunyi_clerk).post(decide_url(pending), {"to": "withdrawn"})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.WITHDRAWN


def test_a_decided_request_cannot_be_decided_again(pending, office_clerk, login):
    c = login(office_clerk)
    c.post(decide_url(pending), {"to": "refused", "note": "不同意"})
    c.post(decide_url(pending), {"to": "approved", "note": "同意"})
    pending.refresh_from_db()
    assert pending.status == ExtensionStatus.REFUSED


def test_out_of_scope_requests_are_404(pending, guiyang_outsider, login):
    response = login(guiyang_outsider).post(decide_url(pending), {"to": "withdrawn"})
    assert response.status_code == 404


def test_htmx_decision_answers_with_the_updated_row(pending, office_clerk, login):
    response = login(office_clerk).post(
        decide_url(pending), {"to": "refused", "note": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="ext-{pending.pk}" data-status="pending">')
    assert "errorlist" in html
    response = login(office_clerk).post(
        decide_url(pending), {"to": "approved", "note": "同意"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="ext-{pending.pk}" data-status="approved">')
    assert "<html" not in html
