"""Validation of problem data shared by forms, the API and the Excel import.

Returns errors as {field: [message]} in the user's language; nothing here writes.
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from rectify.problems.states import DeadlineKind

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def validate_problem(data: dict[str, Any], *, today: date | None = None) -> Errors:
    """Check one problem's fields, measures and milestones together."""
    errors: Errors = {}
    if not (data.get("number") or "").strip():
        _add(errors, "number", _("A problem number is required."))
    if not (data.get("title") or "").strip():
        _add(errors, "title", _("A summary is required."))
    if data.get("lead_unit") is None:
        _add(errors, "lead_unit", _("A lead unit is required."))
    if data.get("region") is None:
        _add(errors, "region", _("A region is required."))
    kind = data.get("deadline_kind") or DeadlineKind.BY_DATE
    if kind not in DeadlineKind.values:
        _add(errors, "deadline_kind", _("Unknown kind of deadline."))
    start = data.get("start_date")
    deadline = data.get("original_deadline")
    if start is None:
        _add(errors, "start_date", _("The plan start date is required."))
    if kind != DeadlineKind.ONGOING and deadline is None:
        _add(
            errors, "original_deadline", _("A deadline is required unless the problem is ongoing.")
        )
    if start and deadline and deadline < start:
        _add(errors, "original_deadline", _("The deadline is before the plan starts."))
    warning_days = data.get("warning_days", 30)
    if warning_days is None or not 0 <= int(warning_days) <= 365:
        _add(errors, "warning_days", _("Warning days must be between 0 and 365."))
    lon, lat = data.get("longitude"), data.get("latitude")
    if (lon is None) != (lat is None):
        _add(errors, "longitude", _("Give both longitude and latitude, or neither."))
    if lon is not None and not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
        _add(errors, "longitude", _("Longitude or latitude out of range."))

    previous = None
    seen_dates = set()
    for i, m in enumerate(data.get("milestones") or [], start=1):
        field = f"milestones[{i}]"
        if m.get("date") is None or m.get("percent") is None:
            _add(errors, field, _("A milestone needs a date and a percent."))
            continue
        if not 0 <= int(m["percent"]) <= 100:
            _add(errors, field, _("A planned percent must be between 0 and 100."))
        if m["date"] in seen_dates:
            _add(errors, field, _("Two milestones on the same date."))
        seen_dates.add(m["date"])
        if start and m["date"] < start:
            _add(errors, field, _("A milestone is before the plan starts."))
        if deadline and m["date"] > deadline:
            _add(errors, field, _("A milestone is after the deadline."))
        if (
            previous
            and m["date"] > previous["date"]
            and int(m["percent"]) < int(previous["percent"])
        ):
            _add(errors, field, _("Planned percent goes down over time."))
        previous = m
    for i, measure in enumerate(data.get("measures") or [], start=1):
        if not (measure.get("text") or "").strip():
            _add(errors, f"measures[{i}]", _("A measure needs its text."))
    return errors
