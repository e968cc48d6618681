"""States of a progress report and the one table of who may move it where.

A report is written (draft), submitted by its lead unit, then either reviewed (frozen for
good) or returned for correction, after which the unit corrects and submits it again.
Roles of the table (decided per user and report in permissions.py):
  unit      a user who writes progress for the problem's lead unit (or the office);
  reviewer  the office, or the acceptance reviewer of the lead unit's prefecture, never
            the person who wrote or submitted the report.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    RETURNED = "returned", _("Returned for correction")


class ReportStep(models.TextChoices):
    SAVE = "save", _("Save draft")
    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Mark reviewed")
    RETURN = "return", _("Return for correction")


NEW = ""  # a report that does not exist yet

# (state, step) → (state after, role that may take the step).
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (NEW, ReportStep.SAVE): (ReportState.DRAFT, "unit"),
    (NEW, ReportStep.SUBMIT): (ReportState.SUBMITTED, "unit"),
    (ReportState.DRAFT, ReportStep.SAVE): (ReportState.DRAFT, "unit"),
    (ReportState.DRAFT, ReportStep.SUBMIT): (ReportState.SUBMITTED, "unit"),
    (ReportState.RETURNED, ReportStep.SAVE): (ReportState.RETURNED, "unit"),
    (ReportState.RETURNED, ReportStep.SUBMIT): (ReportState.SUBMITTED, "unit"),
    (ReportState.SUBMITTED, ReportStep.ACCEPT): (ReportState.REVIEWED, "reviewer"),
    (ReportState.SUBMITTED, ReportStep.RETURN): (ReportState.RETURNED, "reviewer"),
}

# States in which the unit may still change the report's content.
EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
# States that count as "submitted" for the period's figures (returned ones were submitted
# once; their lateness is that of the first submission).
SUBMITTED_STATES = (ReportState.SUBMITTED, ReportState.REVIEWED, ReportState.RETURNED)


class NotificationKind(models.TextChoices):
    PERIOD_OPENED = "period_opened", _("Dispatch period opened")
    DUE_SOON = "due_soon", _("Report due soon")
    MISSING = "missing", _("Report missing")
    REVIEWED = "reviewed", _("Report reviewed")
    RETURNED = "returned", _("Report returned")
