"""Browser journey over the watch pages: htmx filtering and an htmx approval under the strict
Content-Security-Policy (no inline style or script may be needed)."""

from datetime import date

import pytest

from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user
from rectify.orgs.models import Org
from rectify.problems.actions import do_record_warnings
from rectify.problems.models import Category, ExtensionRequest
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event, add_milestone
from tests.browser import shoot
from tests.ui.test_sign_in_journey import sign_in

pytestmark = pytest.mark.browser
D = date


@pytest.fixture
def ledger(transactional_db):
    ensure_reference_orgs()
    # Transactional tests flush the seeded categories: put back the one the factory uses.
    Category.objects.get_or_create(name="环境生态类")
    make_user("office_browser", Role.OFFICE, "520000")
    unit = make_user("zunyi_browser", Role.UNIT, "520300")
    guiyang = Org.objects.get(code="520100")
    p1 = ProblemFactory(number="1", original_deadline=D(2020, 10, 31), responsible_leader="王某")
    add_event(p1, EventKind.PROGRESS, D(2020, 9, 20), percent=95)
    p2 = ProblemFactory(number="2")
    add_event(p2, EventKind.PROGRESS, D(2020, 1, 1), percent=20)
    add_milestone(p2, D(2020, 3, 1), 40)
    p3 = ProblemFactory(number="3", original_deadline=D(2020, 12, 1))
    add_event(p3, EventKind.PROGRESS, D(2020, 11, 10), percent=99)
    p4 = ProblemFactory(
        number="4",
        region=guiyang,
        lead_unit=guiyang,
        original_deadline=D(2020, 6, 30),
        title="贵阳市南明河支流黑臭水体整治不到位问题",
    )
    add_event(p4, EventKind.PROGRESS, D(2020, 6, 5), percent=100)
    add_milestone(p4, D(2021, 1, 1), 90)
    for d in (D(2020, 9, 15), D(2020, 10, 1), D(2020, 11, 15)):
        do_record_warnings(d, actor="test")
    ExtensionRequest.objects.create(
        problem=p2,
        requested_by=unit,
        reason="受疫情影响设备到货延迟",
        current_deadline=D(2020, 12, 31),
        new_deadline=D(2021, 6, 30),
    )


def test_office_filters_warnings_reads_proposals_and_approves_an_extension(page, ledger):
    sign_in(page, "office_browser", TEST_PASSWORD)
    page.goto(page.base_url + "/ledger/watch/?as_of=2020-11-15")
    assert page.locator("table.warning-list tbody tr").count() == 4
    shoot(page, "watch-warnings")

    page.select_option("select[name=colour]", "red")
    page.click("#watch-results button[type=submit]")
    page.wait_for_url("**colour=red**")
    page.locator("table.warning-list tbody tr").nth(1).wait_for()
    assert page.locator("table.warning-list tbody tr").count() == 2
    assert page.locator("form.filters").count() == 1

    page.goto(page.base_url + "/ledger/watch/escalations/?as_of=2020-11-15")
    assert page.locator("table.proposal-list tbody tr").count() == 3
    shoot(page, "watch-escalations")

    page.goto(page.base_url + "/ledger/watch/quality/?as_of=2020-11-15")
    assert (
        page.locator("section[data-check=milestone_after_deadline]").get_attribute("data-count")
        == "1"
    )
    shoot(page, "watch-quality")

    page.goto(page.base_url + "/ledger/watch/extensions/")
    page.fill("input[name=note]", "同意延期")
    page.click("button[name=to][value=approved]")
    page.wait_for_selector("tr[data-status=approved]")
    shoot(page, "watch-extensions")
    assert page.csp_errors == []
