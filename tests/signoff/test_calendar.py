"""The office enters a year's holidays (2027, unknown to the package), marks it complete,
and a notice that was waiting for it is scheduled over 元旦 correctly. Audited; office only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from rectify.core.models import AuditEvent
from rectify.signoff import calendar_actions as cal
from rectify.signoff.models import AppState, CalendarDay, CalendarYear, StepKind

from .conftest import take, walk

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
D = date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_office_records_days_and_each_is_audited(cast):
    office = cast["office"]
    day = cal.check_save_calendar_day(
        actor=office, day=D(2027, 1, 1), is_workday=False, name="元旦"
    )
    cal.check_save_calendar_day(
        actor=office, day=D(2027, 1, 1), is_workday=False, name="元旦节", pk=day.pk
    )
    day.refresh_from_db()
    assert day.name == "元旦节"
    events = AuditEvent.objects.filter(action="signoff.calendar.day_saved").order_by("seq")
    assert events[0].before is None
    assert events[1].before["name"] == "元旦" and events[1].after["name"] == "元旦节"
    cal.check_delete_calendar_day(day, actor=office)
    assert not CalendarDay.objects.exists()
    deleted = AuditEvent.objects.get(action="signoff.calendar.day_deleted")
    assert deleted.before["day"] == "2027-01-01"


@pytest.mark.parametrize("role", ["applicant", "county", "leader", "sysadmin", "public"])
def test_nobody_but_the_office_changes_the_calendar(role, cast):
    with pytest.raises(PermissionDenied):
        cal.check_save_calendar_day(
            actor=cast[role], day=D(2027, 1, 1), is_workday=False, name="元旦"
        )
    with pytest.raises(PermissionDenied):
        cal.check_save_calendar_year(actor=cast[role], year=2027, complete=True, source="x")
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_bad_days_are_refused_naming_the_field(cast):
    office = cast["office"]
    cal.check_save_calendar_day(actor=office, day=D(2027, 1, 1), is_workday=False, name="元旦")
    cases = [
        ({"day": D(2027, 1, 1), "is_workday": False, "name": "元旦"}, "day"),  # already there
        ({"day": D(2027, 2, 8), "is_workday": False, "name": " "}, "name"),
        ({"day": D(2027, 2, 8), "is_workday": False, "name": "春" * 51}, "name"),
        ({"day": D(1999, 2, 8), "is_workday": False, "name": "春节"}, "day"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as info:
            cal.check_save_calendar_day(actor=office, **fields)
        assert field in info.value.message_dict, fields
    assert CalendarDay.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="signoff.calendar").count() == 1


def test_a_year_is_complete_only_with_a_source_and_its_days_off(cast):
    office = cast["office"]
    with pytest.raises(ValidationError) as info:
        cal.check_save_calendar_year(actor=office, year=2027, complete=True, source="")
    assert "source" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        cal.check_save_calendar_year(actor=office, year=2027, complete=True, source="国办发明电")
    assert "complete" in info.value.message_dict
    assert not CalendarYear.objects.exists()
    cal.check_save_calendar_day(actor=office, day=D(2027, 1, 1), is_workday=False, name="元旦")
    year = cal.check_save_calendar_year(
        actor=office, year=2027, complete=True, source="国办发明电〔2026〕7号"
    )
    assert year.complete and AuditEvent.objects.filter(action="signoff.calendar.year_saved")


def test_a_waiting_notice_is_scheduled_over_new_year_once_the_office_enters_2027(problem, cast):
    app = walk(problem, cast, "review_province")
    # Accepted Monday 12/21: ten working days from 12/22 reach into 2027.
    app = take(app, StepKind.ACCEPT, cast["office"], D(2026, 12, 21), today=D(2026, 12, 31))
    assert app.state == AppState.NOTICE and app.notice_end is None and "2027" in app.notice_problem
    office = cast["office"]
    cal.check_save_calendar_day(actor=office, day=D(2027, 1, 1), is_workday=False, name="元旦")
    cal.check_save_calendar_year(actor=office, year=2027, complete=True, source="国办发明电")
    app = take(app, StepKind.SCHEDULE, office, D(2026, 12, 31), today=D(2026, 12, 31))
    # 12/22–25, 12/28–31 are eight; 1/1 is 元旦, the weekend follows; 1/4 and 1/5 end it.
    assert (app.notice_start, app.notice_end) == (D(2026, 12, 22), D(2027, 1, 5))
    assert app.notice_problem == ""


def test_the_calendar_page_lists_the_needed_year_and_the_waiting_notice(problem, cast, login):
    app = walk(problem, cast, "review_province")
    take(app, StepKind.ACCEPT, cast["office"], D(2026, 12, 21), today=D(2026, 12, 31))
    page = login(cast["office"], Client()).get(reverse("signoff:calendar"))
    assert page.status_code == 200
    assert page.context["year"] == 2027
    assert [w["year"] for w in page.context["waiting"]] == [2027]
    row = next(r for r in page.context["year_rows"] if r["year"] == 2027)
    assert row["needed"] and not row["package"] and row["office"] is None
    known = login(cast["office"], Client()).get(reverse("signoff:calendar"), {"year": 2026})
    assert known.context["package_knows"]
    assert any(d["name"] == "National Day" for d in known.context["package_days"])


def test_the_office_adds_edits_and_deletes_days_on_the_page(cast, login):
    client = login(cast["office"], Client())
    response = client.post(
        reverse("signoff:calendar_day_add"),
        {"day": "2027-02-06", "is_workday": "1", "name": "春节调休"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    day = CalendarDay.objects.get()
    assert day.is_workday and day.name == "春节调休"
    assert client.get(reverse("signoff:calendar_day_edit", args=[day.pk])).status_code == 200
    client.post(
        reverse("signoff:calendar_day_save", args=[day.pk]),
        {"day": "2027-02-07", "is_workday": "1", "name": "春节调休"},
    )
    day.refresh_from_db()
    assert day.day == D(2027, 2, 7)
    client.post(reverse("signoff:calendar_day_delete", args=[day.pk]))
    assert not CalendarDay.objects.exists()


def test_a_bad_day_on_the_page_shows_the_error_and_saves_nothing(cast, login):
    client = login(cast["office"], Client())
    response = client.post(
        reverse("signoff:calendar_day_add"), {"day": "2027-02-06", "is_workday": "1", "name": ""}
    )
    assert response.status_code == 400 and "name" in response.context["day_form"].errors
    response = client.post(reverse("signoff:calendar_year"), {"year": 2027, "complete": "on"})
    assert response.status_code == 400 and "source" in response.context["year_form"].errors
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_the_year_form_marks_a_year_complete(cast, login):
    client = login(cast["office"], Client())
    client.post(
        reverse("signoff:calendar_day_add"),
        {"day": "2027-01-01", "is_workday": "0", "name": "元旦"},
    )
    response = client.post(
        reverse("signoff:calendar_year"),
        {"year": 2027, "complete": "on", "source": "国办发明电〔2026〕7号"},
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).complete


@pytest.mark.parametrize("role,status", [("applicant", 403), ("county", 403), ("sysadmin", 404)])
def test_other_roles_cannot_post_to_the_calendar(role, status, cast, login):
    client = login(cast[role], Client())
    response = client.post(
        reverse("signoff:calendar_day_add"),
        {"day": "2027-01-01", "is_workday": "0", "name": "元旦"},
    )
    assert response.status_code == status
    assert not CalendarDay.objects.exists()
