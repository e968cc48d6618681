"""A 遵义市 clerk sees what the unit owes for the month, writes the report with a photo and
submits it; the city's reviewer sees the photo and its flags and reviews it inline (htmx).
No CSP violations on the way."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user
from rectify.dispatch import actions
from rectify.dispatch.models import ProgressReport
from rectify.problems.models import Category, Measure, StatusEvent
from rectify.problems.testing import InspectionFactory, ProblemFactory
from tests.browser import shoot
from tests.problems import evidence_samples as samples


@pytest.fixture
def month(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_reference_orgs()
    Category.objects.get_or_create(name="环境生态类", defaults={"sort_order": 5})
    InspectionFactory()
    today = timezone.localdate()
    site = {"latitude": Decimal(str(samples.ZUNYI[0])), "longitude": Decimal(str(samples.ZUNYI[1]))}
    first = ProblemFactory(
        number="1",
        title="遵义市湘江河段城镇生活污水直排问题",
        start_date=today - timedelta(days=200),
        original_deadline=today + timedelta(days=200),
        deadline=today + timedelta(days=200),
        **site,
    )
    Measure.objects.create(problem=first, seq=1, text="完成湘江沿线截污管网建设3.5公里。")
    Measure.objects.create(problem=first, seq=2, text="关闭沿河直排口12个。")
    ProblemFactory(
        number="2",
        title="遵义市中心城区黑臭水体整治滞后问题",
        start_date=today - timedelta(days=200),
        original_deadline=today + timedelta(days=100),
        deadline=today + timedelta(days=100),
        **site,
    )
    office = make_user("office_browser", Role.OFFICE, "520000")
    make_user("zunyi_browser", Role.UNIT, "520300")
    make_user("zunyi_review_browser", Role.REVIEWER, "520300")
    period = actions.check_open_period(actor=office, year=today.year, month=today.month)
    return {"period": period, "problem": first, "today": today}


def sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_a_unit_reports_with_a_photo_and_the_city_reviews_it(page, month):
    problem, period, today = month["problem"], month["period"], month["today"]
    sign_in(page, "zunyi_browser")
    page.goto(page.base_url + "/dispatch/mine/")
    rows = page.locator("table.dp-mine tbody tr")
    expect(rows).to_have_count(2)
    assert "遵义市湘江河段城镇生活污水直排问题" in rows.first.inner_text() or (
        "遵义市湘江河段城镇生活污水直排问题" in rows.nth(1).inner_text()
    )
    assert page.locator("table.dp-mine .dp-state-none").count() == 2
    shoot(page, "dispatch-my-reports")

    row = page.locator(f"tr[data-problem='{problem.pk}']")
    with page.expect_navigation():
        row.locator("a.dp-write").click()
    assert page.url.endswith(f"/dispatch/periods/{period.pk}/problems/{problem.pk}/report/")
    page.fill("#id_effective_date", today.isoformat())
    page.fill("#id_percent", "45")
    page.fill(
        "#id_text",
        "湘江沿线截污管网已完工3.2公里，剩余0.3公里正在施工；存在问题：老城区段征地协调慢。",
    )
    page.check("input[name=measures_done][value='1']")
    taken = datetime.combine(today - timedelta(days=1), datetime.min.time()).replace(hour=9)
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "截污管网现场.jpg",
                "mimeType": "image/jpeg",
                "buffer": samples.jpeg_bytes(
                    taken=taken, gps=samples.ZUNYI_NEARBY, size=(640, 480)
                ),
            }
        ],
    )
    page.fill("#id_caption", "湘江路段截污管网完工现场")
    shoot(page, "dispatch-report-form")
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")

    report = ProgressReport.objects.get(problem=problem, period=period)
    assert page.url.endswith(f"/dispatch/reports/{report.pk}/")
    assert report.state == "submitted" and report.percent == 45
    event = StatusEvent.objects.get(problem=problem, kind="progress")
    assert event.effective_date == today and event.percent == 45
    expect(page.locator("#report-state")).to_have_class("badge big dp-state-submitted")
    thumb = page.locator("#evidence img.evidence-thumb")
    expect(thumb).to_have_count(1)
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "document.querySelector('#evidence img.evidence-thumb').naturalWidth > 0"
    )
    assert page.locator("#evidence .flag-old, #evidence .flag-elsewhere").count() == 0
    shoot(page, "dispatch-report-submitted")

    page.goto(page.base_url + "/dispatch/mine/")
    assert page.locator(f"tr[data-problem='{problem.pk}'] .dp-state-submitted").count() == 1
    shoot(page, "dispatch-my-reports-after")
    page.click("form[action$='/accounts/logout/'] button")

    sign_in(page, "zunyi_review_browser")
    page.goto(page.base_url + "/dispatch/reviews/")
    expect(page.locator("table.dp-queue tbody tr[data-report]")).to_have_count(1)
    with page.expect_navigation():
        page.click(f"tr[data-report='{report.pk}'] a")
    page.check("input[name=decision][value=accept]")
    page.fill("#id_opinion", "照片与进展相符。")
    page.click("#review button[type=submit]")
    expect(page.locator("#report-state")).to_have_class("badge big dp-state-reviewed")
    assert page.locator(".dp-frozen").count() == 1
    assert page.locator("#review form").count() == 0  # swapped in place, no form left
    shoot(page, "dispatch-report-reviewed")
    report.refresh_from_db()
    assert report.state == "reviewed"

    page.goto(page.base_url + f"/dispatch/periods/{period.pk}/")
    page.click("tr[data-unit='520300'] a")
    expect(page.locator("#unit-rows tr[data-problem]")).to_have_count(2)
    shoot(page, "dispatch-period")
    page.click("form[action$='/accounts/logout/'] button")

    # The office reads the bulletin naming the unit still owing, and the quarterly report.
    sign_in(page, "office_browser")
    page.goto(page.base_url + f"/dispatch/periods/{period.pk}/")
    bulletin = page.locator("#bulletin")
    expect(bulletin).to_contain_text("遵义市")
    shoot(page, "dispatch-period-office")
    page.goto(page.base_url + "/dispatch/quarterly/")
    expect(page.locator("[data-figure=completed]")).to_have_text("0")
    assert page.locator("a[href*='quarterly.docx']").count() == 1
    shoot(page, "dispatch-quarterly")
    assert page.csp_errors == []
