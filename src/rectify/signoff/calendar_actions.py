"""The office maintains the working-day calendar for years the package does not know.

Each State Council announcement (国务院办公厅关于某年部分节假日安排的通知) gives the days off
that fall on weekdays and the weekend days worked (调休). The office enters them as
CalendarDay rows and then marks the year complete, naming the document; only a complete
year is counted (see workdays.py). Notices already scheduled are not moved: the office
schedules a waiting notice again from its page (a separate, audited step).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit
from rectify.signoff.models import CalendarDay, CalendarYear

MIN_YEAR, MAX_YEAR = 2000, 2100
NAME_MAX = CalendarDay._meta.get_field("name").max_length
SOURCE_MAX = CalendarYear._meta.get_field("source").max_length


def may_edit_calendar(user) -> bool:
    return has_cap(user, Cap.RECORD_EVENTS)


def _require_office(actor) -> None:
    if not may_edit_calendar(actor):
        raise PermissionDenied(_("Only the rectification office maintains the calendar."))


def _day_snapshot(day: CalendarDay) -> dict:
    return {"day": day.day, "is_workday": day.is_workday, "name": day.name}


def _year_snapshot(year: CalendarYear) -> dict:
    return {"year": year.year, "complete": year.complete, "source": year.source}


@transaction.atomic
def check_save_calendar_day(
    *, actor, day: date, is_workday: bool, name: str = "", pk: int | None = None
) -> CalendarDay:
    """Record (or correct, given `pk`) a holiday on a weekday or a weekend workday."""
    _require_office(actor)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors["day"] = [_("Give a date between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}]
    if not name:
        errors["name"] = [_("Name the holiday (e.g. 春节 or 春节调休).")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(n)d characters.") % {"n": NAME_MAX}]
    existing = None
    if pk is not None:
        existing = CalendarDay.objects.select_for_update().filter(pk=pk).first()
        if existing is None:
            errors["day"] = [_("This calendar entry no longer exists.")]
    clash = CalendarDay.objects.filter(day=day).exclude(pk=pk).first()
    if clash is not None:
        errors["day"] = [
            _("%(day)s is already recorded (%(name)s); edit that entry instead.")
            % {"day": day, "name": clash.name}
        ]
    if errors:
        raise ValidationError(errors)
    before = _day_snapshot(existing) if existing else None
    entry = existing or CalendarDay()
    entry.day, entry.is_workday, entry.name = day, is_workday, name
    entry.save()
    audit.record(
        "signoff.calendar.day_saved",
        actor=actor,
        obj=entry,
        before=before,
        after=_day_snapshot(entry),
    )
    return entry


@transaction.atomic
def check_delete_calendar_day(entry: CalendarDay, *, actor) -> None:
    """Remove a wrongly entered day (the deletion is audited with what it was)."""
    _require_office(actor)
    entry = CalendarDay.objects.select_for_update().filter(pk=entry.pk).first()
    if entry is None:
        raise ValidationError({"day": [_("This calendar entry no longer exists.")]})
    before = _day_snapshot(entry)
    pk = entry.pk
    entry.delete()
    audit.record(
        "signoff.calendar.day_deleted",
        actor=actor,
        object_type="signoff.calendarday",
        object_id=str(pk),
        before=before,
    )


@transaction.atomic
def check_save_calendar_year(*, actor, year: int, complete: bool, source: str = "") -> CalendarYear:
    """Mark a year complete (its days off and adjusted workdays are all entered), naming
    the State Council document; or mark it incomplete again."""
    _require_office(actor)
    source = (source or "").strip()
    errors: dict[str, list[str]] = {}
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = [
            _("Give a year between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}
        ]
    if complete and not source:
        errors["source"] = [_("Name the document the holidays come from.")]
    elif len(source) > SOURCE_MAX:
        errors["source"] = [_("At most %(n)d characters.") % {"n": SOURCE_MAX}]
    if (
        not errors
        and complete
        and not CalendarDay.objects.filter(day__year=year, is_workday=False).exists()
    ):
        errors["complete"] = [
            _("Enter the days off of %(year)s first: every year has public holidays.")
            % {"year": year}
        ]
    if errors:
        raise ValidationError(errors)
    entry = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = _year_snapshot(entry) if entry else None
    entry = entry or CalendarYear(year=year)
    entry.complete, entry.source = complete, source
    entry.save()
    audit.record(
        "signoff.calendar.year_saved",
        actor=actor,
        obj=entry,
        before=before,
        after=_year_snapshot(entry),
    )
    return entry
