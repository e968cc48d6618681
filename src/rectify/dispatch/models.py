"""Monthly dispatch (月调度): periods, the progress reports units owe for them, the
reports' history, and in-app notifications.

Who owes a report is not stored: every problem open at the period's end (as-of status
neither completed nor signed off) and listed by then owes one from its lead unit, so
figures follow late filings, extensions and acceptances (see queries.py).
"""

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.dispatch.states import NotificationKind, ReportState, ReportStep
from rectify.orgs.models import Org
from rectify.problems.models import Problem, StatusEvent

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
DEFAULT_DUE_DAY = 5  # reports are due on the 5th of the following month


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def default_due_date(year: int, month: int) -> date:
    """The DEFAULT_DUE_DAY of the month after (year, month)."""
    end = month_bounds(year, month)[1]
    return (end + timedelta(days=1)).replace(day=DEFAULT_DUE_DAY)


def end_of_day(d: date) -> datetime:
    """The first instant after the local day `d` (reports at or after it are late)."""
    return timezone.make_aware(datetime.combine(d + timedelta(days=1), time.min))


def month_label(year: int, month: int) -> str:
    return gettext("%(month)s/%(year)s") % {"year": year, "month": month}


class DispatchPeriod(models.Model):
    """A month for which every open problem's lead unit owes one progress report."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_date = models.DateField(_("period starts"), editable=False)
    end_date = models.DateField(_("period ends"), editable=False)
    due_date = models.DateField(_("reports due"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed = models.BooleanField(_("closed"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("dispatch period")
        verbose_name_plural = _("dispatch periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="dispatch_period_month_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="dispatch_period_month_range"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")), name="dispatch_period_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        # Derived bounds are set here so that SQL can compare dates without calendar maths.
        self.start_date, self.end_date = month_bounds(self.year, self.month)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def due_end(self) -> datetime:
        """Reports submitted at or after this instant are late."""
        return end_of_day(self.due_date)

    @property
    def last_report_date(self) -> date:
        """The latest effective date a report for this period may carry."""
        return max(self.end_date, self.due_date)


class ProgressReport(models.Model):
    """进展报告: a lead unit's report on one problem for one dispatch period.

    Written only by dispatch.actions. Submitting it records a PROGRESS event dated
    `effective_date` (so the as-of status follows) and attaches its evidence to that event;
    once reviewed it is frozen.
    """

    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period = models.ForeignKey(
        DispatchPeriod,
        verbose_name=_("dispatch period"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    unit = models.ForeignKey(
        Org, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("progress and open issues"))
    percent = models.PositiveSmallIntegerField(_("reported percent"), validators=PERCENT)
    decrease_reason = models.TextField(_("reason the percent went down"), blank=True)
    effective_date = models.DateField(_("report date"))
    # The measures this report ticked done, as they read then: [{"seq": 1, "text": "…"}].
    measures_done = models.JSONField(_("measures done"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    event = models.ForeignKey(
        StatusEvent,
        verbose_name=_("progress event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_opinion = models.TextField(_("review opinion"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period__year", "-period__month", "problem"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "period"], name="progress_report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="progress_report_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | Q(submitted_at__isnull=False),
                name="progress_report_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "state"], name="report_period_state_idx"),
            models.Index(fields=["unit", "period"], name="report_unit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.problem.number}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at >= self.period.due_end


class ReportHistory(models.Model):
    """One step of a report: (from, to, actor, note, effective date, recorded at)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="history")
    step = models.CharField(_("step"), max_length=12, choices=ReportStep.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, choices=ReportState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    effective_date = models.DateField(_("effective date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    event = models.ForeignKey(
        StatusEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["report", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state or '-'} → {self.to_state}"


class Notification(models.Model):
    """An in-app message for one user; `dedupe_key` makes repeated sends no-ops."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title
