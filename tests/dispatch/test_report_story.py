"""End to end: the office opens a period, a 遵义市 unit submits a report with a photo, the
problem's as-of status changes on the report's date, the prefecture's reviewer sees the
evidence flags and reviews it, after which it is frozen; a 贵阳市 user sees none of it."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from rectify.core import audit
from rectify.core.models import AuditEvent
from rectify.dispatch import queries
from rectify.dispatch.models import DispatchPeriod, ProgressReport, ReportHistory
from rectify.problems import asof
from rectify.problems.models import Evidence, Measure, StatusEvent
from rectify.problems.states import EventKind, Status
from tests.dispatch.conftest import add_measures, at, open_period, photo, write, zunyi_problem
from tests.problems import evidence_samples as samples


@pytest.fixture
def problem(orgs):
    p = zunyi_problem("1", title="遵义市湘江河段城镇生活污水直排问题")
    add_measures(p, "完成湘江沿线截污管网建设3.5公里。", "关闭沿河直排口12个。")
    return p


def report_post(**overrides):
    data = {
        "effective_date": "2025-06-18",
        "percent": "40",
        "text": "湘江沿线截污管网已完工3.2公里，剩余0.3公里正在施工；存在问题：征地协调慢。",
        "decrease_reason": "",
        "measures_done": ["1"],
        "caption": "截污管网完工现场",
        "action": "submit",
        "file": [
            photo("现场1.jpg", taken=datetime(2025, 6, 18, 9, 30), gps=samples.ZUNYI_NEARBY),
            photo("旧照片.jpg", taken=datetime(2024, 12, 1, 9, 0), gps=samples.GUIYANG),
        ],
    }
    data.update(overrides)
    return data


def test_a_report_with_photos_moves_the_status_on_its_date_and_is_frozen_once_reviewed(
    media, problem, office_clerk, zunyi_clerk, zunyi_reviewer, guiyang_outsider, login, client
):
    # 1. The office opens June 2025 through the page.
    with time_machine.travel(at(2025, 6, 1), tick=False):
        login(office_clerk)
        response = client.post("/dispatch/", {"year": "2025", "month": "6", "due_date": ""})
        period = DispatchPeriod.objects.get(year=2025, month=6)
        assert response.status_code == 302
        assert response["Location"] == f"/dispatch/periods/{period.pk}/"
    assert (period.start_date, period.end_date, period.due_date) == (
        date(2025, 6, 1),
        date(2025, 6, 30),
        date(2025, 7, 5),
    )
    assert AuditEvent.objects.filter(action="dispatch.open_period").count() == 1
    # 遵义市's clerk was told in the app.
    assert zunyi_clerk.notifications.filter(kind="period_opened").count() == 1

    # 2. 遵义市 sees what it owes and submits the report with two photos.
    with time_machine.travel(at(2025, 6, 20), tick=False):
        client.logout()
        login(zunyi_clerk)
        page = client.get("/dispatch/mine/")
        assert page.status_code == 200
        assert problem.title in page.content.decode()
        assert f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/" in (
            page.content.decode()
        )
        response = client.post(
            f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/", report_post()
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    report = ProgressReport.objects.get(problem=problem, period=period)
    assert report.state == "submitted" and report.percent == 40
    assert report.submitted_by == zunyi_clerk and not report.is_late
    event = report.event
    assert (event.kind, event.effective_date, event.percent, event.origin) == (
        EventKind.PROGRESS,
        date(2025, 6, 18),
        40,
        "dispatch",
    )
    # The as-of status changes on the report's date, not on the day it was submitted.
    assert asof.state_of(problem, date(2025, 6, 17)).asof_status == Status.NOT_STARTED
    assert asof.state_of(problem, date(2025, 6, 18)).asof_status == Status.ON_SCHEDULE
    # Evidence is attached to the progress event, with the reviewer's flags.
    evidence = {e.file.original_name: e for e in Evidence.objects.filter(event=event)}
    assert set(evidence) == {"现场1.jpg", "旧照片.jpg"}
    assert not evidence["现场1.jpg"].possibly_old_photo
    assert not evidence["现场1.jpg"].possibly_elsewhere
    assert evidence["旧照片.jpg"].possibly_old_photo and evidence["旧照片.jpg"].possibly_elsewhere
    # The ticked measure is done on the report's date.
    measures = {m.seq: (m.done, m.done_date) for m in Measure.objects.filter(problem=problem)}
    assert measures == {1: (True, date(2025, 6, 18)), 2: (False, None)}
    assert report.measures_done == [{"seq": 1, "text": "完成湘江沿线截污管网建设3.5公里。"}]
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "dispatch.submit_report",
        "problems.event.progress",
        "problems.evidence.attach",
        "dispatch.measures_done",
    } <= actions_logged
    assert audit.verify_chain() is None

    # 3. The prefecture's reviewer sees both flags and reviews the report (htmx).
    with time_machine.travel(at(2025, 6, 22), tick=False):
        client.logout()
        login(zunyi_reviewer)
        queue = client.get("/dispatch/reviews/")
        assert f"/dispatch/reports/{report.pk}/" in queue.content.decode()
        detail = client.get(f"/dispatch/reports/{report.pk}/").content.decode()
        assert detail.count("flag-old") == 1 and detail.count("flag-elsewhere") == 1
        assert "Possibly an old photo" in detail and "Possibly taken elsewhere" in detail
        assert f"/ledger/evidence/{evidence['现场1.jpg'].pk}/image/" in detail
        response = client.post(
            f"/dispatch/reports/{report.pk}/review/",
            {"decision": "accept", "opinion": "材料齐全。", "version": report.version},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert 'id="review"' in response.content.decode()
        assert "<html" not in response.content.decode()  # only the partial
    report.refresh_from_db()
    assert report.state == "reviewed" and report.reviewed_by == zunyi_reviewer
    assert zunyi_clerk.notifications.filter(kind="reviewed").count() == 1
    steps = list(ReportHistory.objects.filter(report=report).values_list("from_state", "to_state"))
    assert steps == [("", "submitted"), ("submitted", "reviewed")]

    # 4. Frozen: the page, the API and the action all refuse any change, with a clear error.
    events_before = StatusEvent.objects.count()
    with time_machine.travel(at(2025, 6, 25), tick=False):
        client.logout()
        login(zunyi_clerk)
        page = client.get(f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/")
        assert page.status_code == 302 and page["Location"] == f"/dispatch/reports/{report.pk}/"
        response = client.post(
            f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/",
            report_post(percent="55", file=[]),
        )
        assert response.status_code == 400
        assert "is frozen" in response.content.decode()
        response = client.post(
            f"/api/v1/problems/{problem.pk}/reports",
            {"period": period.pk, "text": "改", "percent": 60, "effective_date": "2025-06-24"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "state"
        assert "frozen" in response.json()["errors"][0]["message"]
        with pytest.raises(ValidationError) as refused:
            write(problem, period, zunyi_clerk, when=at(2025, 6, 25), percent=70)
        assert "frozen" in refused.value.message_dict["state"][0]
    report.refresh_from_db()
    assert report.percent == 40 and report.state == "reviewed"
    assert StatusEvent.objects.count() == events_before

    # 5. 贵阳市 sees none of it.
    with time_machine.travel(at(2025, 6, 25), tick=False):
        client.logout()
        login(guiyang_outsider)
        assert client.get(f"/dispatch/reports/{report.pk}/").status_code == 404
        assert (
            client.get(f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/").status_code
            == 404
        )
        assert client.get(f"/api/v1/reports/{report.pk}").status_code == 404
        for e in evidence.values():
            assert client.get(f"/ledger/evidence/{e.pk}/image/").status_code == 404
        mine = client.get("/dispatch/mine/").content.decode()
        assert problem.title not in mine
        assert client.get("/api/v1/dispatch/my-reports").json()["items"] == []
        status = client.get(f"/api/v1/dispatch/periods/{period.pk}/status").json()
        assert status["units"] == []
        page = client.get(f"/dispatch/periods/{period.pk}/").content.decode()
        assert "遵义市" not in page and problem.title not in page
        assert client.get(f"/dispatch/periods/{period.pk}/?unit=520300").status_code == 404
        assert (
            client.post(
                f"/api/v1/reports/{report.pk}/review",
                {"decision": "return", "opinion": "x"},
                content_type="application/json",
            ).status_code
            == 404
        )
    assert queries.visible_reports(guiyang_outsider).count() == 0


def test_a_report_dated_before_the_period_or_in_the_future_is_refused(problem, office_clerk):
    period = open_period(office_clerk, 2025, 6)
    for on, message in [
        (date(2025, 5, 31), "must lie between 2025-06-01 and 2025-07-05"),
        (date(2025, 6, 21), "in the future"),
    ]:
        with pytest.raises(ValidationError) as refused:
            write(problem, period, office_clerk, when=at(2025, 6, 20), on=on)
        assert message in refused.value.message_dict["effective_date"][0]
    assert not ProgressReport.objects.exists() and not StatusEvent.objects.exists()
