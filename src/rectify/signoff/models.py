"""Acceptance and sign-off (验收销号): the configurable chain of levels, applications with
their dated steps, and the office-maintained working-day calendar."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holidays and adjusted workdays the office has entered completely."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("complete"), default=False)
    source = models.CharField(
        _("source document"), max_length=200, blank=True
    )  # 国办发明电〔2026〕N号

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that is a holiday although a weekday, or a workday although a weekend (调休)."""

    day = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_workday else '休'} {self.name}"


class LevelActor(models.TextChoices):
    """Whose reviewers act at a level, relative to the problem."""

    COUNTY = "county", _("County acceptance group of the problem's county")
    PREFECTURE = "prefecture", _("Acceptance group of the problem's prefecture")
    DEPARTMENT = "department", _("Reviewers of the competent provincial department")
    PROVINCE = "province", _("Provincial rectification office")


class AcceptanceLevel(models.Model):
    """One level of the acceptance chain for inspections of a given level (configurable)."""

    inspection_level = models.CharField(_("inspection level"), max_length=16)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=50)
    actor = models.CharField(_("acting body"), max_length=16, choices=LevelActor.choices)

    class Meta:
        ordering = ["inspection_level", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_level", "order"], name="acceptance_level_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AppState(models.TextChoices):
    IN_REVIEW = "in_review", _("Under acceptance review")
    RETURNED = "returned", _("Returned for rework")
    NOTICE = "notice", _("Under public notice")
    SIGNED_OFF = "signed_off", _("Signed off")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REBOUND = "rebound", _("Rebound after sign-off")


class Application(models.Model):
    """A unit's application to have a problem accepted and signed off."""

    problem = models.ForeignKey(
        "problems.Problem", on_delete=models.PROTECT, related_name="signoff_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applicant_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("applied on"))
    completion_report = models.TextField(_("completion report"))
    state = models.CharField(
        _("state"), max_length=16, choices=AppState.choices, default=AppState.IN_REVIEW
    )
    current_level = models.ForeignKey(
        AcceptanceLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    levels = models.JSONField(default=list)  # ids of the levels this problem goes through
    accepted_on = models.DateField(_("acceptance passed on"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("notice working days"), default=10)
    notice_start = models.DateField(_("notice from"), null=True, blank=True)
    notice_end = models.DateField(_("notice until"), null=True, blank=True)
    notice_problem = models.CharField(max_length=200, blank=True)  # e.g. calendar missing
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one live application per problem.
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(state__in=["in_review", "notice"]),
                name="signoff_one_live_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem} · {self.get_state_display()}"


class StepKind(models.TextChoices):
    APPLY = "apply", _("Applied")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")
    WITHDRAW = "withdraw", _("Withdrawn")
    OBJECT = "object", _("Objection during notice")
    SIGN_OFF = "sign_off", _("Signed off")
    REBOUND = "rebound", _("Rebound")
    SCHEDULE = "schedule", _("Notice scheduled")


class Step(models.Model):
    """One dated step of an application, with who took it and their opinion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=12, choices=StepKind.choices)
    level = models.ForeignKey(
        AcceptanceLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    onsite_record = models.TextField(_("on-site check record"), blank=True)
    effective_date = models.DateField(_("effective date"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.kind}"
