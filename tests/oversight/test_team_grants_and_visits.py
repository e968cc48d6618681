"""Battle teams: assigning units grants their member accounts read scope in the same
action (and taking them away removes it, leaving other grants alone); members record
visits for their own team only; a team's page shows its problems' warnings."""

import io
from datetime import date

import pytest
from PIL import Image

from rectify.accounts.models import ScopeGrant
from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.oversight import actions
from rectify.oversight.models import Document, TeamVisit
from rectify.problems.queries import visible_problems
from rectify.problems.testing import add_event
from tests.oversight.conftest import org, patch, post


@pytest.fixture
def newcomer(orgs):
    return make_user("newcomer", Role.TEAM, "520000-STHJT")


def grants(user) -> dict[str, str]:
    return dict(ScopeGrant.objects.filter(user=user).values_list("org__code", "reason"))


def test_forming_and_changing_a_team_keeps_the_members_grants_in_step(
    login, client, office_clerk, newcomer, team_member, zunyi_problem, guiyang_problem
):
    assert visible_problems(newcomer).count() == 0
    login(office_clerk)
    created = post(
        client,
        "/api/v1/oversight/teams",
        {
            "name": "第一督战队",
            "leader_name": "张某某",
            "leader_post": "省生态环境厅副厅长",
            "members": ["newcomer"],
            "assigned_orgs": ["520100"],
            "period_start": "2020-04-01",
        },
    )
    assert created.status_code == 201, created.content
    team = created.json()
    assert grants(newcomer) == {"520100": "battle team 第一督战队"}
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # a fresh scope cache
    assert list(visible_problems(newcomer)) == [guiyang_problem]

    url = f"/api/v1/oversight/teams/{team['id']}"
    moved = patch(
        client,
        url,
        {"assigned_orgs": ["520300"], "members": ["newcomer", "team_member"], "version": 1},
    )
    assert moved.status_code == 200, moved.content
    assert grants(newcomer) == {"520300": "battle team 第一督战队"}
    # team_member's own grant on 520300 (given by hand) is kept as it was.
    assert grants(team_member) == {"520300": ""}

    renamed = patch(client, url, {"name": "第一督战队（遵义）", "members": [], "version": 2})
    assert renamed.status_code == 200
    assert grants(newcomer) == {}
    assert grants(team_member) == {"520300": ""}


def test_only_team_accounts_can_be_members(login, client, office_clerk, zunyi_clerk):
    login(office_clerk)
    response = post(
        client,
        "/api/v1/oversight/teams",
        {
            "name": "第二督战队",
            "leader_name": "王某某",
            "members": ["zunyi_clerk"],
            "period_start": "2020-04-01",
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "members"
    assert not ScopeGrant.objects.filter(user=zunyi_clerk).exists()


@pytest.fixture
def team(office_clerk, team_member, zunyi_problem):
    team = actions.check_create_team(
        actor=office_clerk,
        data={
            "name": "第三督战队",
            "leader_name": "陈某某",
            "period_start": date(2020, 4, 1),
            "members": [team_member],
            "assigned_orgs": [org("520300")],
        },
    )
    actions.check_list_problem(
        team, actor=office_clerk, problem=zunyi_problem, listed_on=date(2020, 4, 10)
    )
    return team


def photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (70, 120, 90)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "现场.jpg"
    return buffer


def test_a_member_records_a_visit_with_a_photo_on_the_team_page(
    login, client, team_member, team, zunyi_problem, media
):
    login(team_member)
    response = client.post(
        f"/oversight/teams/{team.pk}/visits/",
        {
            "date": "2020-06-18",
            "org": str(org("520304").pk),
            "problem": str(zunyi_problem.pk),
            "findings": "管网改造完成60%，两个排口雨天溢流。",
            "file": photo(),
            "caption": "排口现场",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    visit = TeamVisit.objects.get()
    assert (visit.member, visit.org.code, visit.problem) == (team_member, "520304", zunyi_problem)
    document = Document.objects.get(visit=visit)
    page = client.get(f"/oversight/teams/{team.pk}/").content.decode()
    assert "管网改造完成60%" in page and f"/oversight/documents/{document.pk}/" in page
    download = client.get(f"/oversight/documents/{document.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_visits_outside_the_team_or_by_others_are_refused(
    login, client, team_member, zunyi_clerk, team, guiyang_problem
):
    login(team_member)
    outside = post(
        client,
        f"/api/v1/oversight/teams/{team.pk}/visits",
        {"date": "2020-06-18", "org": "520100", "findings": "越界"},
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "org"
    early = post(
        client,
        f"/api/v1/oversight/teams/{team.pk}/visits",
        {"date": "2020-03-01", "org": "520300", "findings": "早于督战期"},
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "date"
    client.logout()
    login(zunyi_clerk)
    not_member = post(
        client,
        f"/api/v1/oversight/teams/{team.pk}/visits",
        {"date": "2020-06-18", "org": "520300", "findings": "非队员"},
    )
    assert not_member.status_code == 403
    assert TeamVisit.objects.count() == 0


def test_the_team_page_shows_its_problems_warning_colours_as_of_a_date(
    login, client, team_member, team, zunyi_problem
):
    add_event(zunyi_problem, "progress", date(2020, 5, 1), percent=5)
    login(team_member)
    api = client.get(f"/api/v1/oversight/teams/{team.pk}", {"as_of": "2020-08-31"}).json()
    row = api["problems"][0]
    assert row["problem"]["number"] == zunyi_problem.number
    assert (row["status"], row["colour"]) == ("behind_schedule", "yellow")
    before = client.get(f"/api/v1/oversight/teams/{team.pk}", {"as_of": "2020-04-05"}).json()
    assert before["problems"] == []
    html = client.get(f"/oversight/teams/{team.pk}/?as_of=2020-08-31").content.decode()
    assert "dot-yellow" in html and "st-behind_schedule" in html
