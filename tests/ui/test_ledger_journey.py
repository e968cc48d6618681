"""The office files a problem through the form, finds it in the ledger by a Chinese search,
records progress and sees the planned-vs-reported chart; no CSP violations on the way."""

from datetime import date

import pytest
from playwright.sync_api import expect

from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user
from rectify.orgs.models import Org
from rectify.problems.models import Aspect, Category, Problem
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event, add_milestone
from tests.browser import shoot


@pytest.fixture
def ledger(transactional_db):
    ensure_reference_orgs()
    # Transactional tests flush the seeded categories: put back the ones used here.
    for i, name in enumerate(["思想认识类", "城市基础设施类", "环境生态类"]):
        Category.objects.get_or_create(name=name, defaults={"sort_order": i})
    inspection = InspectionFactory()
    Aspect.objects.create(inspection=inspection, number=1, name="思想认识和工作推进方面")
    Aspect.objects.create(inspection=inspection, number=2, name="长江流域生态环境保护方面")
    guiyang = Org.objects.get(code="520100")
    other = ProblemFactory(
        number="1",
        title="南明河部分支流黑臭水体反弹",
        region=guiyang,
        lead_unit=guiyang,
        category=Category.objects.get(name="城市基础设施类"),
    )
    add_milestone(other, date(2020, 1, 1), 40)
    add_event(other, EventKind.PROGRESS, date(2019, 12, 1), percent=30)
    for n in range(2, 8):
        ProblemFactory(number=str(n), category=Category.objects.get(name="环境生态类"))
    make_user("office_browser", Role.OFFICE, "520000")
    return inspection


def sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def pk(code: str) -> str:
    return str(Org.objects.get(code=code).pk)


def test_office_files_finds_and_charts_a_problem(page, ledger):
    sign_in(page, "office_browser")
    page.goto(f"{page.base_url}/ledger/new/?inspection={ledger.pk}")
    assert page.locator("h1").inner_text() == "新增问题"
    page.fill("#id_number", "12")
    page.fill("#id_title", "赤水河流域部分小水电站未落实生态流量")
    page.fill("#id_description", "赤水河干流及支流部分小水电站未按要求下泄生态流量，影响河流生态。")
    page.select_option("#id_aspect", str(Aspect.objects.get(number=2).pk))
    page.select_option("#id_category", str(Category.objects.get(name="环境生态类").pk))
    page.select_option("#id_region", pk("520381"))
    page.select_option("#id_lead_unit", pk("520381"))
    page.select_option("#id_cooperating_units", [pk("520000-STHJT"), pk("520300")])
    page.fill("#id_responsible_leader", "李明")
    page.fill("#id_target", "全部小水电站落实生态流量并安装在线监控。")
    page.fill("#id_original_deadline", "2020-12-31")
    page.fill("#id_measures-0-text", "开展小水电站生态流量核查")
    page.fill("#id_measures-0-due_date", "2019-09-30")
    page.click("button[data-add-row=measures]")
    page.click("button[data-add-row=measures]")
    assert page.locator("#measures-rows tr.formset-row").count() == 4
    page.fill("#id_measures-3-text", "安装生态流量在线监控设施")
    page.fill("#id_milestones-0-date", "2019-12-31")
    page.fill("#id_milestones-0-percent", "30")
    page.fill("#id_milestones-1-date", "2021-03-01")  # after the deadline: refused
    page.fill("#id_milestones-1-percent", "90")
    with page.expect_navigation():
        page.click("form.problem-form button[type=submit]")
    assert "序时进度节点晚于整改时限。" in page.locator("#milestones-rows").inner_text()
    assert "序时进度节点 2" in page.locator(".form-errors").inner_text()
    assert Problem.objects.filter(number="12").count() == 0
    shoot(page, "ledger-form-error")

    page.fill("#id_milestones-1-date", "2020-06-30")
    page.fill("#id_milestones-1-percent", "60")
    with page.expect_navigation():
        page.click("form.problem-form button[type=submit]")
    problem = Problem.objects.get(number="12")
    assert page.url.endswith(f"/ledger/{problem.pk}/")
    assert [m.text for m in problem.measures.all()] == [
        "开展小水电站生态流量核查",
        "安装生态流量在线监控设施",
    ]

    page.click("text=登记进展或状态")
    page.select_option("#id_kind", "progress")
    page.fill("#id_effective_date", "2019-11-20")
    page.fill("#id_percent", "25")
    page.fill("#id_note", "已完成全部电站核查。")
    shoot(page, "ledger-event-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已登记" in page.locator(".messages").inner_text()

    page.goto(page.base_url + "/ledger/?as_of=2019-12-15")
    assert page.locator("table.ledger tbody tr").count() == 8
    shoot(page, "ledger-list")
    page.fill("#id_q", "生态流量")
    row = page.locator("table.ledger tbody tr")
    expect(row).to_have_count(1)
    assert "赤水河流域部分小水电站未落实生态流量" in row.inner_text()
    assert "q=" in page.url  # htmx pushed the filtered URL
    assert page.locator("form.ledger-filters").count() == 1  # only the results were swapped
    shoot(page, "ledger-list-search")

    with page.expect_navigation():
        page.click("table.ledger tbody tr a.title")
    assert "赤水河流域部分小水电站未落实生态流量" in page.locator("h1").inner_text()
    page.locator("#progress-chart canvas").first.wait_for()
    assert page.locator("#progress-chart canvas").count() >= 1
    assert "未达到序时进度" in page.locator(".status-card").inner_text()
    assert "已完成全部电站核查。" in page.locator("table.events").inner_text()
    shoot(page, "ledger-detail")

    page.goto(page.base_url + "/ledger/inspections/?as_of=2019-12-15")
    inspection_row = page.locator("table.inspections tbody tr").first
    assert "中央第五生态环境保护督察组" in inspection_row.inner_text()
    assert inspection_row.locator("td.num").first.inner_text() == "8"
    shoot(page, "ledger-inspections")
    assert page.csp_errors == []


def test_list_pages_and_filters_work_without_javascript(browser, live_server, ledger, settings):
    settings.RECTIFY_REQUIRE_2FA = False
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "office_browser")
    page.goto(page.base_url + "/ledger/?as_of=2019-12-15")
    page.select_option("#id_status", "behind_schedule")
    with page.expect_navigation():
        page.click("form.ledger-filters button[type=submit]")
    assert "status=behind_schedule" in page.url
    assert page.locator("table.ledger tbody tr").count() == 1
    assert "南明河部分支流黑臭水体反弹" in page.locator("table.ledger").inner_text()
    context.close()
