"""Entering the 2020 disclosure's accountability figures through the API gives exactly
those statistics; before the decisions every figure is zero."""

from datetime import date, timedelta

from rectify.oversight import stats
from rectify.oversight.models import HeldPerson
from tests.oversight.conftest import post

# 贵州 2020: 5 cases, 19 party organisations, 81 officials.
RANKS = ["bureau"] * 11 + ["division"] * 37 + ["section"] * 33
SANCTIONS = (
    ["党纪政务处分"] * 48
    + ["党纪政务处分并组织处理"] * 9
    + ["组织处理"] * 2
    + ["诫勉谈话"] * 17
    + ["书面检查"]
    + ["约谈"] * 3
    + ["批评教育"]
)
UNITS = ["520100", "520300", "520304", "520000-STHJT", "520000-ZRZYT"]


def enter_reference_figures(client) -> None:
    first = date(2019, 6, 10)
    for n in range(5):
        received = date(2019, 5, 20)
        case = post(
            client,
            "/api/v1/oversight/cases",
            {
                "inspection": "central-2018-lookback",
                "number": f"移交{n + 1}",
                "title": f"中央督察组移交第{n + 1}个责任追究问题",
                "source": "transferred",
                "received_date": received,
            },
        )
        assert case.status_code == 201, case.content
        case_id = case.json()["id"]
        for k in range(n * 19 // 5, (n + 1) * 19 // 5):
            response = post(
                client,
                f"/api/v1/oversight/cases/{case_id}/organizations",
                {
                    "name": f"中共某某县委第{k + 1}党组织",
                    "org": UNITS[k % len(UNITS)],
                    "decision_date": first + timedelta(days=20 * k),
                },
            )
            assert response.status_code == 201, response.content
        for i in range(n * 81 // 5, (n + 1) * 81 // 5):
            response = post(
                client,
                f"/api/v1/oversight/cases/{case_id}/persons",
                {
                    "name": f"张某{i}",
                    "post": "副局长",
                    "unit_name": f"某某局{i}",
                    "org": UNITS[i % len(UNITS)],
                    "rank": RANKS[i],
                    "sanction": SANCTIONS[i],
                    "document_number": f"黔纪发〔2019〕{i}号",
                    "decision_date": first + timedelta(days=5 * i),
                },
            )
            assert response.status_code == 201, response.content


def figures(client, as_of: str) -> dict:
    response = client.get(
        "/api/v1/oversight/figures", {"inspection": "central-2018-lookback", "as_of": as_of}
    )
    assert response.status_code == 200, response.content
    return response.json()["disclosure"]


def test_the_disclosure_figures_entered_through_the_api_come_back_exactly(
    login, client, office_clerk, inspection
):
    login(office_clerk)
    enter_reference_figures(client)
    acc = figures(client, "2020-08-31")["accountability"]
    assert acc["cases_transferred"] == 5
    assert acc["organizations"] == 19
    assert acc["persons"] == 81
    assert acc["person_times"] == 81
    assert acc["by_rank"] == {"厅级": 11, "处级": 37, "科级及以下": 33}
    assert acc["by_sanction"] == {
        "党纪政务处分": 48,
        "党纪政务处分并组织处理": 9,
        "组织处理": 2,
        "诫勉谈话": 17,
        "书面检查": 1,
        "约谈": 3,
        "批评教育": 1,
        "移送司法机关": 0,
    }
    assert sum(v["persons"] for v in acc["by_org_kind"].values()) == 81
    assert acc["by_org_kind"]["department"]["organizations"] == 7


def test_before_the_decisions_every_figure_is_zero(login, client, office_clerk, inspection):
    login(office_clerk)
    enter_reference_figures(client)
    before_all = figures(client, "2019-05-19")["accountability"]
    assert before_all["cases_transferred"] == 0
    received = figures(client, "2019-06-01")["accountability"]
    assert received["cases_transferred"] == 5
    assert (received["organizations"], received["persons"], received["person_times"]) == (0, 0, 0)
    assert set(received["by_rank"].values()) == {0}
    assert set(received["by_sanction"].values()) == {0}
    assert received["by_org_kind"] == {}
    # Halfway: decisions dated by then count, later ones do not.
    midway = date(2019, 6, 10) + timedelta(days=5 * 40)
    half = figures(client, midway.isoformat())["accountability"]
    assert half["persons"] == HeldPerson.objects.filter(decision_date__lte=midway).count() == 41


def test_a_person_sanctioned_in_two_cases_is_one_person_and_two_person_times(
    login, client, office_clerk, inspection
):
    login(office_clerk)
    ids = []
    for n in (1, 2):
        response = post(
            client,
            "/api/v1/oversight/cases",
            {
                "inspection": inspection.code,
                "number": str(n),
                "title": f"案件{n}",
                "source": "transferred",
                "received_date": "2019-05-20",
                "decision_date": "2019-09-01",
            },
        )
        ids.append(response.json()["id"])
    for case_id, sanction in zip(ids, ["诫勉谈话", "组织处理"], strict=True):
        response = post(
            client,
            f"/api/v1/oversight/cases/{case_id}/persons",
            {
                "name": "李某某",
                "post": "县长",
                "unit_name": "桐梓县人民政府",
                "rank": "处级",
                "sanction": sanction,
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["effective_date"] == "2019-09-01"
    acc = stats.accountability(inspection, date(2019, 9, 1))
    assert (acc["persons"], acc["person_times"]) == (1, 2)
    assert acc["by_rank"]["处级"] == 1
    assert acc["by_sanction"]["诫勉谈话"] == acc["by_sanction"]["组织处理"] == 1
    assert acc["by_org_kind"] == {"other": {"organizations": 0, "persons": 1}}
    again = post(
        client,
        f"/api/v1/oversight/cases/{ids[0]}/persons",
        {
            "name": "李 某某",
            "unit_name": "桐梓县人民政府",
            "rank": "section",
            "sanction": "诫勉谈话",
        },
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "name"
