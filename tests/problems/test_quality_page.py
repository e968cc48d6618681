"""The data-quality page: findings grouped by check, within the caller's scope."""

import pytest

from rectify.orgs.models import Org
from rectify.problems.models import Problem
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from tests.problems.test_quality_checks import D, clean, dirty  # noqa: F401 (fixtures)

URL = "/ledger/watch/quality/"
PARAMS = {"as_of": "2020-06-15", "period_start": "2020-06-01"}


@pytest.fixture
def guiyang_finding(orgs, request):
    request.getfixturevalue("dirty")
    guiyang = Org.objects.get(code="520100")
    g = ProblemFactory(
        number="g1", region=guiyang, lead_unit=guiyang, title="贵阳市观山湖区违规填湖问题"
    )
    add_event(g, EventKind.PROGRESS, D(2020, 6, 5), percent=100)
    return g


def by_check(response) -> dict[str, list[str]]:
    return {
        g["check"].code: sorted(f.problem.number for f in g["findings"])
        for g in response.context["groups"]
    }


@pytest.mark.usefixtures("guiyang_finding")
@pytest.mark.parametrize("who", ["office_clerk", "leader"])
def test_office_and_leader_see_every_finding_grouped_by_check(who, request, login):
    response = login(request.getfixturevalue(who)).get(URL, PARAMS)
    assert response.status_code == 200
    assert response.context["total"] == 12
    assert by_check(response) == {
        "done_not_applied": ["d1", "g1"],
        "no_report": ["d2"],
        "dates_out_of_order": ["d3", "d4", "d5", "d6", "d7", "d8", "d9"],
        "no_evidence": ["d10"],
        "milestone_after_deadline": ["d11"],
    }


@pytest.mark.usefixtures("guiyang_finding")
def test_a_unit_sees_only_its_scope(zunyi_clerk, guiyang_outsider, login, client):
    response = login(zunyi_clerk).get(URL, PARAMS)
    assert response.context["total"] == 11
    assert "g1" not in by_check(response)["done_not_applied"]
    assert "贵阳市观山湖区" not in response.content.decode()
    client.logout()
    response = login(guiyang_outsider).get(URL, PARAMS)
    assert response.context["total"] == 1
    assert by_check(response)["done_not_applied"] == ["g1"]


@pytest.mark.usefixtures("clean")
def test_a_clean_ledger_says_so(office_clerk, login):
    response = login(office_clerk).get(URL, PARAMS)
    assert response.context["total"] == 0
    assert 'class="quality-total quality-ok"' in response.content.decode()


@pytest.mark.usefixtures("dirty")
def test_findings_link_to_their_problems(office_clerk, login):
    html = login(office_clerk).get(URL, PARAMS).content.decode()
    d11 = Problem.objects.get(number="d11")
    assert f'href="/ledger/{d11.pk}/"' in html


@pytest.mark.usefixtures("dirty")
def test_the_period_start_defaults_to_the_first_of_the_month(office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": "2020-06-15"})
    assert response.context["period_start"] == D(2020, 6, 1)
    response = login(office_clerk).get(URL, {"as_of": "2020-06-15", "period_start": "2020-07-01"})
    assert "period_start" in response.context["form"].errors


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_get_404(orgs, who, request, login):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 404
