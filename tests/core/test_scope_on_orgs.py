"""Scope proven on the org directory for every role, through the UI and the API."""

import pytest

from rectify.orgs.queries import visible_orgs


def codes(user):
    return set(visible_orgs(user).values_list("code", flat=True))


def test_office_and_leader_see_every_org(office_clerk, leader):
    assert "520100" in codes(office_clerk) and "520300" in codes(office_clerk)
    assert codes(leader) == codes(office_clerk)


def test_prefecture_unit_sees_its_subtree_only(zunyi_clerk):
    seen = codes(zunyi_clerk)
    assert "520300" in seen and "520304" in seen
    assert "520100" not in seen and "520000" not in seen


def test_county_unit_sees_only_itself(bozhou_clerk):
    assert codes(bozhou_clerk) == {"520304"}


def test_department_sees_its_department(dept_clerk):
    assert codes(dept_clerk) == {"520000-STHJT"}


def test_reviewer_scope_is_its_prefecture(zunyi_reviewer):
    assert "520304" in codes(zunyi_reviewer) and "520100" not in codes(zunyi_reviewer)


def test_team_member_sees_granted_prefecture_not_home_department(team_member):
    seen = codes(team_member)
    assert "520300" in seen and "520304" in seen
    assert "520000-STHJT" not in seen and "520100" not in seen


def test_sysadmin_and_auditor_see_no_business_data(sysadmin, auditor):
    assert codes(sysadmin) == set() and codes(auditor) == set()


def test_inactive_user_sees_nothing(zunyi_clerk):
    zunyi_clerk.is_active = False
    assert codes(zunyi_clerk) == set()


@pytest.mark.parametrize("url", ["/orgs/520100/", "/api/v1/orgs/520100"])
def test_zunyi_user_gets_404_for_guiyang_through_ui_and_api(login, zunyi_clerk, client, url):
    login(zunyi_clerk)
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/orgs/520300/", "/api/v1/orgs/520300"])
def test_zunyi_user_reaches_its_own_org(login, zunyi_clerk, client, url):
    login(zunyi_clerk)
    assert client.get(url).status_code == 200


def test_missing_and_foreign_orgs_answer_alike(login, zunyi_clerk, client):
    login(zunyi_clerk)
    foreign = client.get("/api/v1/orgs/520100")
    missing = client.get("/api/v1/orgs/999999")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_org_list_api_is_scoped(login, zunyi_clerk, client):
    login(zunyi_clerk)
    body = client.get("/api/v1/orgs?limit=200").json()
    got = {item["code"] for item in body["items"]}
    assert got == codes(zunyi_clerk) and body["count"] == len(got)


def test_sysadmin_cannot_open_the_org_directory(login, sysadmin, client):
    login(sysadmin)
    assert client.get("/orgs/520000/").status_code == 404
    assert client.get("/api/v1/orgs").json()["count"] == 0
