"""A visitor walks the public portal in a real browser (Debian's chromium through Playwright):
the skip link is the first thing the keyboard reaches, every part is one click from the
navigation, filters work, and no page breaks the Content Security Policy."""

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from rectify.core.testing import ensure_reference_orgs, make_user
from rectify.problems.models import Category
from tests.browser import shoot
from tests.portal.public_data import NARRATIVE, TODAY, seed_all

pytestmark = pytest.mark.browser


@pytest.fixture
def published(transactional_db):
    ensure_reference_orgs()
    # Transactional tests flush the seeded categories: put back the ones used here.
    for i, name in enumerate(["思想认识类", "环境生态类"]):
        Category.objects.get_or_create(name=name, defaults={"sort_order": i})
    cache.clear()
    office = make_user("office_clerk", "office", "520000")
    with time_machine.travel(TODAY, tick=True):
        yield seed_all(office)


def test_a_visitor_reads_the_portal_with_keyboard_and_mouse(page, published):
    page.goto(page.base_url + "/public/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page.locator("h1")).to_have_count(1)
    shoot(page, "portal-home")

    page.locator(".portalnav a[href='/public/disclosures/']").click()
    expect(page.locator(".portalnav a[aria-current='page']")).to_have_attribute(
        "href", "/public/disclosures/"
    )
    page.get_by_role("link", name=published.disclosure.title).click()
    expect(page.locator("article.disclosure")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("article.disclosure")).to_contain_text(NARRATIVE)
    shoot(page, "portal-disclosure")

    page.locator(".portalnav a[href='/public/inspections/']").click()
    page.get_by_role("link", name=published.inspection.name).click()
    page.locator("select[name=status]").select_option("overdue")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("table.data:not(.summary) tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(published.problems[2].title)
    shoot(page, "portal-problems")

    rows.first.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(published.problems[2].title)

    page.locator(".portalnav a[href='/public/opendata/']").click()
    expect(page.locator("h1")).to_be_visible()
    shoot(page, "portal-opendata")
    assert page.csp_errors == []
