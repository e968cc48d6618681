"""Who sees which oversight records through the API: every role × endpoint × inside or
outside its scope; names of officials only for the office and leaders."""

from datetime import date

import pytest

from rectify.oversight import actions
from tests.oversight.conftest import add_person, make_action, make_case, org, post


@pytest.fixture
def world(office_clerk, inspection, zunyi_problem, guiyang_problem):
    zunyi_case = make_case(office_clerk, inspection, "1", problems=[zunyi_problem])
    add_person(office_clerk, zunyi_case, "王某某", post="副市长")
    guiyang_case = make_case(office_clerk, inspection, "2")
    add_person(office_clerk, guiyang_case, "孙某", unit_name="贵阳市生态环境局", org=org("520100"))
    zunyi_action = make_action(office_clerk, inspection)
    guiyang_action = make_action(
        office_clerk, inspection, title="关于南明河溢流的督办函", target_orgs=[org("520100")]
    )
    team = actions.check_create_team(
        actor=office_clerk,
        data={
            "name": "第三督战队",
            "leader_name": "陈某某",
            "period_start": date(2020, 4, 1),
            "assigned_orgs": [org("520300")],
        },
    )
    guiyang_team = actions.check_create_team(
        actor=office_clerk,
        data={
            "name": "第一督战队",
            "leader_name": "张某某",
            "period_start": date(2020, 4, 1),
            "assigned_orgs": [org("520100")],
        },
    )
    letter = actions.check_create_letter(
        actor=office_clerk,
        data={"year": 2020, "org": org("520300"), "title": "2020年度目标责任书"},
    )
    guiyang_letter = actions.check_create_letter(
        actor=office_clerk,
        data={"year": 2020, "org": org("520100"), "title": "2020年度目标责任书"},
    )
    return {
        "in": {
            "case": f"/api/v1/oversight/cases/{zunyi_case.pk}",
            "action": f"/api/v1/oversight/actions/{zunyi_action.pk}",
            "team": f"/api/v1/oversight/teams/{team.pk}",
        },
        "out": {
            "case": f"/api/v1/oversight/cases/{guiyang_case.pk}",
            "action": f"/api/v1/oversight/actions/{guiyang_action.pk}",
            "team": f"/api/v1/oversight/teams/{guiyang_team.pk}",
        },
        "letters": (letter.pk, guiyang_letter.pk),
    }


# role → expected status for (inside 遵义市, outside it)
MATRIX = {
    "office_clerk": (200, 200),
    "leader": (200, 200),
    "zunyi_clerk": (200, 404),
    "bozhou_clerk": (404, 404),
    "zunyi_reviewer": (200, 404),
    "team_member": (200, 404),
    "guiyang_outsider": (404, 200),
    "sysadmin": (403, 403),
    "auditor": (403, 403),
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("record", ["case", "action", "team"])
def test_each_role_reads_the_records_of_its_scope_only(login, client, role, record, world, request):
    login(request.getfixturevalue(role))
    inside, outside = MATRIX[role]
    assert client.get(world["in"][record]).status_code == inside
    assert client.get(world["out"][record]).status_code == outside


@pytest.mark.parametrize("role", list(MATRIX))
def test_lists_hold_only_the_records_in_scope(login, client, role, world, request):
    login(request.getfixturevalue(role))
    inside, outside = MATRIX[role]
    for name, url in (
        ("case", "/api/v1/oversight/cases"),
        ("action", "/api/v1/oversight/actions"),
        ("team", "/api/v1/oversight/teams"),
    ):
        response = client.get(url)
        if inside == 403:
            assert response.status_code == 403
            continue
        ids = {row["id"] for row in response.json()}
        assert (int(world["in"][name].rsplit("/", 1)[1]) in ids) == (inside == 200)
        assert (int(world["out"][name].rsplit("/", 1)[1]) in ids) == (outside == 200)
    letters = client.get("/api/v1/oversight/letters")
    if inside != 403:
        ids = {row["id"] for row in letters.json()}
        assert (world["letters"][0] in ids) == (inside == 200)


@pytest.mark.parametrize(
    ("role", "names"),
    [("office_clerk", True), ("leader", True), ("zunyi_clerk", False), ("team_member", False)],
)
def test_names_and_posts_are_sent_only_to_roles_that_may_see_them(
    login, client, role, names, world, request
):
    login(request.getfixturevalue(role))
    response = client.get(world["in"]["case"])
    person = response.json()["held_persons"][0]
    if names:
        assert (person["name"], person["post"]) == ("王某某", "副市长")
    else:
        assert person["name"] is None and person["post"] is None
        assert "王某某" not in response.content.decode()
        assert "副市长" not in response.content.decode()
    assert person["rank"] == "处级" and person["sanction"] == "诫勉谈话"


@pytest.mark.parametrize("role", ["leader", "zunyi_clerk", "team_member"])
def test_only_the_office_writes(login, client, role, world, inspection, request):
    login(request.getfixturevalue(role))
    case = post(
        client,
        "/api/v1/oversight/cases",
        {
            "inspection": inspection.code,
            "number": "9",
            "title": "x",
            "source": "transferred",
            "received_date": "2019-05-20",
        },
    )
    assert case.status_code == 403
    meeting = post(
        client,
        "/api/v1/oversight/meetings",
        {"date": "2019-06-03", "kind": "专题会", "topic": "整改推进会"},
    )
    assert meeting.status_code == 403


def test_figures_are_for_province_wide_roles_and_public_cases_show_no_names(
    login, client, office_clerk, zunyi_clerk, world
):
    from rectify.oversight.models import AccountabilityCase

    AccountabilityCase.objects.filter(number="1").update(published=True)
    public = client.get("/api/v1/oversight/public/cases")
    assert public.status_code == 200
    body = public.json()
    assert [c["number"] for c in body] == ["1"] and body[0]["persons"] == 1
    assert "王某某" not in public.content.decode()
    login(office_clerk)
    response = client.get(
        "/api/v1/oversight/figures", {"inspection": "central-2018-lookback", "as_of": "2020-08-31"}
    )
    assert response.status_code == 200
    assert response.json()["disclosure"]["accountability"]["persons"] == 2
    unknown = client.get("/api/v1/oversight/figures", {"inspection": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "inspection"
    client.logout()
    login(zunyi_clerk)
    refused = client.get("/api/v1/oversight/figures", {"inspection": "central-2018-lookback"})
    assert refused.status_code == 403
