"""Create and edit forms of the office: saved through the actions, errors in Chinese on the
fields and rows they concern, and a stale edit is a conflict that changes nothing."""

from datetime import date

import pytest
from django.test import Client

from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.models import Aspect, Category, Problem
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_milestone


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    """POST fields of an inline formset with the given rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.fixture
def inspection(orgs):
    inspection = InspectionFactory()
    Aspect.objects.create(inspection=inspection, number=1, name="长江流域生态环境保护方面")
    return inspection


def new_problem_data(inspection, **overrides) -> dict:
    data = {
        "inspection": str(inspection.pk),
        "number": "12",
        "title": "赤水河流域部分小水电站未落实生态流量",
        "description": "赤水河干流及支流部分小水电站未按要求下泄生态流量。",
        "aspect": str(Aspect.objects.get(inspection=inspection, number=1).pk),
        "category": str(Category.objects.get(name="环境生态类").pk),
        "region": str(org("520300").pk),
        "lead_unit": str(org("520300").pk),
        "cooperating_units": [str(org("520000-STHJT").pk), str(org("520381").pk)],
        "responsible_leader": "李明",
        "responsible_person": "王芳",
        "target": "全部小水电站落实生态流量并安装在线监控。",
        "deadline_kind": "by_date",
        "original_deadline": "2020-12-31",
        "start_date": "",
        "warning_days": "30",
        "source": "feedback",
        "longitude": "",
        "latitude": "",
    }
    data.update(
        rows(
            "measures",
            [
                {
                    "text": "开展小水电站生态流量核查",
                    "responsible_unit": str(org("520381").pk),
                    "due_date": "2019-09-30",
                },
                {"text": "", "responsible_unit": "", "due_date": ""},  # a blank row is skipped
                {
                    "text": "安装生态流量在线监控设施",
                    "due_date": "2020-06-30",
                    "done": "on",
                    "done_date": "2020-05-20",
                },
            ],
        )
    )
    data.update(
        rows(
            "milestones",
            [{"date": "2019-12-31", "percent": "30"}, {"date": "2020-06-30", "percent": "70"}],
        )
    )
    data.update(overrides)
    return data


def test_office_files_a_problem_with_measures_milestones_and_cooperating_units(
    inspection, office_clerk, login
):
    response = login(office_clerk).post("/ledger/new/", new_problem_data(inspection))
    problem = Problem.objects.get(inspection=inspection, number="12")
    assert response.status_code == 302
    assert response["Location"] == f"/ledger/{problem.pk}/"
    assert problem.title == "赤水河流域部分小水电站未落实生态流量"
    assert problem.start_date == inspection.feedback_date  # empty: the feedback date
    assert problem.deadline == problem.original_deadline == date(2020, 12, 31)
    assert sorted(problem.cooperating_units.values_list("code", flat=True)) == [
        "520000-STHJT",
        "520381",
    ]
    assert [(m.seq, m.text, m.done) for m in problem.measures.all()] == [
        (1, "开展小水电站生态流量核查", False),
        (2, "安装生态流量在线监控设施", True),
    ]
    assert [(m.date, m.percent) for m in problem.milestones.all()] == [
        (date(2019, 12, 31), 30),
        (date(2020, 6, 30), 70),
    ]
    assert AuditEvent.objects.filter(
        action="problems.create_problem", object_id=str(problem.pk)
    ).exists()


def test_missing_fields_are_reported_in_chinese_on_each_field(inspection, office_clerk, login):
    data = new_problem_data(inspection, number="", title="", original_deadline="")
    response = login(office_clerk).post("/ledger/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["number"] == ["这个字段是必填项。"]
    assert form.errors["title"] == ["这个字段是必填项。"]
    assert Problem.objects.count() == 0


def test_action_errors_land_on_fields_and_milestone_rows_in_chinese(
    inspection, office_clerk, login
):
    ProblemFactory(inspection=inspection, number="12")
    data = new_problem_data(inspection)
    data.update(
        rows(
            "milestones",
            [
                {"date": "2019-12-31", "percent": "60"},
                {"date": "", "percent": ""},
                {"date": "2020-06-30", "percent": "40"},  # goes down
                {"date": "2021-03-01", "percent": "90"},  # after the deadline
            ],
        )
    )
    response = login(office_clerk).post("/ledger/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    form = response.context["form"]
    assert form.errors["number"] == ["该督察中已有此编号的问题。"]
    milestones = response.context["milestones"]
    assert milestones.forms[2].non_field_errors() == ["计划进度随时间下降。"]
    assert milestones.forms[3].non_field_errors() == ["序时进度节点晚于整改时限。"]
    # The summary above the form names the row as the page numbers it.
    assert "序时进度节点 3：计划进度随时间下降。" in body
    assert "序时进度节点 4：序时进度节点晚于整改时限。" in body
    assert Problem.objects.filter(number="12").count() == 1


def test_an_aspect_of_another_inspection_is_refused(inspection, office_clerk, login):
    other = InspectionFactory(code="provincial-2021", name="省第三轮生态环境保护督察")
    foreign = Aspect.objects.create(inspection=other, number=1, name="城乡环境基础设施方面")
    data = new_problem_data(inspection, aspect=str(foreign.pk))
    response = login(office_clerk).post("/ledger/new/", data)
    assert response.context["form"].errors["aspect"] == ["该方面属于另一个督察。"]
    assert Problem.objects.count() == 0


def edit_data(problem, **overrides) -> dict:
    data = {
        "number": problem.number,
        "title": problem.title,
        "description": problem.description,
        "aspect": "",
        "category": str(problem.category_id),
        "region": str(problem.region_id),
        "lead_unit": str(problem.lead_unit_id),
        "responsible_leader": "",
        "responsible_person": "",
        "target": "",
        "deadline_kind": problem.deadline_kind,
        "start_date": problem.start_date.isoformat(),
        "warning_days": str(problem.warning_days),
        "source": problem.source,
        "longitude": "",
        "latitude": "",
        "version": str(problem.version),
    }
    data.update(rows("measures", []))
    data.update(rows("milestones", [{"date": "2020-01-01", "percent": "40"}], initial=1))
    data.update(overrides)
    return data


def test_office_edits_a_problem_and_the_version_moves_on(orgs, office_clerk, login):
    problem = ProblemFactory(number="3", title="习水县城区黑臭水体治理滞后")
    add_milestone(problem, date(2020, 1, 1), 40)
    c = login(office_clerk)
    page = c.get(f"/ledger/{problem.pk}/edit/")
    assert page.context["form"].initial["version"] == 1
    assert 'name="version" value="1"' in page.content.decode()
    response = c.post(
        f"/ledger/{problem.pk}/edit/",
        edit_data(problem, title="习水县城区黑臭水体治理不到位", responsible_leader="张伟"),
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "习水县城区黑臭水体治理不到位"
    assert problem.responsible_leader == "张伟"
    assert problem.version == 2
    event = AuditEvent.objects.get(action="problems.update_problem", object_id=str(problem.pk))
    assert event.before["title"] == "习水县城区黑臭水体治理滞后"


def test_a_stale_edit_is_a_conflict_and_changes_nothing(orgs, office_clerk, login):
    problem = ProblemFactory(number="3", title="习水县城区黑臭水体治理滞后")
    first, second = login(office_clerk), login(office_clerk, Client())
    stale = edit_data(problem, title="第二个人的修改")
    assert (
        first.post(
            f"/ledger/{problem.pk}/edit/", edit_data(problem, title="第一个人的修改")
        ).status_code
        == 302
    )
    response = second.post(f"/ledger/{problem.pk}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "该问题已被他人修改，请刷新后重试。" in body
    assert f'href="/ledger/{problem.pk}/edit/"' in body  # a way to load the current version
    problem.refresh_from_db()
    assert problem.title == "第一个人的修改"
    assert problem.version == 2
    assert AuditEvent.objects.filter(action="problems.update_problem").count() == 1


def test_the_deadline_is_not_editable_on_the_form(orgs, office_clerk, login):
    problem = ProblemFactory(number="3")
    c = login(office_clerk)
    assert "original_deadline" not in c.get(f"/ledger/{problem.pk}/edit/").context["form"].fields
    c.post(f"/ledger/{problem.pk}/edit/", edit_data(problem, original_deadline="2030-01-01"))
    problem.refresh_from_db()
    assert problem.original_deadline == problem.deadline == date(2020, 12, 31)


def test_office_registers_an_inspection(orgs, office_clerk, login):
    c = login(office_clerk)
    data = {
        "code": "provincial-2021-3",
        "name": "省第三轮生态环境保护督察",
        "level": "provincial",
        "kind": "routine",
        "target_region": str(org("520300").pk),
        "team": "省第三生态环境保护督察组",
        "onsite_start": "2021-04-10",
        "onsite_end": "2021-05-10",
        "feedback_date": "2021-08-01",
        "parent": "",
    }
    assert c.post("/ledger/inspections/new/", data).status_code == 302
    response = c.post("/ledger/inspections/new/", data)
    assert response.context["form"].errors["code"] == ["已存在相同代码的督察。"]
    listed = c.get("/ledger/inspections/").content.decode()
    assert "省第三轮生态环境保护督察" in listed
