"""A leader opens the dashboard in a real browser: the figures and the prefecture map are
drawn (offline: every asset is served by us), the month slider and the date redraw them
without reloading the page, the map's colour switches to warnings, and a click on a
prefecture opens the ledger filtered by it and by the date. No CSP violation on the way."""

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from rectify.accounts.roles import Role
from rectify.core.testing import ensure_reference_orgs, make_user
from tests.browser import SCREENSHOTS, shoot
from tests.complaints.ui_support import pii_key  # noqa: F401 - fixture
from tests.reports.dashboard_world import CENTRAL, D, build_complaints, build_ledger
from tests.ui.test_ledger_journey import sign_in

MAP = "document.getElementById('chart-map')"


@pytest.fixture
def world(transactional_db, pii_key):  # noqa: F811
    ensure_reference_orgs()
    office = make_user("office_dash", Role.OFFICE, "520000")
    build_ledger()
    build_complaints(office)
    make_user("leader_dash", Role.LEADER, "520000")


def kpi(page, key: str) -> str:
    return page.locator(f'.dash-kpi [data-value="{key}"]').inner_text()


def version(page) -> int:
    return int(page.locator("#dashboard").get_attribute("data-version") or 0)


def wait_redrawn(page, before: int) -> None:
    """Wait until the script has drawn figures newer than version `before`."""
    page.wait_for_function(
        "v => Number(document.getElementById('dashboard').dataset.version || 0) > v", arg=before
    )


def series(page, index: int) -> list:
    return page.evaluate(f"() => echarts.getInstanceByDom({MAP}).getOption().series[{index}].data")


def test_leader_reads_the_map_moves_in_time_and_opens_a_prefecture(page, world):
    offline: list[str] = []
    page.on(
        "request",
        lambda r: offline.append(r.url) if not r.url.startswith(page.base_url) else None,
    )
    sign_in(page, "leader_dash")
    page.goto(f"{page.base_url}/dashboard/?as_of={D.isoformat()}")
    page.wait_for_selector("#dashboard[data-map-drawn]")

    # KPIs of 2020-08-31: 8 problems, 3 completed, 2 red warnings, 2 of 3 complaints closed.
    assert (kpi(page, "problems.total"), kpi(page, "problems.completed")) == ("8", "3")
    assert kpi(page, "warnings.red") == "2"
    assert kpi(page, "complaints.closure_rate") == "66.7%"

    # The map has its nine prefectures (as areas) and 贵安新区 (as a point), open problems.
    areas = {d["name"]: d["value"] for d in series(page, 0)}
    assert len(areas) == 9
    assert (areas["遵义市"], areas["贵阳市"], areas["铜仁市"]) == (2, 1, 0)
    assert series(page, 1) == [{"name": "贵安新区", "value": [106.3, 26.4, 1]}]
    page.wait_for_timeout(300)
    shoot(page, "dashboard")
    picture = Image.open(BytesIO(page.locator("#chart-map").screenshot())).convert("RGB")
    colours = picture.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the map canvas looks blank"
    assert (SCREENSHOTS / "dashboard.png").stat().st_size > 50_000

    # Colour by warnings instead: 遵义市 has a red and a yellow one.
    page.check("input[name=metric][value=warnings]")
    areas = {d["name"]: d["value"] for d in series(page, 0)}
    assert (areas["遵义市"], areas["贵阳市"]) == (2, 1)
    page.check("input[name=metric][value=open]")

    # The slider back to its first month (2018-11): nothing on the ledger yet; the page
    # is not reloaded (the marker below survives) and the address keeps the date.
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")
    before = version(page)
    page.focus("#dash-month")
    page.keyboard.press("Home")
    expect(page.locator("#dash-month-label")).to_have_text("2018-11")
    wait_redrawn(page, before)
    assert (kpi(page, "problems.total"), kpi(page, "problems.completed")) == ("0", "0")
    assert kpi(page, "complaints.received") == "3"  # received on site, in 2018-11
    assert "as_of=2018-11-30" in page.url
    assert page.locator("body").get_attribute("data-same-document") == "yes"
    assert page.locator("table[data-table=burnup] tbody tr").count() == 0
    # The map was redrawn for 2018-11 too: every prefecture at zero open problems.
    redrawn = {d["name"]: d["value"] for d in series(page, 0)}
    assert len(redrawn) == 9 and set(redrawn.values()) == {0}
    shoot(page, "dashboard-2018-11")

    # One month on: the slider redraws again; then the date picker goes back to 2020-08-31.
    before = version(page)
    page.keyboard.press("ArrowRight")
    wait_redrawn(page, before)
    assert "as_of=2018-12-31" in page.url
    before = version(page)
    page.fill("#id_as_of", D.isoformat())
    wait_redrawn(page, before)
    assert kpi(page, "problems.completed") == "3"
    expect(page.locator("#dash-month-label")).to_have_text("2020-08")
    redrawn = {d["name"]: d["value"] for d in series(page, 0)}
    assert (redrawn["遵义市"], redrawn["贵阳市"], redrawn["铜仁市"]) == (2, 1, 0)

    # Only the central look-back: its seven problems, the address says which.
    before = version(page)
    page.select_option("#id_inspection", CENTRAL)
    wait_redrawn(page, before)
    assert kpi(page, "problems.total") == "7"
    assert f"inspection={CENTRAL}" in page.url and "as_of=2020-08-31" in page.url

    # A click on 遵义市 opens the ledger filtered by that prefecture, the date and the
    # inspection.
    x, y = page.evaluate(
        f"() => echarts.getInstanceByDom({MAP}).convertToPixel({{geoIndex: 0}}, [106.93, 27.75])"
    )
    page.locator("#chart-map").scroll_into_view_if_needed()
    box = page.locator("#chart-map").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert "/ledger/?" in page.url
    assert "region=520300" in page.url and "as_of=2020-08-31" in page.url
    assert f"inspection={CENTRAL}" in page.url
    expect(page.locator("table.ledger tbody tr")).to_have_count(4)
    assert page.locator("#id_region").input_value() == "520300"

    assert page.csp_errors == []
    assert offline == [], offline
