"""/api/v1/inspections: the list in scope, one with counts as of a date, filing (office)."""

from datetime import date

import pytest

from rectify.accounts.roles import ROLE_CAPS, Cap, Role
from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.models import Aspect, Inspection
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event

URL = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def office_edits_the_ledger(monkeypatch):
    # roles.py does not grant the office its ledger capabilities yet (a change asked of the
    # lead); once it does, this is a no-op.
    caps = ROLE_CAPS[Role.OFFICE] | {Cap.EDIT_LEDGER}
    monkeypatch.setitem(ROLE_CAPS, Role.OFFICE, frozenset(caps))


@pytest.fixture
def inspections(orgs):
    """The 2018 look-back (遵义 ×3, 贵阳 ×1) and a provincial follow-up with a 贵阳 problem."""
    lookback = InspectionFactory()
    Aspect.objects.create(inspection=lookback, number=1, name="思想认识和工作推进方面")
    followup = InspectionFactory(
        code="provincial-2019-guiyang",
        name="省委第一生态环境保护督察组对贵阳市督察",
        level="provincial",
        kind="routine",
        target_region=Org.objects.get(code="520100"),
        feedback_date=date(2019, 9, 20),
        parent=lookback,
    )
    done = ProblemFactory(inspection=lookback, number="1")
    add_event(done, EventKind.ACCEPTED, date(2019, 11, 1))
    ahead = ProblemFactory(inspection=lookback, number="2")
    add_event(ahead, EventKind.PROGRESS, date(2019, 12, 1), percent=90)
    ProblemFactory(inspection=lookback, number="3")
    guiyang = Org.objects.get(code="520100")
    ProblemFactory(inspection=lookback, number="4", region=guiyang, lead_unit=guiyang)
    ProblemFactory(
        inspection=followup,
        number="1",
        region=guiyang,
        lead_unit=guiyang,
        start_date=followup.feedback_date,
    )
    return lookback, followup


def test_office_lists_every_inspection_with_parent_and_dates(
    inspections, login, client, office_clerk
):
    login(office_clerk)
    body = client.get(URL).json()
    assert [i["code"] for i in body] == ["provincial-2019-guiyang", "central-2018-lookback"]
    followup = body[0]
    assert followup["parent"] == "central-2018-lookback"
    assert followup["feedback_date"] == "2019-09-20" and followup["level"] == "provincial"
    assert followup["target_region"] == {"code": "520100", "name": "贵阳市"}
    assert body[1]["onsite_start"] == "2018-11-04" and body[1]["parent"] is None


def test_a_unit_lists_inspections_with_its_problems(inspections, login, client, zunyi_clerk):
    login(zunyi_clerk)
    assert [i["code"] for i in client.get(URL).json()] == ["central-2018-lookback"]


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_separated_duties_see_no_inspection(inspections, login, client, request, role):
    login(request.getfixturevalue(role))
    assert client.get(URL).json() == []


def test_detail_counts_by_status_as_of_a_date(inspections, login, client, office_clerk):
    login(office_clerk)
    body = client.get(f"{URL}/central-2018-lookback", {"as_of": "2019-12-15"}).json()
    assert body["total"] == 4 and body["as_of"] == "2019-12-15"
    assert body["status_counts"]["completed"] == 1
    assert body["status_counts"]["ahead_of_schedule"] == 1
    assert body["status_counts"]["not_started"] == 2
    assert body["completed_total"] == 1 and body["on_schedule_total"] == 1
    assert body["aspects"] == [{"number": 1, "name": "思想认识和工作推进方面"}]
    assert body["followups"] == ["provincial-2019-guiyang"]
    earlier = client.get(f"{URL}/central-2018-lookback", {"as_of": "2019-10-01"}).json()
    assert earlier["completed_total"] == 0 and earlier["status_counts"]["not_started"] == 4


def test_a_unit_counts_only_its_problems_and_misses_others_inspections(
    inspections, login, client, zunyi_clerk
):
    login(zunyi_clerk)
    body = client.get(f"{URL}/central-2018-lookback", {"as_of": "2019-12-15"}).json()
    assert body["total"] == 3 and body["followups"] == []
    response = client.get(f"{URL}/provincial-2019-guiyang")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def new_inspection(**overrides):
    data = {
        "code": "central-2021-round2",
        "name": "第二轮第六批中央生态环境保护督察",
        "level": "central",
        "kind": "routine",
        "target_region": "520000",
        "team": "中央第六生态环境保护督察组",
        "onsite_start": "2021-04-06",
        "onsite_end": "2021-05-06",
        "feedback_date": "2021-07-15",
    }
    return data | overrides


def test_office_registers_an_inspection(inspections, login, client, office_clerk):
    login(office_clerk)
    response = client.post(
        URL, new_inspection(parent="central-2018-lookback"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = Inspection.objects.get(code="central-2021-round2")
    assert created.parent.code == "central-2018-lookback" and created.target_region.code == "520000"
    assert response.json()["onsite_end"] == "2021-05-06"
    assert AuditEvent.objects.filter(action="problems.create_inspection").count() == 1


def test_a_unit_cannot_register_an_inspection(inspections, login, client, zunyi_clerk):
    login(zunyi_clerk)
    response = client.post(URL, new_inspection(), content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Inspection.objects.filter(code="central-2021-round2").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"target_region": "529999"}, "target_region"),
        ({"parent": "central-1999"}, "parent"),
        ({"code": "central-2018-lookback"}, "code"),
        ({"onsite_end": "2021-03-01"}, "__all__"),  # before the start
        ({"level": "county"}, "level"),
        ({"code": "含中文 空格"}, "code"),
    ],
)
def test_bad_inspections_are_422_naming_the_field(
    inspections, login, client, office_clerk, overrides, field
):
    login(office_clerk)
    count = Inspection.objects.count()
    response = client.post(URL, new_inspection(**overrides), content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in {e["field"].split(".")[-1] for e in response.json()["errors"]}
    assert Inspection.objects.count() == count
