"""GET /api/v1/problems/{id}: everything about one problem, its status as of a date, ETag."""

from datetime import date

import pytest

from rectify.orgs.models import Org
from rectify.problems.models import ExtensionRequest, Measure
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event, add_milestone


@pytest.fixture
def problem(orgs, zunyi_clerk):
    p = ProblemFactory(number="7", title="赤水河流域酿酒企业废水超标排放", version=4)
    p.cooperating_units.set(Org.objects.filter(code__in=["520381", "520000-STHJT"]))
    Measure.objects.create(
        problem=p,
        seq=1,
        text="关停取缔无证酿酒小作坊",
        responsible_unit=Org.objects.get(code="520381"),
        due_date=date(2019, 12, 31),
        done=True,
        done_date=date(2019, 11, 20),
    )
    add_milestone(p, date(2020, 1, 1), 50)
    add_event(p, EventKind.PROGRESS, date(2019, 12, 1), percent=20, note="已关停12家")
    add_event(p, EventKind.PROGRESS, date(2020, 1, 10), percent=60, note="污水处理设施完工")
    ExtensionRequest.objects.create(
        problem=p,
        requested_by=zunyi_clerk,
        reason="配套管网施工受汛期影响",
        current_deadline=date(2020, 12, 31),
        new_deadline=date(2021, 6, 30),
    )
    return p


def test_detail_carries_measures_milestones_units_events_and_extensions(
    problem, login, office_clerk, client
):
    login(office_clerk)
    response = client.get(f"/api/v1/problems/{problem.pk}", {"as_of": "2019-12-15"})
    assert response.status_code == 200 and response["ETag"] == '"4"'
    body = response.json()
    assert body["version"] == 4 and body["number"] == "7"
    assert body["inspection"] == "central-2018-lookback"
    assert [u["code"] for u in body["cooperating_units"]] == ["520000-STHJT", "520381"]
    assert body["measures"] == [
        {
            "seq": 1,
            "text": "关停取缔无证酿酒小作坊",
            "responsible_unit": {"code": "520381", "name": "赤水市"},
            "due_date": "2019-12-31",
            "done": True,
            "done_date": "2019-11-20",
        }
    ]
    assert body["milestones"] == [{"date": "2020-01-01", "percent": 50, "note": ""}]
    assert [(e["effective_date"], e["kind"], e["percent"], e["note"]) for e in body["events"]] == [
        ("2019-12-01", "progress", 20, "已关停12家"),
        ("2020-01-10", "progress", 60, "污水处理设施完工"),
    ]
    assert all(e["recorded_at"] for e in body["events"])
    (extension,) = body["extensions"]
    assert extension["status"] == "pending" and extension["new_deadline"] == "2021-06-30"
    assert extension["requested_by"] == problem.extensions.get().requested_by.display_name
    # As of 2019-12-15 the 20 % report is behind the plan (≈ 46 %).
    assert body["state"]["as_of"] == "2019-12-15"
    assert body["state"]["status"] == "behind_schedule" and body["state"]["colour"] == "yellow"
    assert body["state"]["percent"] == 20 and 40 < body["state"]["planned_percent"] < 50
    assert body["state"]["deadline"] == "2020-12-31"


def test_state_follows_as_of(problem, login, office_clerk, client):
    login(office_clerk)
    later = client.get(f"/api/v1/problems/{problem.pk}", {"as_of": "2020-01-15"}).json()
    assert later["state"]["percent"] == 60 and later["state"]["status"] == "on_schedule"
    before = client.get(f"/api/v1/problems/{problem.pk}", {"as_of": "2019-01-01"}).json()
    assert before["state"] is None  # not yet on the ledger


def test_units_in_scope_see_the_problem(problem, login, client, zunyi_clerk):
    login(zunyi_clerk)
    assert client.get(f"/api/v1/problems/{problem.pk}").status_code == 200


@pytest.mark.parametrize("role", ["guiyang_outsider", "bozhou_clerk", "sysadmin", "auditor"])
def test_out_of_scope_is_a_json_404(problem, login, client, request, role):
    login(request.getfixturevalue(role))
    response = client.get(f"/api/v1/problems/{problem.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    for missing_id in ("987654", "99999999999999999999999"):
        missing = client.get(f"/api/v1/problems/{missing_id}")
        assert missing.status_code == 404 and missing.json() == response.json()


def test_a_cooperating_department_sees_the_problem(problem, login, client, dept_clerk):
    login(dept_clerk)
    assert client.get(f"/api/v1/problems/{problem.pk}").status_code == 200
