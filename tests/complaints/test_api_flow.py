"""The issue's check through the API: a batch registered, complaints entered, assigned,
handled and closed, and the figures for each date right afterwards."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from rectify.complaints.models import Complaint
from rectify.problems.testing import InspectionFactory
from tests.complaints.ui_support import (
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    pii_key,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.usefixtures("pii_key")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def at(day: date):
    return time_machine.travel(day, tick=False)


def complaint_body(seq: int, region: str, kinds: list[str], **extra) -> dict:
    return {
        "acceptance_no": f"D3GZ20250602{seq:04d}",
        "content": f"反映某洗煤厂废水直排河道，第{seq}件。",
        "region": region,
        "pollution_types": kinds,
        **extra,
    }


def result_body(version: int, **extra) -> dict:
    return {
        "investigation": "经现场核查，反映问题属实。",
        "verdict": "true",
        "handling": "责令停产整改，立案处罚。",
        "version": version,
        **extra,
    }


def test_a_batch_is_taken_in_assigned_handled_closed_and_counted(
    login, client, office_clerk, bozhou_clerk, guiyang_outsider
):
    InspectionFactory(code="central-2025", feedback_date=date(2025, 9, 1))
    login(office_clerk)
    with at(date(2025, 6, 2)):
        created = post(
            client,
            "/api/v1/complaint-batches",
            {
                "inspection": "central-2025",
                "number": 1,
                "received_on": "2025-06-02",
                "stated_count": 3,
            },
        )
        assert created.status_code == 201, created.content
        batch = created.json()
        url = f"/api/v1/complaint-batches/{batch['id']}/complaints"
        first = post(
            client,
            url,
            complaint_body(
                1,
                "520304",
                ["水", "大气"],
                complainant={"name": CANARY_NAME, "phone": CANARY_PHONE, "address": CANARY_ADDRESS},
            ),
        )
        assert first.status_code == 201, first.content
        body = first.json()
        assert (body["state"], body["channel"], body["received_on"]) == (
            "received",
            "phone",
            "2025-06-02",
        )
        assert body["pollution_types"] == ["水", "大气"]
        assert CANARY_NAME not in first.content.decode()  # write-only
        assert first["Location"] == f"/api/v1/complaints/{body['id']}"
        assert post(client, url, complaint_body(2, "520304", ["水"])).status_code == 201
        assert post(client, url, complaint_body(3, "520103", ["噪声"])).status_code == 201
        bad = post(client, url, complaint_body(4, "999999", ["光"]))
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} == {"region", "pollution_types[1]"}
        again = post(client, url, complaint_body(1, "520304", ["水"]))
        assert again.status_code == 422
        assert again.json()["errors"][0]["field"] == "acceptance_no"
        assigned = post(
            client,
            f"/api/v1/complaint-batches/{batch['id']}/assign-all",
            {"effective_date": "2025-06-02", "deadline": "2025-06-12"},
        )
        assert assigned.json() == {"assigned": 3}
    client.logout()

    login(bozhou_clerk)
    listed = client.get("/api/v1/complaints").json()
    assert [i["acceptance_no"][-1] for i in listed["items"]] == ["1", "2"]
    first_id, second_id = (i["id"] for i in listed["items"])
    with at(date(2025, 6, 5)):
        done = post(
            client,
            f"/api/v1/complaints/{first_id}/results",
            result_body(
                2,
                close="close",
                ordered_rectify=1,
                penalty_cases=1,
                fines_yuan="200000",
                held_accountable=2,
                accountability="对镇分管领导诫勉谈话。",
            ),
        )
        assert done.status_code == 200, done.content
        assert (done.json()["state"], done.json()["closed_on"]) == ("closed", "2025-06-05")
        assert done["ETag"] == '"4"'  # the result, then the closure
    with at(date(2025, 6, 8)):
        login(bozhou_clerk)  # sessions end after idle days
        staged = post(
            client,
            f"/api/v1/complaints/{second_id}/results",
            result_body(2, verdict="partly_true", close="close_stage", ordered_rectify=1),
        )
        assert staged.json()["state"] == "stage_closed"
    client.logout()

    with at(date(2025, 6, 20)):
        login(office_clerk)
        day = client.get("/api/v1/complaints/stats?inspection=central-2025&as_of=2025-06-05")
        figures = day.json()
        assert figures["counts"] == {
            "received": 3,
            "closed": 1,
            "closed_stage": 0,
            "in_progress": 2,
            "repeats": 0,
            "closure_rate": round(1 / 3, 4),
        }
        assert figures["enforcement"]["fines_yuan"] in ("200000.00", 200000)
        assert figures["enforcement"]["held_accountable"] == 2
        assert figures["by_verdict"]["true"] == 1
        later = client.get("/api/v1/complaints/stats?inspection=central-2025&as_of=2025-06-15")
        later = later.json()
        assert (later["counts"]["closed_stage"], later["overdue"]) == (1, 1)
        assert later["by_batch"] == [{"inspection": "central-2025", "batch": 1, **later["counts"]}]
        by_prefecture = {p["prefecture"]["code"]: p["received"] for p in later["by_prefecture"]}
        assert by_prefecture == {"520100": 1, "520300": 2}
        types = {t["pollution_type"]: t["received"] for t in later["by_pollution_type"]}
        assert (types["水"], types["大气"], types["噪声"]) == (2, 1, 1)
        before = client.get("/api/v1/complaints/stats?as_of=2025-06-01").json()
        assert before["counts"]["received"] == 0
        batches = client.get("/api/v1/complaint-batches?as_of=2025-06-15").json()
        assert batches[0]["on_record"] == 3 and batches[0]["counts"]["closed"] == 1
    assert Complaint.objects.filter(state="closed").count() == 1


def test_the_list_filters_and_pages_like_the_page(login, client, office_clerk):
    from tests.complaints.ui_support import assign, intake, make_batch

    with at(date(2025, 6, 20)):
        batch = make_batch(office_clerk)
        for n in range(1, 6):
            c = intake(batch, office_clerk, n, kinds=("水",) if n % 2 else ("大气",))
            if n <= 2:
                assign(c, office_clerk, date(2025, 6, 3), deadline=date(2025, 6, 5))
        login(office_clerk)
        page = client.get("/api/v1/complaints?limit=2&offset=2").json()
        assert page["count"] == 5 and [i["acceptance_no"][-1] for i in page["items"]] == ["3", "4"]
        water = client.get("/api/v1/complaints?pollution_type=水").json()
        assert water["count"] == 3
        late = client.get("/api/v1/complaints?overdue=true").json()
        assert [i["acceptance_no"][-1] for i in late["items"]] == ["1", "2"]
        assert all(i["overdue"] and i["deadline"] == "2025-06-05" for i in late["items"])
        waiting = client.get("/api/v1/complaints?state=received").json()
        assert waiting["counts"]["received"] == 3
        unknown = client.get("/api/v1/complaints?region=123&pollution_type=光")
        assert unknown.status_code == 422
        assert {e["field"] for e in unknown.json()["errors"]} == {"region", "pollution_type"}
        orphan = client.get("/api/v1/complaints?batch=1")
        assert orphan.json()["errors"][0]["field"] == "batch"
