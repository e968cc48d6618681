"""Every oversight page renders for the office, leaders, a unit and a team member, with the
content of their scope; names of officials reach only the office and leaders."""

from datetime import date

import pytest

from rectify.oversight import actions
from tests.oversight.conftest import (
    add_person,
    make_action,
    make_case,
    meeting_kind,
    org,
)


@pytest.fixture
def records(office_clerk, inspection, zunyi_problem, guiyang_problem, team_member):
    case = make_case(office_clerk, inspection, "移交1", problems=[zunyi_problem])
    actions.check_add_held_org(
        case, actor=office_clerk, data={"name": "中共遵义市红花岗区委", "org": org("520302")}
    )
    add_person(office_clerk, case, "王某某", post="副区长")
    visit = make_action(office_clerk, inspection, "secret_visit", title="赤水河流域暗访")
    actions.check_add_finding(
        visit, actor=office_clerk, data={"text": "某砂石厂废水直排赤水河", "org": org("520300")}
    )
    letter_action = make_action(office_clerk, inspection, problems=[zunyi_problem])
    actions.check_create_meeting(
        actor=office_clerk,
        data={
            "date": date(2019, 6, 3),
            "kind": meeting_kind("省委常委会会议"),
            "topic": "听取中央督察反馈问题整改情况汇报",
            "inspection": inspection,
        },
    )
    team = actions.check_create_team(
        actor=office_clerk,
        data={
            "name": "第三督战队",
            "inspection": inspection,
            "leader_name": "陈某某",
            "leader_post": "省生态环境厅副厅长",
            "period_start": date(2020, 3, 1),
            "members": [team_member],
            "assigned_orgs": [org("520300")],
        },
    )
    actions.check_list_problem(
        team, actor=office_clerk, problem=zunyi_problem, listed_on=date(2020, 3, 5)
    )
    letter = actions.check_create_letter(
        actor=office_clerk,
        data={
            "year": 2020,
            "org": org("520300"),
            "inspection": inspection,
            "title": "2020年度污染防治攻坚暨中央环保督察整改目标责任书",
            "signed_on": date(2020, 3, 2),
            "signatory": "遵义市人民政府市长",
            "targets": ["中心城区污水收集率达到70%"],
        },
    )
    return {
        "case": case,
        "visit": visit,
        "letter_action": letter_action,
        "team": team,
        "letter": letter,
    }


def pages(r) -> dict[str, str]:
    return {
        "home": "/oversight/?inspection=central-2018-lookback&as_of=2020-08-31",
        "cases": "/oversight/accountability/",
        "case": f"/oversight/accountability/{r['case'].pk}/",
        "actions": "/oversight/supervision/",
        "action": f"/oversight/supervision/{r['visit'].pk}/",
        "meetings": "/oversight/meetings/",
        "teams": "/oversight/teams/",
        "team": f"/oversight/teams/{r['team'].pk}/?as_of=2020-08-31",
        "letters": "/oversight/letters/?year=2020",
        "letter": f"/oversight/letters/{r['letter'].pk}/",
        "excel": "/oversight/excel/",
    }


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_office_sees_every_page_with_names_and_forms(login, client, office_clerk, records):
    login(office_clerk)
    html = {name: get(client, url) for name, url in pages(records).items()}
    assert "王某某" in html["case"] and "副区长" in html["case"]
    assert "中共遵义市红花岗区委" in html["case"]
    assert 'action="/oversight/accountability/' in html["case"]  # the add forms
    assert "某砂石厂废水直排赤水河" in html["action"]
    assert "/convert/" in html["action"]
    assert "听取中央督察反馈问题整改情况汇报" in html["meetings"]
    assert "遵义市湘江河段截污管网建设滞后" in html["team"]
    assert "中心城区污水收集率达到70%" in html["letter"]
    assert 'id="fig-accountability"' in html["home"]
    assert "贵阳市" in html["letters"]  # every prefecture is listed, signed or not
    for name in ("case_create", "action_create", "team_create", "letter_create"):
        url = {
            "case_create": "/oversight/accountability/new/",
            "action_create": "/oversight/supervision/new/",
            "team_create": "/oversight/teams/new/",
            "letter_create": "/oversight/letters/new/",
        }[name]
        get(client, url)
    get(client, f"/oversight/accountability/{records['case'].pk}/edit/")
    get(client, f"/oversight/supervision/{records['visit'].pk}/edit/")
    get(client, f"/oversight/teams/{records['team'].pk}/edit/")
    get(client, f"/oversight/letters/{records['letter'].pk}/edit/")
    finding = records["visit"].findings.get()
    get(client, f"/oversight/supervision/findings/{finding.pk}/convert/")


def test_a_leader_reads_everything_with_names_but_gets_no_forms(login, client, leader, records):
    login(leader)
    html = {name: get(client, url) for name, url in pages(records).items()}
    assert "王某某" in html["case"]
    assert "/persons/" not in html["case"].split('id="persons"')[1]
    assert 'id="fig-accountability"' in html["home"]
    get(client, "/oversight/accountability/new/", 403)


def test_a_unit_sees_its_records_without_names(login, client, zunyi_clerk, records):
    login(zunyi_clerk)
    html = {name: get(client, url) for name, url in pages(records).items()}
    assert "王某某" not in html["case"] and "副区长" not in html["case"]
    assert "党纪政务处分" in html["case"] or "诫勉谈话" in html["case"]
    assert 'id="fig-accountability"' not in html["home"]
    assert "赤水河流域暗访" in html["actions"]
    assert "遵义市" in html["letters"] and "贵阳市" not in html["letters"]
    get(client, "/oversight/supervision/new/", 403)


def test_a_unit_outside_gets_404_for_the_records_of_another_prefecture(
    login, client, guiyang_outsider, records
):
    login(guiyang_outsider)
    for name in ("case", "action", "team", "letter"):
        get(client, pages(records)[name], 404)
    assert "移交1" not in get(client, pages(records)["cases"])


def test_a_team_member_sees_its_team_and_may_record_a_visit(login, client, team_member, records):
    login(team_member)
    html = get(client, pages(records)["team"])
    assert "遵义市湘江河段截污管网建设滞后" in html
    assert f"/oversight/teams/{records['team'].pk}/visits/" in html
    assert "王某某" not in get(client, pages(records)["case"])


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_roles_without_business_data_get_404_everywhere(login, client, role, records, request):
    login(request.getfixturevalue(role))
    for url in pages(records).values():
        get(client, url, 404)
