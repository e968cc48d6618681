"""Open data: CSV (UTF-8 with BOM, Chinese headers) and JSON of the problem lists, the
published disclosures' frozen figures and the complaint-handling tables in force, with an
index page describing every field. Nothing private and nothing unpublished gets out."""

import csv
import io
import json

import pytest
import time_machine
from django.core.cache import cache

from rectify.complaints.publication import COLUMNS
from rectify.portal.opendata_views import DISCLOSURE_FIELDS, PROBLEM_DATASET_FIELDS
from rectify.problems.testing import ProblemFactory
from tests.portal.public_data import PRIVATE, ROW, TODAY, assert_accessible, seed_all


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def published(office_clerk):
    with time_machine.travel(TODAY):
        yield seed_all(office_clerk)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response) -> list[list[str]]:
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_problem_list_csv_has_bom_chinese_headers_and_public_rows(client, published):
    response = client.get(f"/public/opendata/problems/{published.inspection.code}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [f.zh for f in PROBLEM_DATASET_FIELDS]
    assert rows[0][:3] == ["督察", "问题编号", "问题"]
    by_number = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert sorted(by_number) == ["1", "2", "3"]
    assert by_number["2"]["整改状态"] == "完成交账销号" and by_number["2"]["是否销号"] == "是"
    assert by_number["3"]["整改状态"] == "逾期未完成" and by_number["3"]["是否销号"] == "否"
    assert by_number["1"]["行政区域"] == "遵义市播州区"
    assert by_number["1"]["整改时限"] == "2020-12-31"
    assert by_number["1"]["网址"].endswith(f"/public/problems/{published.problems[0].pk}/")


def test_problem_list_json_has_the_same_rows_with_types(client, published):
    response = client.get(f"/public/opendata/problems/{published.inspection.code}.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["as_of"] == "2020-09-10"
    assert [f["key"] for f in data["fields"]] == [f.key for f in PROBLEM_DATASET_FIELDS]
    rows = {r["number"]: r for r in data["rows"]}
    assert sorted(rows) == ["1", "2", "3"]
    assert rows["2"]["signed_off"] is True and rows["2"]["status"] == "signed_off"
    assert rows["1"]["signed_off"] is False
    assert set(rows["1"]) == {f.key for f in PROBLEM_DATASET_FIELDS}


def test_no_private_field_leaks_into_problem_open_data(client, published):
    code = published.inspection.code
    for ext in ("csv", "json"):
        text = body(client.get(f"/public/opendata/problems/{code}.{ext}")).decode("utf-8-sig")
        for private in PRIVATE:
            assert private not in text
        assert "responsible" not in text and "evidence" not in text


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, published):
    ProblemFactory(inspection=published.inspection, number="5", title='=HYPERLINK("x")')
    rows = read_csv(client.get(f"/public/opendata/problems/{published.inspection.code}.csv"))
    titles = [r[2] for r in rows[1:]]
    assert '\'=HYPERLINK("x")' in titles


def test_disclosure_figures_are_open_data_exactly_as_frozen(client, published):
    rows = read_csv(client.get("/public/opendata/disclosures.csv"))
    assert rows[0] == [f.zh for f in DISCLOSURE_FIELDS]
    figures = {r[5]: r[6] for r in rows[1:]}
    assert figures["problems.total"] == "3"
    assert figures["problems.by_category.环境生态类"] == "3"
    assert {r[0] for r in rows[1:]} == {str(published.disclosure.pk)}  # no draft, no withdrawn

    data = json.loads(client.get("/public/opendata/disclosures.json").content)
    assert [d["disclosure"] for d in data["disclosures"]] == [published.disclosure.pk]
    assert data["disclosures"][0]["figures"] == published.disclosure.figures


def test_complaint_handling_rows_come_only_from_publications_in_force(client, published):
    rows = read_csv(client.get("/public/opendata/complaint-handling.csv"))
    assert rows[0][5:] == [c.zh for c in COLUMNS]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["受理编号"] == ROW["acceptance_no"] and record["交办批次"] == "1"
    text = body(client.get("/public/opendata/complaint-handling.json")).decode()
    data = json.loads(text)
    assert [r["acceptance_no"] for r in data["rows"]] == [ROW["acceptance_no"]]
    assert "撤回的办理情况" not in text and "X3GZ201811050099" not in text


def test_complaint_handling_can_be_narrowed_to_one_inspection(client, published):
    code = published.inspection.code
    ok = client.get(f"/public/opendata/complaint-handling.csv?inspection={code}")
    assert len(read_csv(ok)) == 2
    assert client.get("/public/opendata/complaint-handling.json?inspection=nope").status_code == 404


def test_open_data_index_describes_every_dataset_and_field(client, published):
    response = client.get("/public/opendata/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in (*PROBLEM_DATASET_FIELDS, *DISCLOSURE_FIELDS):
        assert f">{field.key}<" in html and field.zh in html
    for column in COLUMNS:
        assert f">{column.key}<" in html
    assert f"/public/opendata/problems/{published.inspection.code}.csv" in html
    assert "/public/opendata/complaint-handling.csv" in html
    assert_accessible(html)


def test_downloads_are_rate_limited(client, published):
    url = f"/public/opendata/problems/{published.inspection.code}.csv"
    codes = [client.get(url).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[-1] == 429
