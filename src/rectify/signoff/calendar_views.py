"""The office's working-day calendar page: which years are known, the days of a year, and
the forms to enter the State Council's holiday arrangements for years the package lacks."""

from datetime import date

from chinese_calendar import constants as calendar_data
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts.roles import Cap, has_cap
from rectify.core.forms import apply_validation_error
from rectify.signoff import calendar_actions, queries
from rectify.signoff.forms import CalendarDayForm, CalendarYearForm
from rectify.signoff.models import CalendarDay, CalendarYear
from rectify.signoff.workdays import CalendarMissing, notice_period


def _require_office(user) -> None:
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404
    if not calendar_actions.may_edit_calendar(user):
        raise PermissionDenied


def package_years() -> tuple[int, int]:
    """First and last year the chinese-calendar package has holiday data for."""
    years = [d.year for d in calendar_data.holidays]
    return min(years), max(years)


def _package_days(year: int) -> list[dict]:
    """The package's days off on weekdays and weekend working days of `year`."""
    first, last = package_years()
    if not first <= year <= last:
        return []
    rows = []
    for day, name in calendar_data.holidays.items():
        if day.year == year and day.weekday() < 5:
            rows.append({"day": day, "is_workday": False, "name": name})
    for day, name in calendar_data.workdays.items():
        if day.year == year:
            rows.append({"day": day, "is_workday": True, "name": name})
    return sorted(rows, key=lambda r: r["day"])


def _waiting(user) -> list[dict]:
    """Notices waiting for calendar data, with the year each one still needs."""
    rows = []
    for application in queries.notices_without_calendar(user).order_by("accepted_on"):
        needed = None
        if application.accepted_on is not None:
            try:
                notice_period(
                    date.fromordinal(application.accepted_on.toordinal() + 1),
                    application.notice_days,
                )
            except CalendarMissing as missing:
                needed = missing.year
        rows.append({"application": application, "year": needed})
    return rows


def _page(request, *, year: int, day_form=None, year_form=None, status: int = 200):
    user = request.user
    first, last = package_years()
    office_years = {y.year: y for y in CalendarYear.objects.all()}
    entered = sorted({d.year for d in CalendarDay.objects.dates("day", "year")})
    waiting = _waiting(user)
    needed = sorted({w["year"] for w in waiting if w["year"] is not None})
    years = sorted(set(office_years) | set(entered) | set(needed) | {year})
    year_rows = [
        {
            "year": y,
            "package": first <= y <= last,
            "office": office_years.get(y),
            "days": CalendarDay.objects.filter(day__year=y).count(),
            "needed": y in needed,
            "selected": y == year,
        }
        for y in years
    ]
    this_year = office_years.get(year)
    context = {
        "year": year,
        "package_first": first,
        "package_last": last,
        "package_knows": first <= year <= last,
        "year_rows": year_rows,
        "office_days": CalendarDay.objects.filter(day__year=year).order_by("day"),
        "package_days": _package_days(year),
        "this_year": this_year,
        "day_form": day_form
        or CalendarDayForm(initial={"day": date(year, 1, 1), "is_workday": "0"}),
        "year_form": year_form
        or CalendarYearForm(
            initial={
                "year": year,
                "complete": bool(this_year and this_year.complete),
                "source": this_year.source if this_year else "",
            }
        ),
        "waiting": waiting,
        "next_year": year + 1,
        "previous_year": year - 1,
    }
    return render(request, "signoff/calendar.html", context, status=status)


def _selected_year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and calendar_actions.MIN_YEAR <= int(raw) <= calendar_actions.MAX_YEAR:
        return int(raw)
    return timezone.localdate().year + 1  # the year offices enter each winter


def _back(year: int):
    return redirect(f"{reverse('signoff:calendar')}?year={year}")


@login_required
def calendar(request):
    _require_office(request.user)
    return _page(request, year=_selected_year(request))


@login_required
@require_POST
def day_save(request, pk: int | None = None):
    user = request.user
    _require_office(user)
    entry = get_object_or_404(CalendarDay, pk=pk) if pk is not None else None
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = calendar_actions.check_save_calendar_day(
                actor=user, day=data["day"], is_workday=data["is_workday"], name=data["name"], pk=pk
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(day)s saved: %(name)s.") % {"day": saved.day, "name": saved.name}
            )
            return _back(saved.day.year)
    if entry is not None:
        context = {"entry": entry, "form": form}
        return render(request, "signoff/calendar_day.html", context, status=400)
    year = form.cleaned_data.get("day").year if form.cleaned_data.get("day") else None
    return _page(request, year=year or _selected_year(request), day_form=form, status=400)


@login_required
def day_edit(request, pk: int):
    user = request.user
    _require_office(user)
    entry = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(
        initial={
            "day": entry.day,
            "is_workday": "1" if entry.is_workday else "0",
            "name": entry.name,
        }
    )
    return render(request, "signoff/calendar_day.html", {"entry": entry, "form": form})


@login_required
@require_POST
def day_delete(request, pk: int):
    user = request.user
    _require_office(user)
    entry = get_object_or_404(CalendarDay, pk=pk)
    year = entry.day.year
    try:
        calendar_actions.check_delete_calendar_day(entry, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(day)s removed.") % {"day": entry.day})
    return _back(year)


@login_required
@require_POST
def year_save(request):
    user = request.user
    _require_office(user)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = calendar_actions.check_save_calendar_year(
                actor=user, year=data["year"], complete=data["complete"], source=data["source"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if entry.complete:
                messages.success(
                    request,
                    _(
                        "%(year)s is complete: working days of that year can now be counted. "
                        "Schedule the waiting notices again."
                    )
                    % {"year": entry.year},
                )
            else:
                messages.success(
                    request, _("%(year)s is marked incomplete.") % {"year": entry.year}
                )
            return _back(entry.year)
    year = form.cleaned_data.get("year") or _selected_year(request)
    return _page(request, year=year, year_form=form, status=400)
