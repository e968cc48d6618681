"""Public complaints handed over by an inspection team (信访举报件): batches, complaints, their
dated closure steps and handling results, the complainant's encrypted identity, and the
MinHash bands through which repeats are found."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.complaints.states import Channel, Industry, State, Step, Verdict
from rectify.orgs.models import Org
from rectify.problems.models import Inspection, Problem


class PollutionType(models.Model):
    """Reference list of pollution types (水, 大气, 土壤 …); `aliases` map the longer lists
    offices also use (油烟污染 → 大气) when importing."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    aliases = models.CharField(_("also written"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("pollution type")

    def __str__(self) -> str:
        return self.name


class ComplaintBatch(models.Model):
    """One numbered transfer (交办批次) of complaints from the inspection team."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("batch number"))
    received_on = models.DateField(_("received on"))
    stated_count = models.PositiveIntegerField(_("number of complaints stated by the team"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection_id", "number"]
        verbose_name = _("complaint batch")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="batch_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspection.code} #{self.number}"


class Complaint(models.Model):
    batch = models.ForeignKey(
        ComplaintBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="complaints"
    )
    acceptance_no = models.CharField(_("acceptance number"), max_length=40, unique=True)
    original_order = models.PositiveIntegerField(_("original order"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    # Scrubbed at intake of the complainant's own name, phone and address (see actions).
    content = models.TextField(_("complaint"))
    region = models.ForeignKey(
        Org, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    region_confirmed = models.BooleanField(_("region confirmed"), default=True)
    pollution_types = models.ManyToManyField(
        PollutionType, verbose_name=_("pollution types"), related_name="complaints"
    )
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True)
    is_key = models.BooleanField(_("key case"), default=False)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Assignment (交办到牵头单位).
    lead_unit = models.ForeignKey(
        Org,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Closure state after the latest step; steps are recorded in date order, so this is also
    # the state as of today. Statistics as of a date read the steps, never this field.
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    stage_closed_on = models.DateField(_("closed for this stage on"), null=True, blank=True)
    latest_result = models.ForeignKey(
        "HandlingResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("ledger problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
    )
    # The day the office linked it as a repeat: repeat counts as of a date use it.
    repeat_linked_on = models.DateField(_("linked as a repeat on"), null=True, blank=True)
    # Repeat detection (dedupe.py): the MinHash signature of the content and the normalised
    # enterprise or address named in it.
    signature = models.BinaryField(null=True, editable=False)
    place_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch_id", "original_order", "acceptance_no"]
        verbose_name = _("complaint")
        indexes = [
            models.Index(fields=["state", "batch"], name="complaint_state_batch"),
            models.Index(fields=["lead_unit", "state"], name="complaint_unit_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(repeat_of=models.F("id")), name="complaint_not_repeat_of_itself"
            )
        ]

    def __str__(self) -> str:
        return self.acceptance_no


class Complainant(models.Model):
    """The complainant's name, phone and address, encrypted (crypto.py); only the office may
    decrypt, with a reason that is audited. Kept apart so that no serialiser of Complaint
    can carry it by accident."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="complainant"
    )
    ciphertext = models.BinaryField()
    key_id = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"complainant of complaint {self.complaint_id}"  # never the data


class ComplaintStep(models.Model):
    """A dated change of a complaint's closure state (or its assignment)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    from_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=State.choices)
    effective_date = models.DateField(_("effective date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Org, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["complaint", "effective_date"], name="cstep_day")]

    def __str__(self) -> str:
        return f"{self.step} {self.effective_date}"


class HandlingResult(models.Model):
    """A lead unit's investigation and handling of a complaint, as filed on a date; a later
    filing supersedes an earlier one from its date on."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="results")
    effective_date = models.DateField(_("date"))
    recorded_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    investigation = models.TextField(_("investigation findings"))  # 调查核实情况
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    handling = models.TextField(_("handling and rectification"))  # 处理和整改情况
    ordered_rectify = models.PositiveIntegerField(_("ordered to rectify (firms)"), default=0)
    penalty_cases = models.PositiveIntegerField(_("penalty cases (firms)"), default=0)
    fines_yuan = models.DecimalField(_("fines (yuan)"), max_digits=14, decimal_places=2, default=0)
    criminal_cases = models.PositiveIntegerField(_("criminal cases opened"), default=0)
    admin_detained = models.PositiveIntegerField(_("administrative detentions"), default=0)
    criminal_detained = models.PositiveIntegerField(_("criminal detentions"), default=0)
    interviewed = models.PositiveIntegerField(_("officials interviewed"), default=0)
    held_accountable = models.PositiveIntegerField(_("officials held accountable"), default=0)
    accountability = models.TextField(_("accountability details"), blank=True)  # 问责情况

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["complaint", "effective_date"], name="cresult_day")]
        constraints = [
            models.CheckConstraint(condition=Q(fines_yuan__gte=0), name="fines_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} {self.effective_date}"


class ComplaintBand(models.Model):
    """One LSH band of a complaint's MinHash signature, as a 63-bit key (band number mixed
    in): complaints sharing a key are repeat candidates. In the database so that every
    worker sees the same index."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        # Complaint in the index too: a lookup reads the index only, never the table.
        indexes = [models.Index(fields=["key", "complaint"], name="cband_key")]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.key}"


class RepeatRejection(models.Model):
    """The office looked at a suggested pair and said it is not a repeat: not suggested again."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "other"], name="repeat_rejection_unique")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} ≠ {self.other_id}"


class Publication(models.Model):
    """A published 边督边改 handling publication: its paragraphs and one-line-per-complaint
    table as they were on publication, frozen (the portal shows exactly this)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        ComplaintBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    title = models.CharField(_("title"), max_length=200)
    paragraphs = models.JSONField(default=list)  # the standard paragraphs, in order
    figures = models.JSONField(default=dict)  # the figures the paragraphs state
    rows = models.JSONField(default=list)  # the public table, already without personal data
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-as_of", "-batch__number"]
        verbose_name = _("complaint-handling publication")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "as_of"],
                condition=Q(withdrawn_at__isnull=True),
                name="publication_batch_day_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title
