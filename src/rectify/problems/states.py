"""Status vocabulary of the ledger and the kinds of dated events that drive it.

A problem's status is never stored: it is evaluated as of a date from its dated events
(see asof.py). Events are the only thing that changes it, and only actions write events.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SIGNED_OFF = "signed_off", _("Signed off")  # 完成交账销号
    COMPLETED = "completed", _("Rectification completed")  # 完成整改
    OVERDUE = "overdue", _("Overdue")  # 逾期未完成
    NOT_STARTED = "not_started", _("Not started")  # 尚未启动
    BEHIND_SCHEDULE = "behind_schedule", _("Behind schedule")  # 未达到序时进度
    ON_SCHEDULE = "on_schedule", _("On schedule")  # 达到序时进度
    AHEAD_OF_SCHEDULE = "ahead_of_schedule", _("Ahead of schedule")  # 超过序时进度


# Statuses counted as "on schedule" in reports: ahead is a kind of on schedule.
ON_SCHEDULE_STATUSES = (Status.ON_SCHEDULE, Status.AHEAD_OF_SCHEDULE)
# "已完成整改" in a disclosure.
DONE_STATUSES = (Status.COMPLETED, Status.SIGNED_OFF)
OPEN_STATUSES = (
    Status.OVERDUE,
    Status.NOT_STARTED,
    Status.BEHIND_SCHEDULE,
    Status.ON_SCHEDULE,
    Status.AHEAD_OF_SCHEDULE,
)


class EventKind(models.TextChoices):
    PROGRESS = "progress", _("Progress reported")  # percent
    APPLIED = "applied", _("Applied for acceptance")  # 申请验收
    ACCEPTED = "accepted", _("Acceptance passed")  # 验收通过 → completed
    SIGNED_OFF = "signed_off", _("Signed off")  # 销号
    REOPENED = "reopened", _("Reopened (rebound)")  # 反弹 / returned after objection
    DEADLINE_CHANGED = "deadline_changed", _("Deadline extended")  # approved 延期
    BASICALLY_DONE = "basically_done", _("Basically done")  # 基本完成, reported apart
    CRITICISED = "criticised", _("Criticised publicly")  # makes the warning red


# Events that move a problem between open, completed and signed off; the latest wins.
COMPLETION_KINDS = (EventKind.ACCEPTED, EventKind.SIGNED_OFF, EventKind.REOPENED)


class DeadlineKind(models.TextChoices):
    BY_DATE = "by_date", _("By date")  # 按期
    IMMEDIATE = "immediate", _("Immediate")  # 立行立改
    ONGOING = "ongoing", _("Ongoing")  # 长期坚持


class Source(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback opinion")
    SPOT_CHECK = "spot_check", _("Spot check")  # 审核抽查
    SECRET_VISIT = "secret_visit", _("Secret visit")  # 暗访
    COMPLAINT_CLUSTER = "complaint_cluster", _("Complaint cluster")


class Colour(models.TextChoices):
    """三色预警; precedence red > yellow > blue."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Allowed edges of an extension request: (from, to) → the capability needed.
EXTENSION_TRANSITIONS = {
    (ExtensionStatus.PENDING, ExtensionStatus.APPROVED): "decide_extension",
    (ExtensionStatus.PENDING, ExtensionStatus.REFUSED): "decide_extension",
    (ExtensionStatus.PENDING, ExtensionStatus.WITHDRAWN): "request_extension",
}
