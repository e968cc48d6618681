"""The problem detail page: every field, status as of a date, chart data, history,
extension requests, and the audit trail for the office and leaders only."""

import json
import re
from datetime import date

import pytest
from django.test import Client, override_settings

from rectify.orgs.models import Org
from rectify.problems import actions
from rectify.problems.models import Aspect, ExtensionRequest, Measure
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event, add_milestone
from rectify.urls import urlpatterns as root_urlpatterns

# The site without the ledger_watch pages: the detail page must still render.
urlpatterns = [p for p in root_urlpatterns if getattr(p, "namespace", None) != "ledger_watch"]


@pytest.fixture
def problem(orgs, office_clerk, zunyi_clerk):
    p = ProblemFactory(
        number="5",
        title="赤水河流域小水电站生态流量未落实",
        description="部分电站未按要求下泄生态流量。",
        responsible_leader="李明",
        responsible_person="王芳",
        target="全部电站落实生态流量并安装在线监控。",
        longitude="105.697000",
        latitude="28.590000",
    )
    p.aspect = Aspect.objects.create(
        inspection=p.inspection, number=2, name="长江流域生态环境保护方面"
    )
    p.save()
    p.cooperating_units.add(Org.objects.get(code="520000-STHJT"))
    Measure.objects.create(problem=p, seq=1, text="开展生态流量核查", due_date=date(2019, 9, 30))
    add_milestone(p, date(2020, 1, 1), 50)
    add_event(
        p, EventKind.PROGRESS, date(2019, 8, 1), percent=20, actor=zunyi_clerk, note="完成核查"
    )
    add_event(p, EventKind.PROGRESS, date(2019, 12, 1), percent=35, actor=zunyi_clerk)
    ExtensionRequest.objects.create(
        problem=p,
        requested_by=zunyi_clerk,
        reason="汛期影响施工",
        current_deadline=date(2020, 12, 31),
        new_deadline=date(2021, 6, 30),
    )
    return p


def test_detail_shows_every_field_measures_milestones_and_history(problem, office_clerk, login):
    response = login(office_clerk).get(f"/ledger/{problem.pk}/", {"as_of": "2019-12-15"})
    body = response.content.decode()
    for text in [
        "中央第五生态环境保护督察组",
        "赤水河流域小水电站生态流量未落实",
        "长江流域生态环境保护方面",
        "环境生态类",
        "遵义市",
        "贵州省生态环境厅",  # cooperating unit
        "李明",
        "王芳",
        "全部电站落实生态流量并安装在线监控。",
        "部分电站未按要求下泄生态流量。",
        "2020-12-31",
        "105.697000",
        "开展生态流量核查",
        "50%",
        "完成核查",
        "汛期影响施工",
        "2021-06-30",
    ]:
        assert text in body, text
    # Effective date and time recorded, side by side, for each event.
    assert "2019-08-01" in body and "2019-12-01" in body
    events = response.context["events"]
    assert [e.percent for e in events] == [20, 35]
    assert all(e.recorded_at for e in events)


def test_status_and_colour_follow_the_chosen_date(problem, office_clerk, login):
    c = login(office_clerk)
    behind = c.get(f"/ledger/{problem.pk}/", {"as_of": "2019-12-15"}).context["state"]
    assert (behind.asof_status, behind.asof_colour) == ("behind_schedule", "yellow")
    early = c.get(f"/ledger/{problem.pk}/", {"as_of": "2019-06-01"}).context["state"]
    assert early.asof_status == "not_started"
    before = c.get(f"/ledger/{problem.pk}/", {"as_of": "2019-01-01"})
    assert before.context["state"] is None
    assert "该日期时此问题尚未列入台账。" in before.content.decode()


def test_chart_data_is_json_for_ledger_js_without_inline_script(problem, office_clerk, login):
    body = login(office_clerk).get(f"/ledger/{problem.pk}/", {"as_of": "2019-12-15"})
    html = body.content.decode()
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["planned"] == [["2019-05-10", 0], ["2020-01-01", 50], ["2020-12-31", 100]]
    assert data["reported"] == [["2019-08-01", 20], ["2019-12-01", 35]]
    assert data["as_of"] == "2019-12-15"
    assert 'id="progress-chart"' in html
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts == [' id="chart-data" type="application/json"']
    assert "style=" not in html
    # Points after the chosen date are not drawn.
    earlier = login(office_clerk, Client()).get(f"/ledger/{problem.pk}/", {"as_of": "2019-09-01"})
    assert earlier.context["chart"]["reported"] == [["2019-08-01", 20]]


@pytest.mark.parametrize(
    ("role", "sees_audit"),
    [("office_clerk", True), ("leader", True), ("zunyi_clerk", False), ("zunyi_reviewer", False)],
)
def test_audit_trail_is_shown_to_office_and_leaders_only(problem, role, sees_audit, request, login):
    office = request.getfixturevalue("office_clerk")
    actions.check_update_problem(
        problem, actor=office, expected_version=1, changes={"responsible_leader": "张伟"}
    )
    response = login(request.getfixturevalue(role)).get(f"/ledger/{problem.pk}/")
    trail = response.context["audit_trail"]
    if sees_audit:
        assert [e.action for e in trail] == ["problems.update_problem"]
        assert trail[0].changed == ["responsible_leader", "version"]
        assert "审计记录" in response.content.decode()
    else:
        assert trail is None
        assert "审计记录" not in response.content.decode()


def test_action_links_follow_the_role(problem, office_clerk, zunyi_clerk, leader, login):
    edit = f"/ledger/{problem.pk}/edit/"
    record = f"/ledger/{problem.pk}/events/new/"
    extension = f"/ledger/watch/problems/{problem.pk}/extension/"
    office = login(office_clerk).get(f"/ledger/{problem.pk}/").content.decode()
    assert edit in office and record in office and extension in office
    unit = login(zunyi_clerk, Client()).get(f"/ledger/{problem.pk}/").content.decode()
    assert edit not in unit and record in unit and extension in unit
    reader = login(leader, Client()).get(f"/ledger/{problem.pk}/").content.decode()
    assert edit not in reader and record not in reader and extension not in reader


@override_settings(ROOT_URLCONF=__name__)
def test_detail_renders_when_the_extension_page_does_not_exist(problem, zunyi_clerk, client):
    client.force_login(zunyi_clerk)
    response = client.get(f"/ledger/{problem.pk}/")
    assert response.status_code == 200
    assert "/extension/" not in response.content.decode()


def test_an_ongoing_problem_without_deadline_renders_with_its_reports(orgs, office_clerk, login):
    ongoing = ProblemFactory(
        number="9",
        title="长期坚持禁止赤水河流域新建小水电",
        deadline_kind="ongoing",
        original_deadline=None,
        deadline=None,
    )
    add_event(ongoing, EventKind.PROGRESS, date(2020, 2, 1), percent=10)
    response = login(office_clerk).get(f"/ledger/{ongoing.pk}/", {"as_of": "2020-02-15"})
    assert response.status_code == 200
    assert response.context["state"].asof_status == "on_schedule"
    assert response.context["chart"]["planned"] == [["2019-05-10", 0]]
    assert response.context["chart"]["reported"] == [["2020-02-01", 10]]
    assert "长期坚持" in response.content.decode()
