"""Applying and taking steps through the pages: forms, htmx partials, errors, conflicts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rectify.core.models import AuditEvent
from rectify.signoff.models import Application, AppState, Step

from .conftest import take, walk

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def step_data(kind: str, version: int, **fields) -> dict:
    data = {"step": kind, f"step-{kind}-step": kind, f"step-{kind}-version": version}
    data[f"step-{kind}-effective_date"] = fields.pop("effective_date", "2026-11-28")
    for name, value in fields.items():
        data[f"step-{kind}-{name}"] = value
    return data


ACCEPT = {
    "signer_name": "罗明",
    "opinion": "经现场核查，整改到位，同意通过县级验收。",
    "onsite_record": "2026年11月27日核查养殖场8家，粪污处理设施运行正常。",
}


def test_the_lead_unit_applies_from_the_page(problem, cast, login):
    client = login(cast["applicant"], Client())
    url = reverse("signoff:apply", args=[problem.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'id="apply-form"' in page.content
    response = client.post(
        url,
        {
            "completion_report": "沿岸养殖场已全部完成粪污治理。",
            "effective_date": "2026-11-20",
            "notice_days": 10,
        },
    )
    app = Application.objects.get(problem=problem)
    assert response.status_code == 302
    assert response["Location"] == reverse("signoff:detail", args=[app.pk])
    assert app.applied_on == date(2026, 11, 20) and app.current_level.name == "县级验收"
    assert app.applicant == cast["applicant"]


def test_an_empty_report_or_a_future_date_is_refused_naming_the_field(problem, cast, login):
    client = login(cast["applicant"], Client())
    url = reverse("signoff:apply", args=[problem.pk])
    response = client.post(
        url, {"completion_report": "  ", "effective_date": "2026-11-20", "notice_days": 10}
    )
    assert response.status_code == 400
    assert "completion_report" in response.context["form"].errors
    response = client.post(
        url, {"completion_report": "已完成。", "effective_date": "2026-12-01", "notice_days": 10}
    )
    assert response.status_code == 400
    assert "effective_date" in response.context["form"].errors
    response = client.post(
        url, {"completion_report": "已完成。", "effective_date": "2026-11-20", "notice_days": 45}
    )
    assert "notice_days" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_second_application_while_one_is_under_way_is_not_offered(problem, cast, login):
    app = walk(problem, cast, "review_city")
    client = login(cast["applicant"], Client())
    url = reverse("signoff:apply", args=[problem.pk])
    page = client.get(url)
    assert b'id="live-application"' in page.content and b'id="apply-form"' not in page.content
    client.post(url, {"completion_report": "再次申请。", "effective_date": "2026-11-20"})
    assert Application.objects.filter(problem=problem).count() == 1
    assert Application.objects.get(pk=app.pk).version == app.version


def test_the_county_reviewer_sees_accept_and_return_and_the_applicant_withdraw(
    problem, cast, login
):
    app = walk(problem, cast, "review_county")
    url = reverse("signoff:detail", args=[app.pk])
    offered = {}
    for role in ("county", "city", "applicant", "office", "leader"):
        response = login(cast[role], Client()).get(url)
        offered[role] = [f.step_kind for f in response.context["step_forms"]]
    assert offered == {
        "county": ["accept", "return"],
        "city": [],
        "applicant": ["withdraw"],
        "office": [],
        "leader": [],
    }


def test_accepting_through_htmx_swaps_the_workflow_panel(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["county"], Client())
    response = client.post(
        reverse("signoff:step", args=[app.pk]),
        step_data("accept", app.version, **ACCEPT),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workflow"') and "<html" not in html
    assert "罗明" in html and 'data-status="current"' in html
    app.refresh_from_db()
    assert app.current_level.name == "市级验收" and app.version == 2
    step = app.steps.get(kind="accept")
    assert (step.signer_name, step.onsite_record, step.effective_date) == (
        "罗明",
        ACCEPT["onsite_record"],
        date(2026, 11, 28),
    )
    assert AuditEvent.objects.filter(action="signoff.accept").count() == 1


def test_a_plain_post_redirects_back_to_the_application(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["county"], Client())
    response = client.post(
        reverse("signoff:step", args=[app.pk]),
        step_data("return", app.version, opinion="资料不全。"),
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == AppState.RETURNED


@pytest.mark.parametrize("missing", ["signer_name", "opinion", "onsite_record"])
def test_an_acceptance_missing_a_field_shows_the_error_and_changes_nothing(
    missing, problem, cast, login
):
    app = walk(problem, cast, "review_county")
    fields = {**ACCEPT, missing: ""}
    client = login(cast["county"], Client())
    response = client.post(reverse("signoff:step", args=[app.pk]), step_data("accept", 1, **fields))
    assert response.status_code == 400
    form = next(f for f in response.context["step_forms"] if f.step_kind == "accept")
    assert missing in form.errors
    app.refresh_from_db()
    assert app.version == 1 and Step.objects.filter(application=app).count() == 1


def test_a_return_without_reasons_is_refused_with_htmx_in_a_200(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["county"], Client())
    response = client.post(
        reverse("signoff:step", args=[app.pk]),
        step_data("return", 1, opinion=""),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the panel carries the error
    html = response.content.decode()
    form = html[html.index('id="form-return"') :]
    form = form[: form.index("</form>")]
    assert "has-error" in form and 'class="errorlist"' in form
    app.refresh_from_db()
    assert app.state == AppState.IN_REVIEW


def test_a_stale_form_is_a_conflict_shown_over_the_current_version(problem, cast, login):
    app = walk(problem, cast, "review_city")  # version 2 after the county's acceptance
    client = login(cast["city"], Client())
    response = client.post(reverse("signoff:step", args=[app.pk]), step_data("accept", 1, **ACCEPT))
    assert response.status_code == 409
    form = next(f for f in response.context["step_forms"] if f.step_kind == "accept")
    assert form.non_field_errors() and form["version"].value() == str(app.version)
    app.refresh_from_db()
    assert app.version == 2 and app.current_level.name == "市级验收"


def test_a_step_the_user_may_not_take_is_403_and_changes_nothing(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["city"], Client())
    response = client.post(reverse("signoff:step", args=[app.pk]), step_data("accept", 1, **ACCEPT))
    assert response.status_code == 403
    assert response.context["step_errors"]
    app.refresh_from_db()
    assert app.version == 1


def test_a_step_the_state_does_not_allow_is_400_with_the_reason(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["office"], Client())
    response = client.post(reverse("signoff:step", args=[app.pk]), step_data("sign_off", 1))
    assert response.status_code == 400
    assert any("not possible" in m or "不能" in m for m in response.context["step_errors"])


def test_the_office_signs_off_after_the_notice_and_the_page_says_so(problem, cast, login):
    app = walk(problem, cast, "notice_ended")
    client = login(cast["office"], Client())
    detail = client.get(reverse("signoff:detail", args=[app.pk]))
    assert [f.step_kind for f in detail.context["step_forms"]] == ["schedule", "object", "sign_off"]
    response = client.post(
        reverse("signoff:step", args=[app.pk]), step_data("sign_off", app.version)
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == AppState.SIGNED_OFF and app.signed_off_on == date(2026, 11, 28)


def test_the_inbox_shows_each_user_what_concerns_them(problem, cast, login):
    app = walk(problem, cast, "review_city")

    def section(role, name):
        return login(cast[role], Client()).get(reverse("signoff:inbox")).context[name]

    assert [a.pk for a in section("city", "pending")] == [app.pk]
    assert section("county", "pending") == [] and section("dept", "pending") == []
    assert [a.pk for a in section("applicant", "mine")] == [app.pk]
    assert section("other_unit", "page").paginator.count == 0
    assert section("office", "ready") == []


def test_the_inbox_warns_when_a_notice_lacks_calendar_data(problem, cast, login):
    app = walk(problem, cast, "review_province")
    client = login(cast["office"], Client())
    assert b'id="calendar-warning"' not in client.get(reverse("signoff:inbox")).content
    # Accepted on 12/28: ten working days run into 2027, which nobody has entered yet.
    app = take(app, "accept", cast["office"], date(2026, 12, 28), today=date(2026, 12, 31))
    assert app.state == AppState.NOTICE and app.notice_end is None
    page = client.get(reverse("signoff:inbox"))
    assert b'id="calendar-warning"' in page.content
    assert [a.pk for a in page.context["calendar_gaps"]] == [app.pk]
    detail = client.get(reverse("signoff:detail", args=[app.pk]))
    assert "2027" in detail.content.decode()
    # The unit sees the notice without dates but is not asked to fix the calendar.
    unit_page = login(cast["applicant"], Client()).get(reverse("signoff:inbox"))
    assert unit_page.context["can_edit_calendar"] is False
