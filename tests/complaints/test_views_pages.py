"""The complaints pages (list, batches, inbox, statistics, detail) as each role sees them."""

import re
from datetime import date

import pytest
import time_machine
from django.http import QueryDict
from django.utils import translation

from rectify.complaints.states import Step
from tests.complaints.ui_support import (
    CANARY,
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    YUNYAN,
    assign,
    file,
    intake,
    make_batch,
    pii_key,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.usefixtures("pii_key")


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
def world(office_clerk):
    """Three complaints: two of 播州区 (one closed, one overdue), one of 云岩区 not assigned."""
    batch = make_batch(office_clerk, stated=4)
    closed = intake(batch, office_clerk, 1, kinds=("大气", "噪声"), personal=CANARY, is_key=True)
    late = intake(batch, office_clerk, 2, kinds=("水",))
    waiting = intake(batch, office_clerk, 3, region=YUNYAN, kinds=("土壤",))
    assign(closed, office_clerk, date(2025, 6, 3))
    assign(late, office_clerk, date(2025, 6, 3), deadline=date(2025, 6, 10))
    file(closed, office_clerk, date(2025, 6, 8), close=Step.CLOSE, ordered_rectify=1)
    return {"batch": batch, "closed": closed, "late": late, "waiting": waiting}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def no_personal_data(html: str) -> None:
    for value in (CANARY_NAME, CANARY_PHONE, CANARY_ADDRESS):
        assert value not in html


def test_the_office_sees_every_complaint_with_its_state_and_the_counts(
    login, client, office_clerk, world
):
    login(office_clerk)
    html = page(client, "/complaints/")
    for c in world.values():
        if hasattr(c, "acceptance_no"):
            assert c.acceptance_no in html
    assert "3 complaints received by 2025-06-20" in html
    assert "Closure rate <b>33.3%</b>" in html
    assert "Received, not yet assigned" in html and "overdue" in html
    no_personal_data(html)


def test_the_state_column_and_counts_follow_the_as_of_date(login, client, office_clerk, world):
    login(office_clerk)
    html = page(client, "/complaints/?as_of=2025-06-05")
    assert "Closure rate <b>0.0%</b>" in html
    assert html.count('class="badge cp-st-in_progress"') == 2
    before = page(client, "/complaints/?as_of=2025-06-01")
    assert "0 complaints received by 2025-06-01" in before


def test_filters_narrow_the_list_and_its_counts(login, client, office_clerk, world):
    login(office_clerk)
    no = world["late"].acceptance_no
    by_type = page(client, "/complaints/?pollution_type=water")
    assert no in by_type and world["closed"].acceptance_no not in by_type
    overdue = page(client, "/complaints/?overdue=yes")
    assert no in overdue and "1 complaint received" in overdue
    closed = page(client, "/complaints/?state=closed")
    assert world["closed"].acceptance_no in closed and no not in closed
    region = page(client, "/complaints/?region=520100")
    assert world["waiting"].acceptance_no in region and no not in region
    text = page(client, f"/complaints/?q={no[-6:].lower()}")
    assert no in text and world["closed"].acceptance_no not in text
    key = page(client, "/complaints/?key=yes&verdict=true")
    assert world["closed"].acceptance_no in key and no not in key


def test_an_htmx_filter_answers_only_the_results_fragment(login, client, office_clerk, world):
    login(office_clerk)
    response = client.get("/complaints/?state=received", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and world["waiting"].acceptance_no in html
    assert "HX-Request" in response["Vary"]


def test_a_county_sees_only_the_complaints_assigned_to_it(
    login, client, bozhou_clerk, guiyang_outsider, world
):
    login(bozhou_clerk)
    html = page(client, "/complaints/")
    assert world["closed"].acceptance_no in html and world["late"].acceptance_no in html
    assert world["waiting"].acceptance_no not in html  # not assigned: the office's alone
    no_personal_data(html)
    assert client.get(f"/complaints/{world['waiting'].pk}/").status_code == 404
    client.logout()
    login(guiyang_outsider)
    html = page(client, "/complaints/")
    assert "0 complaints received" in html
    assert client.get(f"/complaints/{world['closed'].pk}/").status_code == 404


@pytest.mark.parametrize("who", ["office_clerk", "leader", "bozhou_clerk", "team_member"])
def test_every_page_renders_for_business_roles_without_personal_data(
    request, login, client, who, world
):
    user = request.getfixturevalue(who)
    login(user)
    pk = world["closed"].pk
    urls = ["/complaints/", "/complaints/batches/", "/complaints/stats/", f"/complaints/{pk}/"]
    for url in urls:
        no_personal_data(page(client, url))
    inbox = client.get("/complaints/mine/")
    assert inbox.status_code == (200 if who in ("office_clerk", "bozhou_clerk") else 403)


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_get_404(request, login, client, who, world):
    login(request.getfixturevalue(who))
    for url in ("/complaints/", "/complaints/stats/", f"/complaints/{world['closed'].pk}/"):
        assert client.get(url).status_code == 404


def test_the_inbox_lists_open_complaints_first_with_overdue_flags(
    login, client, bozhou_clerk, world
):
    login(bozhou_clerk)
    html = page(client, "/complaints/mine/")
    late, closed = world["late"].acceptance_no, world["closed"].acceptance_no
    assert html.index(late) < html.index(closed)
    assert "File the result" in html
    assert "<strong>1</strong> overdue" in html
    only_open = page(client, "/complaints/mine/?open=1")
    assert late in only_open and closed not in only_open


def test_batches_show_stated_and_received_counts_and_office_tools(
    login, client, office_clerk, bozhou_clerk, world
):
    login(office_clerk)
    html = page(client, "/complaints/batches/")
    assert "New batch" in html and "Assign 1 complaint to its county" in html
    assert 'title="The number on record differs' in html  # 4 stated, 3 on record
    client.logout()
    login(bozhou_clerk)
    html = page(client, "/complaints/batches/")
    assert "New batch" not in html and "Assign" not in html
    assert client.post("/complaints/batches/", {}).status_code == 403


def test_the_office_creates_a_batch_with_errors_named_by_field(login, client, office_clerk, world):
    login(office_clerk)
    inspection = world["batch"].inspection
    bad = client.post(
        "/complaints/batches/",
        {"inspection": inspection.pk, "number": 1, "received_on": "2025-06-19", "stated_count": 5},
    )
    assert bad.status_code == 400
    assert "Batch 1 of this inspection already exists." in bad.content.decode()
    good = client.post(
        "/complaints/batches/",
        {"inspection": inspection.pk, "number": 2, "received_on": "2025-06-19", "stated_count": 5},
    )
    assert good.status_code == 302
    assert "No. 2" in page(client, "/complaints/batches/")


def test_assign_all_sends_each_waiting_complaint_to_its_region(login, client, office_clerk, world):
    login(office_clerk)
    response = client.post(
        "/complaints/batches/assign/",
        {"batch": world["batch"].pk, "effective_date": "2025-06-20", "deadline": "2025-07-20"},
    )
    assert response.status_code == 302
    world["waiting"].refresh_from_db()
    assert world["waiting"].lead_unit.code == YUNYAN
    bad = client.post(
        "/complaints/batches/assign/",
        {"batch": world["batch"].pk, "effective_date": "2025-06-20", "deadline": ""},
    )
    assert bad.status_code == 400


def test_statistics_show_figures_as_of_the_chosen_date_with_the_types_note(
    login, client, office_clerk, world
):
    login(office_clerk)
    html = page(client, "/complaints/stats/")
    assert 'data-figure="received">3<' in html and 'data-figure="closed">1<' in html
    assert 'data-figure="overdue">1<' in html and 'data-figure="closure_rate">33.3%<' in html
    assert "add up to more than the total" in html
    assert 'id="prefecture-data"' in html and "<script>" not in html
    earlier = page(client, "/complaints/stats/?as_of=2025-06-05")
    assert 'data-figure="closed">0<' in earlier and 'data-figure="overdue">0<' in earlier


def test_a_unit_sees_its_own_figures(login, client, guiyang_outsider, bozhou_clerk, world):
    login(bozhou_clerk)
    assert 'data-figure="received">2<' in page(client, "/complaints/stats/")
    client.logout()
    login(guiyang_outsider)
    assert 'data-figure="received">0<' in page(client, "/complaints/stats/")


def test_the_list_links_to_the_export_with_its_filters_when_it_exists(
    login, client, office_clerk, world
):
    from django.urls import NoReverseMatch, reverse

    login(office_clerk)
    batch = world["batch"]
    html = page(client, f"/complaints/?state=closed&batch={batch.pk}")
    try:
        url = reverse("complaints_import:export")
    except NoReverseMatch:
        assert 'id="export-link"' not in html
        return
    href = re.search(r'id="export-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    path, query = href.split("?")
    assert path == url
    assert QueryDict(query).dict() == {
        "state": "closed",
        "batch": str(batch.number),
        "inspection": batch.inspection.code,
        "as_of": "2025-06-20",
    }
