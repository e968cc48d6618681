"""A secret visit's finding filed as a ledger problem: in the ledger with source 暗访,
counted by the as-of figures from the visit's date and not before, linked to the finding."""

from datetime import date

from rectify.core.models import AuditEvent
from rectify.oversight.models import Finding
from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems
from rectify.problems.states import Source, Status
from tests.oversight.conftest import post


def test_a_finding_filed_through_the_api_appears_in_the_ledger_from_the_visit_date(
    login, client, office_clerk, guiyang_outsider, zunyi_clerk, inspection
):
    login(office_clerk)
    visit = post(
        client,
        "/api/v1/oversight/actions",
        {
            "inspection": inspection.code,
            "kind": "secret_visit",
            "date": "2020-06-09",
            "title": "南明河流域入河排污口暗访暗查",
            "target_orgs": ["520100"],
        },
    )
    assert visit.status_code == 201, visit.content
    finding = post(
        client,
        f"/api/v1/oversight/actions/{visit.json()['id']}/findings",
        {"text": "南明区某片区生活污水经雨水排口直排南明河支流", "org": "520100"},
    )
    assert finding.status_code == 201, finding.content
    converted = post(
        client,
        f"/api/v1/oversight/findings/{finding.json()['id']}/convert",
        {"number": "暗访-1", "region": "520102", "original_deadline": "2020-12-31"},
    )
    assert converted.status_code == 201, converted.content
    body = converted.json()
    assert body["created_problem"] is True and body["problem"]["number"] == "暗访-1"

    problem = Problem.objects.get(inspection=inspection, number="暗访-1")
    assert problem.source == Source.SECRET_VISIT
    assert problem.start_date == date(2020, 6, 9)
    assert problem.lead_unit.code == "520100" and problem.region.code == "520102"
    assert problem.title == "南明区某片区生活污水经雨水排口直排南明河支流"
    assert Finding.objects.get(pk=finding.json()["id"]).problem == problem
    assert AuditEvent.objects.filter(action="problems.create_problem", object_id=str(problem.pk))

    ledger = Problem.objects.filter(inspection=inspection)
    assert asof.status_counts(ledger, date(2020, 6, 8))[Status.NOT_STARTED] == 0
    assert asof.status_counts(ledger, date(2020, 6, 9))[Status.NOT_STARTED] == 1
    assert problem in visible_problems(guiyang_outsider)
    assert problem not in visible_problems(zunyi_clerk)

    # The ledger API lists it with its source for the unit that leads it.
    client.logout()
    login(guiyang_outsider)
    detail = client.get(f"/api/v1/problems/{problem.pk}")
    assert detail.status_code == 200 and detail.json()["source"] == "secret_visit"


def test_a_finding_is_filed_only_once_and_only_from_a_secret_visit(
    login, client, office_clerk, inspection, zunyi_problem
):
    login(office_clerk)
    action = post(
        client,
        "/api/v1/oversight/actions",
        {
            "inspection": inspection.code,
            "kind": "spot_check",
            "check_kind": "random",
            "date": "2020-04-22",
            "title": "随机抽查遵义市管网建设",
            "target_orgs": ["520300"],
        },
    ).json()
    no_problem = post(
        client,
        f"/api/v1/oversight/actions/{action['id']}/findings",
        {"text": "管网建成3公里", "verdict": "partly"},
    )
    assert no_problem.status_code == 422
    assert no_problem.json()["errors"][0]["field"] == "problem"
    checked = post(
        client,
        f"/api/v1/oversight/actions/{action['id']}/findings",
        {"text": "管网建成3公里，台账数据属实", "verdict": "partly", "problem": zunyi_problem.pk},
    )
    assert checked.status_code == 201
    assert checked.json()["problem"]["number"] == zunyi_problem.number
    refused = post(
        client,
        f"/api/v1/oversight/findings/{checked.json()['id']}/convert",
        {"number": "X-1", "original_deadline": "2020-12-31"},
    )
    assert refused.status_code == 422
    assert Problem.objects.filter(number="X-1").count() == 0
    detail = client.get(f"/api/v1/oversight/actions/{action['id']}").json()
    assert [p["number"] for p in detail["problems"]] == [zunyi_problem.number]
