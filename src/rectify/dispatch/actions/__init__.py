"""Every write of the monthly dispatch: one transaction each, permission- and scope-checked,
audited; mail leaves only after the transaction commits.

`check_*` validates its input (errors name the field, in the user's language, and change
nothing); `do_*` trusts it. Views, API routes and the `remind` command call these.

Decisions where the brief was silent:
- A report's percent may go below the previous reported percent only with a reason
  (`decrease_reason`), which is kept on the report and in the progress event's note.
- The report's date lies between the period's first day and the later of its last day and
  its due date, never in the future, never before the problem was listed.
- Files are attached when the report is submitted (they prove the PROGRESS event the
  submission writes); a draft keeps text, percent, date and ticked measures only.
- Returning a report does not undo its progress event (events are append-only); the
  corrected submission writes a new event with the same date, which then wins.
- Lateness is that of the first submission: a report sent in time and returned for
  correction is not late when it comes back after the due date.
"""

from rectify.dispatch.actions.notifications import (
    ReminderRun,
    do_mark_notifications_read,
    do_notify,
    do_send_reminders,
    send_mails,
)
from rectify.dispatch.actions.periods import (
    check_open_period,
    check_set_period_closed,
    do_open_period,
)
from rectify.dispatch.actions.progress import (
    ReportData,
    check_review_report,
    check_write_report,
    do_mark_measures_done,
    do_review_report,
    do_submit_report,
    do_write_report,
    previous_percent,
    status_on,
    validate_report,
)

__all__ = [
    "ReminderRun",
    "ReportData",
    "check_open_period",
    "check_review_report",
    "check_set_period_closed",
    "check_write_report",
    "do_mark_measures_done",
    "do_mark_notifications_read",
    "do_notify",
    "do_open_period",
    "do_review_report",
    "do_send_reminders",
    "do_submit_report",
    "do_write_report",
    "previous_percent",
    "send_mails",
    "status_on",
    "validate_report",
]
