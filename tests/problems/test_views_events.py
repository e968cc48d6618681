"""Recording dated events from the detail page: who may record what, on which problems."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.models import StatusEvent
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event

TODAY = date(2020, 3, 16)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2020-03-16 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def zunyi_problem(orgs):
    return ProblemFactory(number="1", title="遵义市中心城区污水直排问题")


def url(problem) -> str:
    return f"/ledger/{problem.pk}/events/new/"


def test_lead_unit_records_progress_with_its_business_date(zunyi_problem, zunyi_clerk, login):
    c = login(zunyi_clerk)
    page = c.get(url(zunyi_problem))
    assert page.status_code == 200
    offered = [value for value, _ in page.context["form"].fields["kind"].widget.choices]
    assert offered == ["progress", "basically_done", "applied"]
    response = c.post(
        url(zunyi_problem),
        {"kind": "progress", "effective_date": "2020-03-10", "percent": "45", "note": "管网完工"},
    )
    assert response.status_code == 302
    event = StatusEvent.objects.get(problem=zunyi_problem)
    assert (event.kind, event.effective_date, event.percent, event.note) == (
        "progress",
        date(2020, 3, 10),
        45,
        "管网完工",
    )
    assert event.actor == zunyi_clerk
    assert AuditEvent.objects.filter(action="problems.event.progress").count() == 1


def test_a_county_leading_the_problem_reports_and_its_prefecture_may_too(orgs, login, zunyi_clerk):
    bozhou = Org.objects.get(code="520304")
    problem = ProblemFactory(number="2", region=bozhou, lead_unit=bozhou)
    c = login(zunyi_clerk)  # 遵义市 is above 播州区
    assert (
        c.post(
            url(problem), {"kind": "progress", "effective_date": "2020-03-01", "percent": "20"}
        ).status_code
        == 302
    )


def test_unit_cannot_record_acceptance(zunyi_problem, zunyi_clerk, login):
    response = login(zunyi_clerk).post(
        url(zunyi_problem), {"kind": "accepted", "effective_date": "2020-03-10"}
    )
    assert response.status_code == 403
    assert not StatusEvent.objects.exists()


def test_guiyang_unit_cannot_record_progress_on_a_zunyi_problem(
    zunyi_problem, guiyang_outsider, login
):
    c = login(guiyang_outsider)
    assert c.get(url(zunyi_problem)).status_code == 404
    response = c.post(
        url(zunyi_problem), {"kind": "progress", "effective_date": "2020-03-10", "percent": "45"}
    )
    assert response.status_code == 404
    assert not StatusEvent.objects.exists()


def test_a_cooperating_unit_sees_the_problem_but_does_not_report_on_it(
    zunyi_problem, guiyang_outsider, login
):
    zunyi_problem.cooperating_units.add(Org.objects.get(code="520100"))
    c = login(guiyang_outsider)
    assert c.get(f"/ledger/{zunyi_problem.pk}/").status_code == 200
    assert c.get(url(zunyi_problem)).status_code == 404
    assert not StatusEvent.objects.exists()


@pytest.mark.parametrize("role", ["leader", "zunyi_reviewer", "team_member"])
def test_read_only_roles_record_nothing(zunyi_problem, role, request, login):
    c = login(request.getfixturevalue(role))
    assert c.get(url(zunyi_problem)).status_code == 403
    detail = c.get(f"/ledger/{zunyi_problem.pk}/").content.decode()
    assert url(zunyi_problem) not in detail


def test_office_records_acceptance_then_sign_off(zunyi_problem, office_clerk, login):
    c = login(office_clerk)
    add_event(zunyi_problem, EventKind.PROGRESS, date(2020, 1, 10), percent=100)
    assert (
        c.post(url(zunyi_problem), {"kind": "accepted", "effective_date": "2020-02-01"}).status_code
        == 302
    )
    assert (
        c.post(
            url(zunyi_problem), {"kind": "signed_off", "effective_date": "2020-03-01"}
        ).status_code
        == 302
    )
    kinds = list(StatusEvent.objects.order_by("day").values_list("kind", flat=True))
    assert kinds == ["progress", "accepted", "signed_off"]
    detail = c.get(f"/ledger/{zunyi_problem.pk}/", {"as_of": "2020-03-16"})
    assert detail.context["state"].asof_status == "signed_off"


def test_bad_event_input_is_refused_in_chinese_and_records_nothing(
    zunyi_problem, zunyi_clerk, office_clerk, login
):
    c = login(zunyi_clerk)
    future = c.post(
        url(zunyi_problem), {"kind": "progress", "effective_date": "2020-04-01", "percent": "10"}
    )
    assert future.context["form"].errors["effective_date"] == ["日期不能晚于今天。"]
    no_percent = c.post(url(zunyi_problem), {"kind": "progress", "effective_date": "2020-03-01"})
    assert no_percent.context["form"].errors["percent"] == ["请填写 0 到 100 之间的比例。"]
    office = login(office_clerk, Client())
    premature = office.post(
        url(zunyi_problem), {"kind": "signed_off", "effective_date": "2020-03-01"}
    )
    assert premature.context["form"].errors["kind"] == ["只有验收通过的问题才能销号。"]
    assert not StatusEvent.objects.exists()
