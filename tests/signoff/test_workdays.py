from datetime import date

import pytest

from rectify.signoff.models import CalendarDay, CalendarYear
from rectify.signoff.workdays import Calendar, CalendarMissing, notice_period, year_is_known


def test_package_years_follow_the_state_council_calendar(db):
    cal = Calendar()
    assert not cal.is_workday(date(2026, 10, 1))  # National Day
    assert cal.is_workday(date(2026, 10, 10))  # Saturday made a workday (调休)
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_ten_day_notice_from_a_holiday_starts_on_the_next_workday(db):
    # 10/8, 10/9, 10/10 (Saturday workday), 10/12–16, 10/19, 10/20
    assert notice_period(date(2026, 10, 1), 10) == (date(2026, 10, 8), date(2026, 10, 20))


def test_year_without_data_raises_until_the_office_completes_it(db):
    assert not year_is_known(2027)
    with pytest.raises(CalendarMissing) as info:
        Calendar().is_workday(date(2027, 2, 1))
    assert info.value.year == 2027
    CalendarYear.objects.create(year=2027, complete=True)
    CalendarDay.objects.create(day=date(2027, 2, 8), is_workday=False, name="春节")
    CalendarDay.objects.create(day=date(2027, 2, 6), is_workday=True, name="春节调休")
    cal = Calendar()
    assert not cal.is_workday(date(2027, 2, 8))  # a Monday off
    assert cal.is_workday(date(2027, 2, 6))  # a Saturday at work
    assert cal.is_workday(date(2027, 2, 9)) and not cal.is_workday(date(2027, 2, 7))


def test_office_days_override_the_package(db):
    CalendarDay.objects.create(day=date(2026, 11, 30), is_workday=False, name="地方调整")
    assert not Calendar().is_workday(date(2026, 11, 30))
