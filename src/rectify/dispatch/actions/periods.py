"""Opening and closing dispatch periods (the office)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.dispatch import queries
from rectify.dispatch.actions.notifications import do_notify, my_reports_link
from rectify.dispatch.models import DispatchPeriod, default_due_date, month_bounds, month_label
from rectify.dispatch.permissions import can_run_dispatch
from rectify.dispatch.states import NotificationKind
from rectify.problems.models import Problem

MAX_DUE_DAYS_AFTER_END = 62


@transaction.atomic
def check_open_period(
    *,
    actor,
    year: int | None,
    month: int | None,
    due_date: date | None = None,
    today: date | None = None,
) -> DispatchPeriod:
    """The office opens a month for dispatch; reports are due on `due_date` (default 5th)."""
    if not can_run_dispatch(actor):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if month is None or not 1 <= month <= 12:
        errors["month"] = [_("Give a month between 1 and 12.")]
    if errors:
        raise ValidationError(errors)
    start, end = month_bounds(year, month)
    due = due_date or default_due_date(year, month)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if start > next_month:
        errors["month"] = [_("A period can be opened at most one month ahead.")]
    if DispatchPeriod.objects.filter(year=year, month=month).exists():
        errors["month"] = [
            _("The period %(period)s is open already.") % {"period": month_label(year, month)}
        ]
    if due < start:
        errors["due_date"] = [_("The due date is before the period starts.")]
    elif due > end + timedelta(days=MAX_DUE_DAYS_AFTER_END):
        errors["due_date"] = [_("The due date is more than two months after the period ends.")]
    if errors:
        raise ValidationError(errors)
    return do_open_period(actor=actor, year=year, month=month, due_date=due)


@transaction.atomic
def do_open_period(*, actor, year: int, month: int, due_date: date) -> DispatchPeriod:
    """Create the period, audit it, and tell the units that owe reports (in-app)."""
    period = DispatchPeriod(year=year, month=month, due_date=due_date, opened_by=actor)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as exc:
        raise ConflictError(_("This period was opened by someone else just now.")) from exc
    audit.record(
        "dispatch.open_period",
        actor=actor,
        obj=period,
        after=audit.snapshot(period, ["year", "month", "start_date", "end_date", "due_date"]),
    )
    _notify_period_opened(period)
    return period


def _notify_period_opened(period: DispatchPeriod) -> int:
    units = (
        queries.owing(period, Problem.objects.all())
        .order_by()
        .values_list("lead_unit", flat=True)
        .distinct()
    )
    recipients = User.objects.filter(org_id__in=list(units), role=Role.UNIT, is_active=True)
    title = _("Dispatch %(period)s: progress reports due by %(due)s") % {
        "period": period.label,
        "due": period.due_date.isoformat(),
    }
    body = _(
        "The office opened the dispatch period %(period)s. Report the progress of every open "
        "problem your unit leads by %(due)s."
    ) % {"period": period.label, "due": period.due_date.isoformat()}
    created = do_notify(
        list(recipients),
        kind=NotificationKind.PERIOD_OPENED,
        title=title,
        body=body,
        link=my_reports_link(period),
        dedupe_key=f"period_opened:{period.pk}",
    )
    return len(created)


@transaction.atomic
def check_set_period_closed(period: DispatchPeriod, *, actor, closed: bool) -> DispatchPeriod:
    """Close a period (no more reports for it) or open it again (office)."""
    if not can_run_dispatch(actor):
        raise PermissionDenied
    period = DispatchPeriod.objects.select_for_update().get(pk=period.pk)
    if period.closed == closed:
        message = _("The period is closed already.") if closed else _("The period is open already.")
        raise ValidationError({"closed": [message]})
    period.closed = closed
    period.closed_by = actor if closed else None
    period.closed_at = timezone.now() if closed else None
    period.save(update_fields=["closed", "closed_by", "closed_at"])
    audit.record(
        "dispatch.close_period" if closed else "dispatch.reopen_period",
        actor=actor,
        obj=period,
        before={"closed": not closed},
        after={"closed": closed},
    )
    return period
