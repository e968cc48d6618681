"""A 遵义市 unit applies for sign-off in the browser; the 播州区, 遵义市 and 省生态环境厅 reviewers
and the office accept in turn, each signed in as themselves, through the htmx step forms; the
notice then shows 9/28–10/15 (ten working days over Mid-autumn and National Day), and the
office signs the problem off. No Content-Security-Policy violation on the way."""

import importlib
from datetime import date

import pytest
from playwright.sync_api import expect

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user
from rectify.orgs.models import Org
from rectify.problems.models import Category, Measure
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from rectify.signoff import actions
from rectify.signoff.models import AcceptanceLevel, Application
from tests.browser import shoot

SEEDED_CHAINS = importlib.import_module("rectify.signoff.migrations.0002_seed_levels").CHAINS


@pytest.fixture
def problem(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_reference_orgs()
    # Transactional tests flush what migrations seeded: put back the chains and a category.
    for inspection_level, chain in SEEDED_CHAINS.items():
        for order, (name, actor) in enumerate(chain, start=1):
            AcceptanceLevel.objects.get_or_create(
                inspection_level=inspection_level,
                order=order,
                defaults={"name": name, "actor": actor},
            )
    Category.objects.get_or_create(name="环境生态类")
    p = ProblemFactory(
        number="3",
        title="遵义市播州区乌江支流沿岸养殖场粪污直排问题",
        description="播州区乌江支流沿岸部分规模养殖场粪污处理设施不完善，雨季粪污直排河道。",
        target="2026年底前完成沿岸养殖场粪污治理，乌江支流断面水质稳定达到Ⅲ类。",
        region=Org.objects.get(code="520304"),
        lead_unit=Org.objects.get(code="520300"),
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    p.cooperating_units.set([Org.objects.get(code="520000-STHJT")])
    Measure.objects.create(problem=p, seq=1, text="关停搬迁禁养区内养殖场12家。")
    add_event(p, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    make_user("zunyi_unit", Role.UNIT, "520300")
    make_user("bozhou_reviewer", Role.REVIEWER, "520304")
    make_user("zunyi_reviewer", Role.REVIEWER, "520300")
    make_user("sthjt_reviewer", Role.REVIEWER, "520000-STHJT")
    make_user("office_browser", Role.OFFICE, "520000")
    return p


def sign_in_as(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def accept(page, *, signer: str, on: str, version: int) -> None:
    """Open the inbox, follow the application awaiting me, accept it through htmx."""
    page.goto(page.base_url + "/signoff/")
    link = page.locator("#pending tr[data-application] a")
    expect(link).to_have_count(1)
    with page.expect_navigation():
        link.click()
    page.click("details[data-step=accept] > summary")
    page.fill("#id_step-accept-signer_name", signer)
    page.fill("#id_step-accept-opinion", "经现场核查，整改措施已落实到位，同意通过验收。")
    page.fill(
        "#id_step-accept-onsite_record",
        "现场核查沿岸养殖场15家，粪污处理设施运行正常，未发现直排。",
    )
    page.fill("#id_step-accept-effective_date", on)
    page.click("#form-accept button[type=submit]")
    # The workflow panel is swapped in place with the next version; no page load.
    expect(page.locator(f'#workflow[data-version="{version}"]')).to_be_visible()
    expect(page.locator("#workflow .msg-success")).to_be_visible()


def test_a_problem_goes_through_every_level_to_its_notice_and_sign_off(page, problem):
    sign_in_as(page, "zunyi_unit")
    page.goto(f"{page.base_url}/signoff/problems/{problem.pk}/apply/")
    page.fill(
        "#id_completion_report",
        "沿岸12家养殖场已全部关停搬迁，限养区38家养殖场粪污处理设施已建成运行。",
    )
    page.fill("#id_effective_date", "2026-09-01")
    page.fill("#id_notice_days", "10")
    shoot(page, "signoff-1-apply")
    with page.expect_navigation():
        page.click("#apply-form button[type=submit]")
    app = Application.objects.get(problem=problem)
    assert page.url.endswith(f"/signoff/applications/{app.pk}/")
    expect(page.locator('#chain tr[data-status="current"]')).to_have_attribute(
        "data-level", "县级验收"
    )
    expect(page.locator("details[data-step=withdraw]")).to_be_visible()
    shoot(page, "signoff-2-applied")

    sign_in_as(page, "bozhou_reviewer")
    accept(page, signer="罗明", on="2026-09-03", version=2)
    expect(page.locator('#chain tr[data-status="current"]')).to_have_attribute(
        "data-level", "市级验收"
    )
    shoot(page, "signoff-3-county-accepted")

    sign_in_as(page, "zunyi_reviewer")
    accept(page, signer="陈静", on="2026-09-08", version=3)
    sign_in_as(page, "sthjt_reviewer")
    accept(page, signer="杨帆", on="2026-09-15", version=4)

    sign_in_as(page, "office_browser")
    accept(page, signer="周涛", on="2026-09-24", version=5)
    expect(page.locator("#workflow")).to_have_attribute("data-state", "notice")
    expect(page.locator("#chain tr[data-status=passed]")).to_have_count(4)
    expect(page.locator("#notice-period")).to_contain_text("2026-09-28")
    expect(page.locator("#notice-period")).to_contain_text("2026-10-15")
    shoot(page, "signoff-4-under-notice")

    with page.expect_navigation():
        page.click("#notice-period a[href$='/notice/']")
    notice = page.locator("#notice")
    expect(notice).to_have_attribute("data-start", "2026-09-28")
    expect(notice).to_have_attribute("data-end", "2026-10-15")
    expect(notice).to_have_attribute("data-days", "10")
    expect(notice).to_contain_text("2026年9月28日")
    expect(notice).to_contain_text("2026年10月15日")
    expect(notice).not_to_contain_text("罗明")  # signers are not published
    shoot(page, "signoff-5-notice")

    page.goto(f"{page.base_url}/signoff/applications/{app.pk}/")
    # On the notice's last day the office may not sign off yet: told why, still on notice.
    page.click("details[data-step=sign_off] > summary")
    page.fill("#id_step-sign_off-effective_date", "2026-10-15")
    page.click("#form-sign_off button[type=submit]")
    refused = page.locator("#form-sign_off .has-error .errorlist")
    expect(refused).to_contain_text("2026-10-15")
    expect(page.locator("#workflow")).to_have_attribute("data-state", "notice")
    shoot(page, "signoff-6a-too-early")
    app.refresh_from_db()
    assert app.state == "notice" and app.signed_off_on is None

    # The first working day after the notice: signed off.
    if not page.locator("#form-sign_off").is_visible():
        page.click("details[data-step=sign_off] > summary")
    page.fill("#id_step-sign_off-effective_date", "2026-10-16")
    page.click("#form-sign_off button[type=submit]")
    expect(page.locator("#workflow")).to_have_attribute("data-state", "signed_off")
    shoot(page, "signoff-6-signed-off")

    app.refresh_from_db()
    assert (app.notice_start, app.notice_end, app.signed_off_on) == (
        date(2026, 9, 28),
        date(2026, 10, 15),
        date(2026, 10, 16),
    )
    assert [s.signer_name for s in app.steps.filter(kind="accept")] == [
        "罗明",
        "陈静",
        "杨帆",
        "周涛",
    ]
    page.goto(page.base_url + "/signoff/")
    expect(page.locator("#all tr[data-application]")).to_have_count(1)
    shoot(page, "signoff-7-inbox")
    assert page.csp_errors == []


def test_the_office_enters_2027_and_schedules_a_notice_that_was_waiting(page, problem):
    """A 30-working-day notice accepted on 11/20 runs into 2027, which the package does not
    know: the inbox warns, the office enters 元旦 and completes the year, then schedules."""
    users = {u.username: u for u in User.objects.all()}
    app = actions.check_apply(
        problem,
        actor=users["zunyi_unit"],
        completion_report="沿岸养殖场粪污治理已全部完成。",
        effective_date=date(2026, 11, 2),
        notice_days=30,
        today=date(2026, 11, 20),
    )
    for who, day in (
        ("bozhou_reviewer", 16),
        ("zunyi_reviewer", 17),
        ("sthjt_reviewer", 18),
        ("office_browser", 20),
    ):
        app = actions.check_transition_application(
            app,
            "accept",
            actor=users[who],
            signer_name="周涛",
            opinion="同意。",
            onsite_record="已现场核查。",
            effective_date=date(2026, 11, day),
            today=date(2026, 11, 20),
        )
    assert app.notice_end is None and "2027" in app.notice_problem

    sign_in_as(page, "office_browser")
    page.goto(page.base_url + "/signoff/")
    expect(page.locator("#calendar-warning")).to_be_visible()
    shoot(page, "signoff-8-calendar-warning")
    with page.expect_navigation():
        page.click("#calendar-warning a.btn")
    expect(page.locator('#years tr[data-year="2027"]')).to_be_visible()
    page.fill("#id_day", "2027-01-01")
    page.select_option("#id_is_workday", "0")
    page.fill("#id_name", "元旦")
    with page.expect_navigation():
        page.click("#day-form button[type=submit]")
    expect(page.locator('#office-days tr[data-day="2027-01-01"]')).to_be_visible()
    page.check("#id_complete")
    page.fill("#id_source", "国务院办公厅关于2027年部分节假日安排的通知")
    with page.expect_navigation():
        page.click("#year-form button[type=submit]")
    shoot(page, "signoff-9-calendar")

    page.goto(f"{page.base_url}/signoff/applications/{app.pk}/")
    page.click("details[data-step=schedule] > summary")
    page.fill("#id_step-schedule-effective_date", "2026-11-25")
    page.click("#form-schedule button[type=submit]")
    # 11/23 – 12/31 hold 29 working days, 1/1 is 元旦, so the 30th is Monday 1/4.
    expect(page.locator("#notice-period")).to_contain_text("2027-01-04")
    expect(page.locator(".so-alert")).to_have_count(0)
    assert page.csp_errors == []
