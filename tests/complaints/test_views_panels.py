"""The inline (htmx) panels of a complaint's page: assign, file a result and close, return,
correct the region, repeats, ledger link, and the office's reasoned reveal."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from rectify.complaints.models import Complaint, ComplaintStep, HandlingResult, RepeatRejection
from rectify.complaints.states import State, Step
from rectify.core.models import AuditEvent
from rectify.problems.testing import ProblemFactory
from tests.complaints.ui_support import (
    BOZHOU,
    CANARY,
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    ZUNYI,
    assign,
    file,
    intake,
    make_batch,
    org,
    pii_key,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.usefixtures("pii_key")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2025, 6, 20), tick=False):
        yield


@pytest.fixture
def batch(office_clerk):
    return make_batch(office_clerk)


@pytest.fixture
def complaint(batch, office_clerk):
    return intake(batch, office_clerk, 1, kinds=("大气", "噪声"), personal=CANARY)


def result_form(version: int, **extra) -> dict:
    data = {
        "investigation": "经核查，该厂未按要求落实降尘措施。",
        "verdict": "mostly_true",
        "handling": "责令整改，已安装喷淋设施。",
        "ordered_rectify": 1,
        "penalty_cases": 1,
        "fines_yuan": "50000",
        "criminal_cases": 0,
        "admin_detained": 0,
        "criminal_detained": 0,
        "interviewed": 2,
        "held_accountable": 0,
        "accountability": "",
        "effective_date": "2025-06-15",
        "close": "",
        "version": version,
    }
    data.update(extra)
    return data


def test_the_office_assigns_files_and_closes_through_htmx_panels(
    login, client, office_clerk, bozhou_clerk, complaint
):
    login(office_clerk)
    url = f"/complaints/{complaint.pk}/"
    html = client.get(url).content.decode()
    assert 'id="panel-assign"' in html and 'id="panel-result"' not in html
    response = client.post(
        url + "assign/",
        {
            "lead_unit": org(BOZHOU).pk,
            "deadline": "2025-06-30",
            "effective_date": "2025-06-03",
            "version": complaint.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="complaint"' in fragment
    assert "The complaint was assigned." in fragment
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS and complaint.lead_unit.code == BOZHOU
    # The new fragment's forms carry the new version: the next panel goes through.
    assert f'name="version" value="{complaint.version}"' in fragment
    client.logout()

    login(bozhou_clerk)
    response = client.post(
        url + "result/", result_form(complaint.version, close=Step.CLOSE), **HTMX
    )
    assert response.status_code == 200, response.content[:300]
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED and complaint.closed_on == date(2025, 6, 15)
    result = HandlingResult.objects.get(complaint=complaint)
    assert (result.verdict, result.fines_yuan, result.interviewed) == ("mostly_true", 50000, 2)
    fragment = response.content.decode()
    assert "罚款 50000.00 元" in fragment and "cp-st-closed" in fragment


def test_a_result_with_errors_comes_back_in_the_panel_and_changes_nothing(
    login, client, office_clerk, complaint
):
    assign(complaint, office_clerk, date(2025, 6, 3))
    complaint.refresh_from_db()
    login(office_clerk)
    response = client.post(
        f"/complaints/{complaint.pk}/result/",
        result_form(complaint.version, investigation="", held_accountable=2),
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    html = response.content.decode()
    assert "Say who was held accountable and how." in html
    assert 'id="panel-result" open' in html
    assert not HandlingResult.objects.exists()
    plain = client.post(
        f"/complaints/{complaint.pk}/result/",
        result_form(complaint.version, verdict="maybe"),
    )
    assert plain.status_code == 400 and "<html" in plain.content.decode()


def test_a_stale_version_is_refused_with_a_conflict(login, client, office_clerk, complaint):
    login(office_clerk)
    data = {
        "lead_unit": org(BOZHOU).pk,
        "deadline": "2025-06-30",
        "effective_date": "2025-06-03",
        "version": complaint.version + 5,
    }
    response = client.post(f"/complaints/{complaint.pk}/assign/", data)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == State.RECEIVED


def test_the_office_returns_a_closed_complaint_with_a_reason(
    login, client, office_clerk, complaint
):
    assign(complaint, office_clerk, date(2025, 6, 3))
    file(complaint, office_clerk, date(2025, 6, 10), close=Step.CLOSE)
    complaint.refresh_from_db()
    login(office_clerk)
    url = f"/complaints/{complaint.pk}/return/"
    empty = client.post(
        url,
        {
            "reason": "",
            "deadline": "2025-06-30",
            "effective_date": "2025-06-18",
            "version": complaint.version,
        },
        **HTMX,
    )
    assert "This field is required." in empty.content.decode()
    response = client.post(
        url,
        {
            "reason": "整改不彻底，群众再次反映",
            "deadline": "2025-06-30",
            "effective_date": "2025-06-18",
            "version": complaint.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS and complaint.closed_on is None
    last = ComplaintStep.objects.filter(complaint=complaint).last()
    assert (last.step, last.reason) == (Step.RETURN, "整改不彻底，群众再次反映")
    assert "整改不彻底，群众再次反映" in response.content.decode()


def test_a_unit_cannot_take_office_steps_or_see_office_panels(
    login, client, office_clerk, bozhou_clerk, complaint
):
    assign(complaint, office_clerk, date(2025, 6, 3))
    file(complaint, office_clerk, date(2025, 6, 10), close=Step.CLOSE)
    complaint.refresh_from_db()
    login(bozhou_clerk)
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    for panel in ("panel-return", "panel-assign", "panel-edit", "panel-repeat", "reveal"):
        assert f'id="{panel}"' not in html
    response = client.post(
        f"/complaints/{complaint.pk}/return/",
        {"reason": "x", "effective_date": "2025-06-18", "version": complaint.version},
    )
    assert response.status_code == 403
    assert client.post(f"/complaints/{complaint.pk}/reveal/", {"reason": "核实"}).status_code == 403
    assert not AuditEvent.objects.filter(action="complaints.reveal_complainant").exists()


def test_an_outsider_gets_404_on_every_panel(
    login, client, office_clerk, guiyang_outsider, complaint
):
    assign(complaint, office_clerk, date(2025, 6, 3))
    login(guiyang_outsider)
    for panel in ("", "assign/", "result/", "close/", "return/", "reveal/", "repeat/"):
        method = client.get if not panel else client.post
        assert method(f"/complaints/{complaint.pk}/{panel}").status_code == 404


def test_the_office_reveals_the_complainant_once_with_an_audited_reason(
    login, client, office_clerk, complaint
):
    login(office_clerk)
    url = f"/complaints/{complaint.pk}/"
    page = client.get(url).content.decode()
    assert 'id="reveal"' in page and CANARY_NAME not in page and CANARY_PHONE not in page
    short = client.post(url + "reveal/", {"reason": "查"}, **HTMX)
    assert "at least 4 characters" in short.content.decode()
    assert CANARY_NAME not in short.content.decode()
    response = client.post(url + "reveal/", {"reason": "需回访核实举报人诉求"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert CANARY_NAME in html and CANARY_PHONE in html and CANARY_ADDRESS in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="complaints.reveal_complainant")
    assert event.after["reason"] == "需回访核实举报人诉求"
    assert CANARY_NAME not in str(event.after) and CANARY_PHONE not in str(event.before)
    again = client.get(url).content.decode()
    assert CANARY_NAME not in again  # never kept in the page


def test_the_office_confirms_a_suggested_region_and_corrects_types(
    login, client, office_clerk, batch
):
    c = intake(batch, office_clerk, 7, region=ZUNYI)
    Complaint.objects.filter(pk=c.pk).update(region_confirmed=False)
    c.refresh_from_db()
    login(office_clerk)
    html = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "to confirm" in html
    from rectify.complaints.models import PollutionType

    water = PollutionType.objects.get(name="水")
    response = client.post(
        f"/complaints/{c.pk}/edit/",
        {
            "content": c.content,
            "region": org(BOZHOU).pk,
            "pollution_types": [water.pk],
            "industry": "mining",
            "is_key": "on",
            "confirm_region": "on",
            "version": c.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    c.refresh_from_db()
    assert c.region.code == BOZHOU and c.region_confirmed and c.is_key
    assert [t.name for t in c.pollution_types.all()] == ["水"]


def test_repeats_are_linked_unlinked_and_rejected_by_the_office(login, client, office_clerk, batch):
    first = intake(batch, office_clerk, 1)
    second = intake(batch, office_clerk, 2)
    login(office_clerk)
    url = f"/complaints/{second.pk}/"
    unknown = client.post(url + "repeat/", {"repeat_of": "D3GZ000", "version": second.version})
    assert (
        unknown.status_code == 400
        and "No complaint D3GZ000 is on record." in unknown.content.decode()
    )
    response = client.post(
        url + "repeat/", {"repeat_of": first.acceptance_no.lower(), "version": second.version}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.repeat_of_id == first.pk
    html = client.get(f"/complaints/{first.pk}/").content.decode()
    assert second.acceptance_no in html  # the first one lists its repeats
    client.post(url + "repeat/", {"unlink": "1", "version": second.version})
    second.refresh_from_db()
    assert second.repeat_of_id is None
    client.post(url + "not-repeat/", {"other": first.pk})
    assert RepeatRejection.objects.count() == 1


def test_the_office_links_a_complaint_to_a_ledger_problem(
    login, client, office_clerk, batch, complaint
):
    problem = ProblemFactory(inspection=batch.inspection, number="12")
    login(office_clerk)
    url = f"/complaints/{complaint.pk}/problem/"
    missing = client.post(
        url, {"inspection": batch.inspection.code, "number": "99", "version": complaint.version}
    )
    assert "The inspection has no problem 99." in missing.content.decode()
    client.post(
        url, {"inspection": batch.inspection.code, "number": "12", "version": complaint.version}
    )
    complaint.refresh_from_db()
    assert complaint.problem_id == problem.pk
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f"/ledger/{problem.pk}/" in html or problem.title[:20] in html


def test_the_office_sees_likely_repeats_and_the_suggested_region_units_do_not(
    login, client, office_clerk, bozhou_clerk, batch
):
    text = "播州区鸭溪镇恒达砂石厂夜间生产，粉尘和噪声严重扰民，周边农田被粉尘覆盖。"
    first = intake(batch, office_clerk, 1, content=text)
    second = intake(batch, office_clerk, 2, content=text + "群众多次反映未解决。", region=ZUNYI)
    Complaint.objects.filter(pk=second.pk).update(region_confirmed=False)
    assign(second, office_clerk, date(2025, 6, 3), unit=BOZHOU)
    login(office_clerk)
    html = client.get(f"/complaints/{second.pk}/").content.decode()
    assert f'data-candidate="{first.pk}"' in html and "Link as repeat" in html
    assert "Suggested region" in html and "播州区" in html
    client.post(f"/complaints/{second.pk}/not-repeat/", {"other": first.pk}, **HTMX)
    html = client.get(f"/complaints/{second.pk}/").content.decode()
    assert f'data-candidate="{first.pk}"' not in html  # not suggested again
    client.logout()
    login(bozhou_clerk)
    html = client.get(f"/complaints/{second.pk}/").content.decode()
    assert "data-candidate" not in html and "Suggested region" not in html
