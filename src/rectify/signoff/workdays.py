"""The Chinese working-day calendar: weekends, public holidays and adjusted workdays (调休).

Years the package `chinese-calendar` knows come from it; the office records later years
(announced by the State Council each winter) as CalendarDay rows, which also override the
package for any day. A year known to neither raises CalendarMissing, so that a notice
period running into it warns the office instead of guessing.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from rectify.signoff.models import CalendarDay, CalendarYear


class CalendarMissing(Exception):
    """No holiday data for a year: the office must enter it before dates can be counted."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_is_known(year: int) -> bool:
    """Whether working days of `year` can be counted (package data or office-entered year)."""
    return _package_knows(year) or CalendarYear.objects.filter(year=year, complete=True).exists()


class Calendar:
    """Working-day arithmetic with one query per year for the office's own days."""

    def __init__(self):
        self._overrides: dict[int, dict[date, bool]] = {}

    def _year(self, year: int) -> dict[date, bool]:
        if year not in self._overrides:
            self._overrides[year] = dict(
                CalendarDay.objects.filter(day__year=year).values_list("day", "is_workday")
            )
            if (
                not _package_knows(year)
                and not CalendarYear.objects.filter(year=year, complete=True).exists()
            ):
                raise CalendarMissing(year)
        return self._overrides[year]

    def is_workday(self, day: date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5  # an office-completed year: weekends unless recorded

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both included."""
        return sum(
            self.is_workday(first + timedelta(days=i)) for i in range((last - first).days + 1)
        )


def notice_period(start: date, workdays: int) -> tuple[date, date]:
    """(first day, last day) of a public notice of `workdays` working days starting on the
    first working day on or after `start`."""
    cal = Calendar()
    first = start if cal.is_workday(start) else cal.add_workdays(start, 1)
    last = cal.add_workdays(first, workdays - 1) if workdays > 1 else first
    return first, last
