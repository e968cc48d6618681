"""Each inspection's public problem list: status as of today, public columns only, filters by
prefecture and status, pagination, and a page per problem with its measures and notice."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache

from rectify.orgs.models import Org
from rectify.problems.testing import InspectionFactory, ProblemFactory
from rectify.signoff.models import Application, AppState
from tests.portal.public_data import PRIVATE, TODAY, assert_accessible, seed_ledger


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def ledger(office_clerk):
    with time_machine.travel(TODAY):
        inspection, problems = seed_ledger(office_clerk)
        yield inspection, problems


def list_url(inspection, query: str = "") -> str:
    return f"/public/inspections/{inspection.code}/{query}"


def test_problem_list_shows_status_as_of_today_to_an_anonymous_visitor(client, ledger):
    inspection, (p1, p2, p3, p4) = ledger
    response = client.get(list_url(inspection))
    assert response.status_code == 200
    html = response.content.decode()
    for p in (p1, p2, p3):
        assert p.title in html
    assert p4.title not in html  # not on the ledger before 2020-10-01
    assert "遵义市播州区" in html  # region with its prefecture
    assert "st-signed_off" in html and "st-overdue" in html and "st-on_schedule" in html
    assert "2020-12-31" in html  # deadline


def test_problem_list_and_page_show_no_personal_data_or_internal_notes(client, ledger):
    inspection, (p1, *_rest) = ledger
    pages = [client.get(list_url(inspection)), client.get(f"/public/problems/{p1.pk}/")]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for private in PRIVATE:
            assert private not in html
        assert "yellow" not in html and "85%" not in html  # warning colour, progress percent


def test_prefecture_filter_keeps_the_prefecture_and_its_counties(client, ledger):
    inspection, (p1, p2, p3, _p4) = ledger
    html = client.get(list_url(inspection, "?region=520300")).content.decode()
    assert p1.title in html and p3.title in html
    assert p2.title not in html


def test_status_filter_keeps_only_that_status(client, ledger):
    inspection, (p1, p2, p3, _p4) = ledger
    html = client.get(list_url(inspection, "?status=signed_off")).content.decode()
    assert p2.title in html
    assert p1.title not in html and p3.title not in html


def test_unknown_filter_values_filter_nothing_and_say_so(client, ledger):
    inspection, (p1, p2, p3, _p4) = ledger
    response = client.get(list_url(inspection, "?status=secret&region=999999"))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(p.title in html for p in (p1, p2, p3))
    assert 'id="id_status-error"' in html and 'aria-describedby="id_status-error"' in html
    assert 'id="id_region-error"' in html and 'aria-invalid="true"' in html


def test_long_problem_lists_are_paginated(client, orgs):
    with time_machine.travel(TODAY):
        inspection = InspectionFactory(code="provincial-2019-lookback", name="省委督察回头看")
        for n in range(1, 53):
            ProblemFactory(inspection=inspection, number=str(n), title=f"分页测试问题第{n}号")
        first = client.get(list_url(inspection)).content.decode()
        second = client.get(list_url(inspection, "?page=2")).content.decode()
    assert "分页测试问题第50号<" in first and "分页测试问题第51号<" not in first
    assert "分页测试问题第51号<" in second and "分页测试问题第1号<" not in second
    assert "?page=2" in first


def test_problem_page_shows_public_fields_and_measures(client, ledger):
    _inspection, (p1, *_rest) = ledger
    html = client.get(f"/public/problems/{p1.pk}/").content.decode()
    assert p1.title in html
    assert "关停搬迁禁养区内养殖场12家。" in html
    assert "2020年底前完成沿岸养殖场粪污治理。" in html
    assert "遵义市" in html  # lead unit


def test_problem_page_links_its_published_sign_off_notice(client, ledger, zunyi_clerk):
    _inspection, (_p1, p2, *_rest) = ledger
    application = Application.objects.create(
        problem=p2,
        applicant=zunyi_clerk,
        applicant_org=Org.objects.get(code="520100"),
        applied_on=date(2020, 3, 10),
        completion_report="已完成整改。",
        state=AppState.SIGNED_OFF,
        notice_start=date(2020, 4, 8),
        notice_end=date(2020, 4, 21),
        signed_off_on=date(2020, 5, 1),
    )
    html = client.get(f"/public/problems/{p2.pk}/").content.decode()
    assert f"/public/notices/{application.pk}/" in html
    listing = client.get(list_url(p2.inspection)).content.decode()
    assert f"/public/notices/{application.pk}/" in listing


def test_problems_not_yet_on_the_ledger_are_not_found(client, ledger):
    _inspection, (*_rest, p4) = ledger
    assert client.get(f"/public/problems/{p4.pk}/").status_code == 404
    assert client.get("/public/problems/999999/").status_code == 404
    assert client.get("/public/inspections/no-such-inspection/").status_code == 404


def test_inspection_index_counts_the_problems_of_each_inspection(client, ledger):
    inspection, _problems = ledger
    html = client.get("/public/inspections/").content.decode()
    assert inspection.name in html
    assert list_url(inspection) in html


@pytest.mark.parametrize("page", ["index", "list", "detail"])
def test_problem_pages_have_the_accessibility_landmarks(client, ledger, page):
    inspection, (p1, *_rest) = ledger
    url = {
        "index": "/public/inspections/",
        "list": list_url(inspection),
        "detail": f"/public/problems/{p1.pk}/",
    }[page]
    outline = assert_accessible(client.get(url).content.decode())
    assert outline.tables >= 1
    if page == "list":
        assert outline.has("form", role="search")


def test_problem_list_is_rate_limited(client, ledger):
    inspection, _problems = ledger
    codes = [client.get(list_url(inspection)).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[-1] == 429
