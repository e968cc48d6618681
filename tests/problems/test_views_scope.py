"""Every role × ledger page × problem inside / outside its scope → the expected answer.

The 遵义 problem lies in 遵义市 and is led by 遵义市; the 贵阳 problem lies in and is led by
贵阳市. Out of scope is 404 (never 403 with details); in scope but not allowed is 403.
"""

from datetime import date

import pytest
from django.test import Client

from rectify.orgs.models import Org
from rectify.problems.testing import ProblemFactory

ZUNYI_TITLE = "遵义市中心城区污水直排问题"
GUIYANG_TITLE = "贵阳市城市生活垃圾填埋场渗滤液超标"

ROLES = [
    "office_clerk",
    "leader",
    "zunyi_clerk",
    "bozhou_clerk",
    "guiyang_outsider",
    "dept_clerk",
    "zunyi_reviewer",
    "team_member",
    "sysadmin",
    "auditor",
]

# role: (detail of the 遵义 problem, detail of the 贵阳 problem, edit of the 遵义 problem)
EXPECTED = {
    "office_clerk": (200, 200, 200),
    "leader": (200, 200, 403),
    "zunyi_clerk": (200, 404, 403),
    "bozhou_clerk": (404, 404, 404),  # 播州区 sees only its own county
    "guiyang_outsider": (404, 200, 404),
    "dept_clerk": (404, 404, 404),
    "zunyi_reviewer": (200, 404, 403),
    "team_member": (200, 404, 403),  # granted 遵义市
    "sysadmin": (404, 404, 404),  # no business data
    "auditor": (404, 404, 404),
}


@pytest.fixture
def problems(orgs):
    guiyang = Org.objects.get(code="520100")
    return {
        "zunyi": ProblemFactory(number="1", title=ZUNYI_TITLE),
        "guiyang": ProblemFactory(
            number="2", title=GUIYANG_TITLE, region=guiyang, lead_unit=guiyang
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_detail_and_edit_answer_by_scope(role, request, problems, login):
    c = login(request.getfixturevalue(role))
    zunyi, guiyang, edit = EXPECTED[role]
    assert c.get(f"/ledger/{problems['zunyi'].pk}/").status_code == zunyi
    assert c.get(f"/ledger/{problems['guiyang'].pk}/").status_code == guiyang
    assert c.get(f"/ledger/{problems['zunyi'].pk}/edit/").status_code == edit


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_problems_in_scope(role, request, problems, login):
    c = login(request.getfixturevalue(role))
    zunyi, guiyang, _ = EXPECTED[role]
    response = c.get("/ledger/", {"as_of": "2020-01-01"})
    if role in ("sysadmin", "auditor"):
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert (ZUNYI_TITLE in body) == (zunyi == 200)
    assert (GUIYANG_TITLE in body) == (guiyang == 200)


def test_a_missing_problem_answers_404_like_one_out_of_scope(problems, zunyi_clerk, login):
    c = login(zunyi_clerk)
    assert c.get("/ledger/999999/").status_code == 404
    assert c.get(f"/ledger/{problems['guiyang'].pk}/").status_code == 404


def test_cooperating_unit_sees_the_problem(problems, guiyang_outsider, login):
    problems["zunyi"].cooperating_units.add(Org.objects.get(code="520100"))
    c = login(guiyang_outsider)
    assert c.get(f"/ledger/{problems['zunyi'].pk}/").status_code == 200
    assert ZUNYI_TITLE in c.get("/ledger/", {"as_of": "2020-01-01"}).content.decode()


@pytest.mark.parametrize("role", ["zunyi_clerk", "leader", "team_member", "guiyang_outsider"])
def test_only_the_office_may_open_the_create_forms(role, request, login):
    c = login(request.getfixturevalue(role))
    assert c.get("/ledger/new/").status_code == 403
    assert c.get("/ledger/inspections/new/").status_code == 403


def test_sysadmin_and_auditor_do_not_reach_the_create_forms(sysadmin, auditor, login):
    assert login(sysadmin).get("/ledger/new/").status_code == 404
    assert login(auditor, Client()).get("/ledger/inspections/").status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(problems, client):
    for url in ["/ledger/", f"/ledger/{problems['zunyi'].pk}/", "/ledger/inspections/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_inspection_counts_cover_only_the_scope(problems, zunyi_clerk, office_clerk, login):
    c = login(zunyi_clerk)
    rows = c.get("/ledger/inspections/", {"as_of": date(2020, 1, 1).isoformat()}).context["rows"]
    assert [r["total"] for r in rows] == [1]
    rows = login(office_clerk, Client()).get("/ledger/inspections/").context["rows"]
    assert [r["total"] for r in rows] == [2]
