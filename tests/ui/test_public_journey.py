"""The public, in a real browser and without an account: reads the province's published
disclosure (its frozen text and figures), finds the sign-off notice of a 播州区 problem under
publicity, sends an objection that is too short (told why, in Chinese, nothing changes), then
a proper one: the portal thanks them, the notice leaves the list, and the application is back
in review with an anonymous objection step. No CSP violation on the way."""

import importlib
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from rectify.accounts.roles import Role
from rectify.core.testing import ensure_reference_orgs, make_user
from rectify.orgs.models import Org
from rectify.problems.models import Category, Measure
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from rectify.signoff import actions
from rectify.signoff.models import AcceptanceLevel, AppState, StepKind
from tests.browser import shoot
from tests.portal.public_data import NARRATIVE, TODAY, seed_disclosures, seed_ledger

SEEDED_CHAINS = importlib.import_module("rectify.signoff.migrations.0002_seed_levels").CHAINS
# The notice runs 11/23–12/4 (accepted Friday 11/20); the visitor comes on 11/28.
VISIT = date(2026, 11, 28)
TITLE = "遵义市播州区乌江支流沿岸养殖场粪污直排问题"
SIGNER = "张建华"  # signers are never published


def _notice_under_way(office):
    for inspection_level, chain in SEEDED_CHAINS.items():
        for order, (name, actor) in enumerate(chain, start=1):
            AcceptanceLevel.objects.get_or_create(
                inspection_level=inspection_level,
                order=order,
                defaults={"name": name, "actor": actor},
            )
    problem = ProblemFactory(
        number="30",
        title=TITLE,
        region=Org.objects.get(code="520304"),
        lead_unit=Org.objects.get(code="520300"),
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    problem.cooperating_units.set([Org.objects.get(code="520000-STHJT")])
    Measure.objects.create(problem=problem, seq=1, text="关停搬迁禁养区内养殖场12家。")
    add_event(problem, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    app = actions.check_apply(
        problem,
        actor=make_user("zunyi_unit", Role.UNIT, "520300"),
        completion_report="沿岸12家养殖场已全部关停搬迁，限养区38家养殖场粪污处理设施已建成运行。",
        effective_date=date(2026, 11, 2),
        today=VISIT,
    )
    signers = [
        make_user("bozhou_reviewer", Role.REVIEWER, "520304"),
        make_user("zunyi_reviewer", Role.REVIEWER, "520300"),
        make_user("sthjt_reviewer", Role.REVIEWER, "520000-STHJT"),
        office,
    ]
    for day, who in zip((16, 17, 18, 20), signers, strict=True):
        app = actions.check_transition_application(
            app,
            StepKind.ACCEPT,
            actor=who,
            signer_name=SIGNER,
            opinion="经现场核查，整改措施已落实，同意通过验收。",
            onsite_record="现场核查沿岸养殖场15家，未发现粪污直排。",
            effective_date=date(2026, 11, day),
            today=VISIT,
            expected_version=app.version,
        )
    assert app.state == AppState.NOTICE
    return app


@pytest.fixture
def portal(transactional_db):
    ensure_reference_orgs()
    for i, name in enumerate(["思想认识类", "环境生态类"]):
        Category.objects.get_or_create(name=name, defaults={"sort_order": i})
    cache.clear()  # the portal's rate limits count in the cache
    office = make_user("office_clerk", Role.OFFICE, "520000")
    with time_machine.travel(TODAY, tick=False):
        inspection, _problems = seed_ledger(office)
        disclosure, _draft, _withdrawn = seed_disclosures(inspection, office)
    app = _notice_under_way(office)
    with time_machine.travel(VISIT, tick=True):
        yield {"disclosure": disclosure, "application": app}


def test_the_public_reads_a_disclosure_and_objects_to_a_sign_off_notice(page, portal):
    disclosure, app = portal["disclosure"], portal["application"]
    page.goto(page.base_url + "/public/")
    with page.expect_navigation():
        page.locator(".portalnav a[href='/public/disclosures/']").click()
    with page.expect_navigation():
        page.get_by_role("link", name=disclosure.title).click()
    article = page.locator("article.disclosure")
    expect(article).to_contain_text(NARRATIVE)
    expect(article).to_contain_text("3项问题")  # the frozen sentence with its figure
    expect(page.locator("#figures")).to_contain_text("环境生态类")
    expect(page.locator("article.disclosure .published")).to_contain_text("2020-08-31")
    shoot(page, "public-1-disclosure")

    with page.expect_navigation():
        page.locator(".portalnav a[href='/public/notices/']").click()
    row = page.locator("table.data tr", has_text=TITLE)
    expect(row).to_contain_text("2026-11-23")
    expect(row).to_contain_text("2026-12-04")
    with page.expect_navigation():
        row.get_by_role("link", name=TITLE).click()
    assert page.url.endswith(f"/public/notices/{app.pk}/")
    expect(page.locator("main")).to_contain_text("2026年11月23日")
    expect(page.locator("main")).not_to_contain_text(SIGNER)
    shoot(page, "public-2-notice")

    # Too short: the browser holds the form back and says why …
    box = page.locator("textarea[name=text]")
    box.fill("不行")
    page.click("form[action$='/objection/'] button[type=submit]")
    assert box.evaluate("el => el.validity.tooShort") is True
    assert box.evaluate("el => el.validationMessage") != ""
    assert page.url.endswith(f"/public/notices/{app.pk}/")
    # … and padded with spaces it passes the browser, but the server counts what is left:
    # the form comes back with the reason, and nothing changed.
    box.fill("不行" + " " * 12)
    with page.expect_navigation():
        page.click("form[action$='/objection/'] button[type=submit]")
    expect(page.locator("form[action$='/objection/'] .errorlist")).to_contain_text("10")
    expect(page.locator("form[action$='/objection/'] .errorlist")).to_contain_text("字符")
    app.refresh_from_db()
    assert app.state == AppState.NOTICE
    shoot(page, "public-3-objection-refused")

    page.fill("textarea[name=text]", "河道边仍能看到养殖废水排放口，晚上有排污，气味很重。")
    with page.expect_navigation():
        page.click("form[action$='/objection/'] button[type=submit]")
    assert page.url.endswith("/public/notices/")
    expect(page.locator(".messages .msg-success")).to_be_visible()
    expect(page.locator(".messages .msg-success")).to_contain_text("异议")
    expect(page.locator("table.data")).not_to_contain_text(TITLE)  # back in review
    shoot(page, "public-4-objection-received")

    app.refresh_from_db()
    assert app.state == AppState.IN_REVIEW
    step = app.steps.order_by("-pk").first()
    assert step.kind == StepKind.OBJECT and step.actor is None
    assert "排污" in step.opinion
    assert page.csp_errors == []
