"""`rectify remind`: reports due within three days and missing reports after the due date
are announced to the lead unit's users in the app and by e-mail, once a day."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from rectify.accounts.roles import Role
from rectify.core.models import AuditEvent
from rectify.core.testing import make_user
from rectify.dispatch import actions
from rectify.dispatch.models import Notification
from tests.dispatch.conftest import at, guiyang_problem, open_period, org, write, zunyi_problem


@pytest.fixture
def june(office_clerk):
    return open_period(office_clerk, 2025, 6)  # due 2025-07-05


@pytest.fixture
def people(zunyi_clerk, bozhou_clerk, guiyang_outsider, zunyi_reviewer):
    for user, email in [
        (zunyi_clerk, "zunyi@example.gov.cn"),
        (bozhou_clerk, "bozhou@example.gov.cn"),
        (guiyang_outsider, "guiyang@example.gov.cn"),
        (zunyi_reviewer, "zunyi-review@example.gov.cn"),
    ]:
        user.email = email
        user.save()
    quiet = make_user("zunyi_clerk2", Role.UNIT, "520300")  # no e-mail: in-app only
    return {
        "zunyi": zunyi_clerk,
        "zunyi2": quiet,
        "bozhou": bozhou_clerk,
        "guiyang": guiyang_outsider,
        "reviewer": zunyi_reviewer,
    }


@pytest.fixture
def problems(june, people):
    p = {
        "z1": zunyi_problem("1"),
        "z2": zunyi_problem("2"),
        "b3": zunyi_problem("3", region=org("520304"), lead_unit=org("520304")),
        "g4": guiyang_problem("4"),
    }
    write(p["b3"], june, people["bozhou"], when=at(2025, 6, 28), on=date(2025, 6, 28))
    return p


def remind(day: str, capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("remind", "--today", day, stdout=out)
    return out.getvalue()


def sent_to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_nothing_is_sent_while_the_due_date_is_more_than_three_days_away(
    problems, django_capture_on_commit_callbacks
):
    out = remind("2025-07-01", django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not Notification.objects.exclude(kind="period_opened").exists()
    assert "0 notifications" in out


def test_running_twice_on_one_day_sends_each_reminder_once(
    problems, people, django_capture_on_commit_callbacks
):
    out = remind("2025-07-02", django_capture_on_commit_callbacks)
    # 遵义市 owes 2, 贵阳市 owes 1, 播州区 submitted: its clerk hears nothing; nor do
    # reviewers, who owe no report.
    assert sent_to() == ["guiyang@example.gov.cn", "zunyi@example.gov.cn"]
    due_soon = Notification.objects.filter(kind="due_soon")
    assert sorted(n.recipient.username for n in due_soon) == [
        "guiyang_outsider",
        "zunyi_clerk",
        "zunyi_clerk2",
    ]
    zunyi_mail = next(m for m in mail.outbox if m.to == ["zunyi@example.gov.cn"])
    assert "2 progress reports for 6/2025 are due by 2025-07-05" in zunyi_mail.subject
    assert "遵义市湘江河段截污管网建设滞后问题1" in zunyi_mail.body
    assert "遵义市湘江河段截污管网建设滞后问题2" in zunyi_mail.body
    assert "贵阳市" not in zunyi_mail.body
    assert "3 notifications to 2 units, 2 e-mails" in out

    out = remind("2025-07-02", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="due_soon").count() == 3
    assert "0 notifications" in out and "3 already reminded today" in out
    assert AuditEvent.objects.filter(action="dispatch.remind").count() == 1

    # The next day is a new day: the reminder goes out again, once.
    remind("2025-07-03", django_capture_on_commit_callbacks)
    remind("2025-07-03", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


def test_after_the_due_date_missing_reports_are_reminded_until_submitted(
    problems, people, june, django_capture_on_commit_callbacks
):
    remind("2025-07-06", django_capture_on_commit_callbacks)
    missing = Notification.objects.filter(kind="missing", recipient=people["zunyi"]).get()
    assert missing.title == "2 progress reports for 6/2025 are missing (due 2025-07-05)"
    assert missing.link == f"/dispatch/mine/?period={june.pk}"
    assert len(mail.outbox) == 2

    # 遵义市 submits one of the two, late: the set of missing problems changes, so the
    # unit hears about the one still missing; 贵阳市's reminder is not repeated.
    write(problems["z1"], june, people["zunyi"], when=at(2025, 7, 6, 15), on=date(2025, 6, 30))
    remind("2025-07-06", django_capture_on_commit_callbacks)
    assert sent_to() == [
        "guiyang@example.gov.cn",
        "zunyi@example.gov.cn",
        "zunyi@example.gov.cn",
    ]
    latest = mail.outbox[-1]
    assert "1 progress report for 6/2025 is missing" in latest.subject
    assert "问题2" in latest.body and "问题1" not in latest.body


def test_a_closed_period_is_not_reminded(
    problems, june, office_clerk, django_capture_on_commit_callbacks
):
    actions.check_set_period_closed(june, actor=office_clerk, closed=True)
    remind("2025-07-06", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_bad_date_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today: not a date"):
        call_command("remind", "--today", "2025-13-01")
