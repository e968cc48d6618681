"""In-app notifications (mail after commit), the daily reminders, marking read."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.core import audit
from rectify.dispatch import queries
from rectify.dispatch.models import DispatchPeriod, Notification, ProgressReport
from rectify.dispatch.states import NotificationKind
from rectify.problems.models import Problem

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE_DUE = 3


def _date(d: date) -> str:
    return d.isoformat()


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # URLconf without the dispatch pages
        return ""


def my_reports_link(period: DispatchPeriod) -> str:
    url = _link("dispatch:my_reports")
    return f"{url}?period={period.pk}" if url else ""


def report_link(report: ProgressReport) -> str:
    return _link("dispatch:report", report.pk)


def do_notify(
    recipients: list,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    email: bool = False,
) -> list[Notification]:
    """In-app notifications (and mail after commit) for those not notified under the key."""
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                recipient__in=[u.pk for u in recipients], dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        recipients = [u for u in recipients if u.pk not in already]
    new = [
        Notification(
            recipient=u,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            dedupe_key=dedupe_key,
        )
        for u in recipients
    ]
    Notification.objects.bulk_create(new)
    if email:
        mails = [(u.email, title, _mail_body(body, link)) for u in recipients if u.email]
        if mails:
            transaction.on_commit(lambda: send_mails(mails))
    return new


def _mail_body(body: str, link: str) -> str:
    base = getattr(settings, "RECTIFY_BASE_URL", "").rstrip("/")
    if link and base:
        return f"{body}\n\n{base}{link}"
    return body


def send_mails(mails: list[tuple[str, str, str]]) -> int:
    """Send (to, subject, body) mails over one connection; a failed one is logged, not fatal."""
    sent = 0
    connection = get_connection()
    for to, subject, body in mails:
        try:
            sent += send_mail(subject, body, None, [to], connection=connection)
        except Exception:  # one bad address or a hiccup must not stop the others
            logger.exception("reminder mail to %s failed", to)
    return sent


@dataclass
class ReminderRun:
    day: date
    notifications: int = 0
    mails: int = 0
    units: int = 0
    skipped: int = 0  # recipients already reminded of the same thing today
    lines: list[str] = field(default_factory=list)


@transaction.atomic
def do_send_reminders(*, today: date, actor="cli:remind") -> ReminderRun:
    """Remind lead units of reports due within three days and of missing ones after the due
    date, in-app and by mail; once per recipient, period, set of problems and day."""
    run = ReminderRun(day=today)
    periods = DispatchPeriod.objects.filter(closed=False, start_date__lte=today).order_by(
        "start_date"
    )
    # Texts are in the active language: the deployment's (LANGUAGE_CODE) under cron.
    for period in periods:
        if today > period.due_date:
            kind = NotificationKind.MISSING
        elif period.due_date <= today + timedelta(days=REMIND_DAYS_BEFORE_DUE):
            kind = NotificationKind.DUE_SOON
        else:
            continue
        _remind_period(period, kind, run)
    if run.notifications:
        audit.record(
            "dispatch.remind",
            actor=actor,
            object_type="dispatch.dispatchperiod",
            object_id=today.isoformat(),
            after={
                "day": today,
                "notifications": run.notifications,
                "mails": run.mails,
                "units": run.units,
            },
        )
    return run


def _remind_period(period: DispatchPeriod, kind: str, run: ReminderRun) -> None:
    submitted = ProgressReport.objects.filter(
        problem=OuterRef("pk"), period=period, submitted_at__isnull=False
    )
    pending = (
        queries.owing(period, Problem.objects.all())
        .filter(~Exists(submitted))
        .order_by("lead_unit", "inspection__code", "sort_key", "number")
        .values_list("lead_unit", "pk", "inspection__code", "number", "title")
    )
    by_unit: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, pk, code, number, summary in pending:
        by_unit[unit_id].append((pk, code, number, summary))
    users: dict[int, list[User]] = defaultdict(list)
    for u in User.objects.filter(org_id__in=list(by_unit), role=Role.UNIT, is_active=True):
        users[u.org_id].append(u)
    link = my_reports_link(period)
    for unit_id, items in by_unit.items():
        recipients = users.get(unit_id, [])
        if not recipients:
            continue
        ids = ",".join(str(pk) for pk, *_rest in sorted(items))
        digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
        key = f"{kind}:{period.pk}:{digest}:{run.day.isoformat()}"
        n = len(items)
        params = {"n": n, "period": period.label, "due": _date(period.due_date)}
        if kind == NotificationKind.DUE_SOON:
            title = (
                ngettext(
                    "%(n)s progress report for %(period)s is due by %(due)s",
                    "%(n)s progress reports for %(period)s are due by %(due)s",
                    n,
                )
                % params
            )
        else:
            title = (
                ngettext(
                    "%(n)s progress report for %(period)s is missing (due %(due)s)",
                    "%(n)s progress reports for %(period)s are missing (due %(due)s)",
                    n,
                )
                % params
            )
        lines = [f"{code} {number} {summary}" for _pk, code, number, summary in items]
        created = do_notify(
            recipients,
            kind=kind,
            title=title,
            body="\n".join(lines),
            link=link,
            dedupe_key=key,
            email=True,
        )
        run.skipped += len(recipients) - len(created)
        if created:
            run.units += 1
            run.notifications += len(created)
            run.mails += sum(1 for c in created if c.recipient.email)
            run.lines.append(
                f"{period.label} {kind}: unit {unit_id}, {n} problems, {len(created)} recipients"
            )


@transaction.atomic
def do_mark_notifications_read(user, *, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = list(qs.values_list("pk", flat=True))
    if not marked:
        return 0
    Notification.objects.filter(pk__in=marked).update(read_at=timezone.now())
    audit.record(
        "dispatch.notifications_read",
        actor=user,
        object_type="dispatch.notification",
        object_id=str(user.pk),
        after={"notifications": marked},
    )
    return len(marked)
