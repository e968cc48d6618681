"""Dispatch pages: every role × page, in and out of scope; the period page with its figures,
drill-down and bulletin; the unit's list; notifications."""

from datetime import date

import pytest
import time_machine

from rectify.dispatch.models import Notification
from tests.dispatch.conftest import at, guiyang_problem, open_period, write, zunyi_problem


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2025, 7, 10), tick=False):
        yield


@pytest.fixture
def setting(office_clerk, zunyi_clerk):
    problem = zunyi_problem("1", title="遵义市湘江河段城镇生活污水直排问题")
    unwritten = zunyi_problem("2", title="遵义市中心城区黑臭水体整治滞后")
    guiyang_problem("3", title="贵阳市南明河支流黑臭水体反弹")
    june = open_period(office_clerk, 2025, 6, when=at(2025, 6, 1))
    report = write(problem, june, zunyi_clerk, when=at(2025, 7, 8), on=date(2025, 6, 30))
    return {"period": june, "problem": problem, "unwritten": unwritten, "report": report}


PAGES = ["periods", "period", "mine", "write", "report", "reviews", "quarterly", "notes"]
EXPECTED = {
    #                 periods period mine write report reviews quarterly notes
    "office_clerk": (200, 200, 200, 200, 200, 200, 200, 200),
    "zunyi_clerk": (200, 200, 200, 200, 200, 200, 403, 200),
    "guiyang_outsider": (200, 200, 200, 404, 404, 200, 403, 200),
    "zunyi_reviewer": (200, 200, 403, 403, 200, 200, 403, 200),
    "leader": (200, 200, 403, 403, 200, 200, 200, 200),
    "team_member": (200, 200, 403, 403, 200, 200, 403, 200),
    "sysadmin": (404, 404, 404, 404, 404, 404, 404, 200),
    "auditor": (404, 404, 404, 404, 404, 404, 404, 200),
    None: (302,) * 8,
}


def urls(s) -> dict:
    period, problem, report = s["period"], s["unwritten"], s["report"]
    return {
        "periods": "/dispatch/",
        "period": f"/dispatch/periods/{period.pk}/",
        "mine": "/dispatch/mine/",
        "write": f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/",
        "report": f"/dispatch/reports/{report.pk}/",
        "reviews": "/dispatch/reviews/",
        "quarterly": "/dispatch/quarterly/",
        "notes": "/dispatch/notifications/",
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_role_on_every_page(role, setting, request, login, client):
    if role is not None:
        login(request.getfixturevalue(role))
    page_urls = urls(setting)
    got = tuple(client.get(page_urls[name]).status_code for name in PAGES)
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, EXPECTED[role], strict=True))


def test_the_period_page_shows_figures_by_unit_and_the_bulletin(
    setting, login, client, office_clerk
):
    login(office_clerk)
    period = setting["period"]
    html = client.get(f"/dispatch/periods/{period.pk}/").content.decode()
    assert 'data-unit="520300"' in html and 'data-unit="520100"' in html
    assert "Dispatch bulletin on rectification progress, 6/2025" in html
    assert "2 units owed 3 progress reports: 1 were submitted, 1 of them after the due date" in html
    assert "Reported after the due date: 遵义市 (1)." in html
    assert "Not reported: 贵阳市 (1), 遵义市 (1)." in html
    assert "3 problems were on the ledger" in html
    part = client.get(f"/dispatch/periods/{period.pk}/?unit=520300", HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert body.count("data-problem=") == 2 and "遵义市湘江河段城镇生活污水直排问题" in body
    assert "贵阳市南明河支流黑臭水体反弹" not in body


def test_a_unit_sees_what_it_owes_and_no_bulletin(setting, login, client, zunyi_clerk):
    login(zunyi_clerk)
    period = setting["period"]
    html = client.get(f"/dispatch/mine/?period={period.pk}").content.decode()
    assert html.count("data-problem=") == 2
    assert "遵义市中心城区黑臭水体整治滞后" in html and "贵阳市" not in html
    detail = client.get(f"/dispatch/periods/{period.pk}/").content.decode()
    assert 'id="bulletin"' not in detail and 'data-unit="520100"' not in detail


def test_the_report_form_explains_what_is_wrong(setting, login, client, zunyi_clerk):
    login(zunyi_clerk)
    period = setting["period"]
    other = zunyi_problem("4")
    url = f"/dispatch/periods/{period.pk}/problems/{other.pk}/report/"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url, {"effective_date": "2025-08-01", "percent": "30", "text": "x", "action": "submit"}
    )
    assert response.status_code == 400
    assert "must lie between 2025-06-01 and 2025-07-05" in response.content.decode()
    draft = client.post(
        url,
        {"effective_date": "2025-06-30", "percent": "30", "text": "已完成排查。", "action": "save"},
    )
    assert draft.status_code == 302


def test_notifications_are_listed_marked_read_and_followed(setting, login, client, zunyi_clerk):
    login(zunyi_clerk)
    notes = Notification.objects.filter(recipient=zunyi_clerk)
    assert notes.count() == 1  # the period was opened
    bell = client.get("/dispatch/notifications/bell/").content.decode()
    assert '<span class="dp-count">1</span>' in bell
    page = client.get("/dispatch/notifications/").content.decode()
    assert "Dispatch 6/2025: progress reports due by 2025-07-05" in page
    note = notes.get()
    response = client.post(f"/dispatch/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/dispatch/mine/?period={setting['period'].pk}"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "dp-count" not in client.get("/dispatch/notifications/bell/").content.decode()
    # Someone else's notification is not found.
    other = Notification.objects.create(
        recipient=setting["report"].period.opened_by, kind="due_soon", title="x"
    )
    assert client.post(f"/dispatch/notifications/{other.pk}/open/").status_code == 404
    assert client.post("/dispatch/notifications/read/", {"id": other.pk}).status_code == 302
    other.refresh_from_db()
    assert other.read_at is None


def test_the_office_opens_and_closes_a_period_on_the_page(login, client, office_clerk, orgs):
    login(office_clerk)
    page = client.get("/dispatch/").content.decode()
    assert 'name="year"' in page
    bad = client.post("/dispatch/", {"year": "2025", "month": "9"})
    assert bad.status_code == 400
    assert "A period can be opened at most one month ahead." in bad.content.decode()
    ok = client.post("/dispatch/", {"year": "2025", "month": "7", "due_date": "2025-08-10"})
    assert ok.status_code == 302
    close = client.post(ok["Location"] + "close/", {"closed": "1"})
    assert close.status_code == 302
    assert "closed" in client.get(ok["Location"]).content.decode()


def test_an_oversized_photo_is_refused_before_it_is_read(
    setting, login, client, zunyi_clerk, settings, tmp_path
):
    from rectify.dispatch.models import ProgressReport
    from rectify.problems.models import Evidence
    from tests.dispatch.conftest import photo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECTIFY_MAX_UPLOAD_MB = 0.002  # about 2 KB
    login(zunyi_clerk)
    period, problem = setting["period"], setting["unwritten"]
    response = client.post(
        f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/",
        {
            "effective_date": "2025-06-30",
            "percent": "30",
            "text": "已完成排查。",
            "action": "submit",
            "file": [photo("大照片.jpg", size=(400, 300))],
        },
    )
    assert response.status_code == 400
    assert "“大照片.jpg” is larger than the limit" in response.content.decode()
    assert not ProgressReport.objects.filter(problem=problem).exists()
    assert not Evidence.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))
