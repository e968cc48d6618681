"""The ledger: inspections, their feedback aspects, problems, measures, milestones and the
dated events from which every status is evaluated."""

import re
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.orgs.models import Org
from rectify.problems.states import (
    Colour,
    DeadlineKind,
    EventKind,
    ExtensionStatus,
    Source,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def day_number(d: date | None) -> int | None:
    """Proleptic ordinal of a date: lets SQL do date arithmetic the same on every engine."""
    return d.toordinal() if d is not None else None


def number_sort_key(number: str) -> int:
    """Natural order of problem numbers: "2" < "10", "3-2" < "3-10"."""
    parts = [int(x) for x in re.findall(r"\d+", number)[:2]]
    if not parts:
        return 0
    return min(parts[0], 999_999) * 1000 + (min(parts[1], 999) if len(parts) > 1 else 0)


class InspectionLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("Routine inspection")
    LOOKBACK = "lookback", _("Look-back")
    SPECIAL = "special", _("Special inspection")


class Inspection(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=InspectionLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    target_region = models.ForeignKey(
        Org, verbose_name=_("inspected region"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.CharField(_("inspection team"), max_length=120, blank=True)
    onsite_start = models.DateField(_("on site from"), null=True, blank=True)
    onsite_end = models.DateField(_("on site until"), null=True, blank=True)
    feedback_date = models.DateField(_("feedback date"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-feedback_date", "code"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_end__isnull=True)
                | Q(onsite_start__isnull=True)
                | Q(onsite_end__gte=F("onsite_start")),
                name="inspection_onsite_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Aspect(models.Model):
    """A section of the feedback opinion (方面)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="aspects")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="aspect_number_unique"),
            models.UniqueConstraint(fields=["inspection", "name"], name="aspect_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """Problem category (问题类别); configurable, seeded with the disclosure's seven."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="problems"
    )
    number = models.CharField(_("problem number"), max_length=30)
    sort_key = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    aspect = models.ForeignKey(
        Aspect, verbose_name=_("aspect"), null=True, blank=True, on_delete=models.PROTECT
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Org, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Org, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_problems"
    )
    cooperating_units = models.ManyToManyField(
        Org, verbose_name=_("cooperating units"), blank=True, related_name="cooperating_problems"
    )
    responsible_leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    target = models.TextField(_("rectification target"), blank=True)
    deadline_kind = models.CharField(
        _("kind of deadline"),
        max_length=16,
        choices=DeadlineKind.choices,
        default=DeadlineKind.BY_DATE,
    )
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)  # after extensions
    start_date = models.DateField(_("plan starts"))
    warning_days = models.PositiveSmallIntegerField(_("warning days"), default=30)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.FEEDBACK
    )
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Day numbers of the dates above (see day_number): SQL interpolates the plan with them.
    start_day = models.IntegerField(editable=False, default=0)
    original_deadline_day = models.IntegerField(editable=False, null=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "sort_key", "number"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="problem_number_unique"),
            models.CheckConstraint(
                condition=Q(deadline_kind="ongoing") | Q(original_deadline__isnull=False),
                name="problem_deadline_required",
            ),
            models.CheckConstraint(
                condition=Q(original_deadline__isnull=True)
                | Q(original_deadline__gte=F("start_date")),
                name="problem_deadline_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "inspection"], name="problem_lead_idx"),
            models.Index(fields=["region", "inspection"], name="problem_region_idx"),
            models.Index(fields=["category"], name="problem_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:40]}"

    def save(self, *args, **kwargs):
        # Derived columns are set here so that no writer can store inconsistent ones.
        self.start_day = day_number(self.start_date)
        self.original_deadline_day = day_number(self.original_deadline)
        self.sort_key = number_sort_key(self.number)
        super().save(*args, **kwargs)


class Measure(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    seq = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("measure"))
    responsible_unit = models.ForeignKey(
        Org, verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_date = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["problem", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "seq"], name="measure_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"


class Milestone(models.Model):
    """A point of the time-schedule plan (序时进度计划): `percent` planned by `date`."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    day = models.IntegerField(editable=False)
    percent = models.PositiveSmallIntegerField(_("planned percent"), validators=PERCENT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["problem", "date"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "date"], name="milestone_date_unique"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="milestone_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.percent}%"

    def save(self, *args, **kwargs):
        self.day = day_number(self.date)
        super().save(*args, **kwargs)


class StatusEvent(models.Model):
    """A dated change of a problem's state (业务日期 + time recorded); append-only."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    effective_date = models.DateField(_("effective date"))
    day = models.IntegerField(editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(null=True, blank=True, validators=PERCENT)
    new_deadline = models.DateField(null=True, blank=True)
    new_deadline_day = models.IntegerField(null=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    origin = models.CharField(max_length=30, blank=True)  # manual, import, dispatch, signoff …

    class Meta:
        ordering = ["problem", "effective_date", "id"]
        indexes = [
            models.Index(fields=["problem", "kind", "day"], name="event_problem_kind_day_idx"),
            models.Index(fields=["kind", "day"], name="event_kind_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="progress") | Q(percent__isnull=False),
                name="event_progress_has_percent",
            ),
            models.CheckConstraint(
                condition=~Q(kind="deadline_changed") | Q(new_deadline__isnull=False),
                name="event_deadline_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.kind}"

    def save(self, *args, **kwargs):
        self.day = day_number(self.effective_date)
        self.new_deadline_day = day_number(self.new_deadline)
        super().save(*args, **kwargs)


class WarningRecord(models.Model):
    """A warning colour a problem had on a date, as recorded by `rectify warnings`."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="warnings")
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    effective_date = models.DateField(_("date"))
    days = models.IntegerField(_("days"), default=0)  # overdue / behind / left, by colour
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "problem"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "effective_date"], name="warning_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.colour}"


class ExtensionRequest(models.Model):
    """延期申请: a unit asks for a later deadline; the office approves or refuses."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    current_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("current_deadline")),
                name="extension_is_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem} → {self.new_deadline}"


class EvidenceQuerySet(models.QuerySet):
    def active(self) -> "EvidenceQuerySet":
        """Evidence not removed by the office: what counts as proof of a problem."""
        return self.filter(removed_at__isnull=True)


class Evidence(models.Model):
    """A file (photo, PDF, Word, Excel) attached to a problem, optionally to one of its events.

    Written only by `problems.evidence`; removal is a soft delete, the file stays for the
    audit trail. The two flags are hints for the reviewer, computed at upload from the
    photo's EXIF (see `problems.evidence.evidence_flags`).
    """

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="evidence"
    )
    event = models.ForeignKey(
        StatusEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    possibly_old_photo = models.BooleanField(_("possibly an old photo"), default=False)
    possibly_elsewhere = models.BooleanField(_("possibly taken elsewhere"), default=False)
    distance_km = models.DecimalField(
        _("distance from the problem (km)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["problem", "-uploaded_at", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [
            models.Index(fields=["problem", "removed_at"], name="evidence_problem_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="evidence_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.file_id)
