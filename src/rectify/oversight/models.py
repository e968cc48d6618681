"""Oversight records: accountability (责任追究), supervision actions (致函 / 约谈 /
通报 / 暗访暗查 / 抽查 / 警示片) with their findings, meetings, battle teams (督战队)
and responsibility letters (目标责任书). Every figure the disclosure reports about them
is a query over these rows (oversight.stats), as of a date: each row carries the date
it took effect."""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.orgs.models import Org
from rectify.oversight.states import (
    ActionKind,
    CaseSource,
    CaseStatus,
    RankCode,
    SpotCheckKind,
    Verdict,
)
from rectify.problems.models import Inspection, Problem

_KEY_NOISE = re.compile(r"[\s\u3000·•.．,，、()（）\[\]【】\"'“”‘’]+")


def identity_key(text: str) -> str:
    """Comparison form of a name or unit: NFKC, no spaces, dots, brackets or quotes."""
    return _KEY_NOISE.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()


# --- reference data (editable labels; seeded by migrations) -------------------------------


class Rank(models.Model):
    """厅级 / 处级 / 科级及以下: fixed codes, labels the office may rename (厅局级 …)."""

    code = models.CharField(_("code"), max_length=16, unique=True, choices=RankCode.choices)
    label = models.CharField(_("label"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")

    def __str__(self) -> str:
        return self.label


class SanctionClass(models.Model):
    """A class of handling (党纪政务处分, 组织处理, 诫勉谈话 …); configurable."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("sanction class")
        verbose_name_plural = _("sanction classes")

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.Model):
    """省委常委会会议, 省政府常务会议, 专题会 …; configurable."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("kind of meeting")
        verbose_name_plural = _("kinds of meeting")

    def __str__(self) -> str:
        return self.name


# --- accountability ------------------------------------------------------------------------


class AccountabilityCase(models.Model):
    """A case of accountability (责任追究案件) and the decisions taken in it."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("case number"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices)
    received_date = models.DateField(_("received on"))
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    decision_date = models.DateField(_("decided on"), null=True, blank=True)
    published = models.BooleanField(
        _("published as a typical case"),
        default=False,
        help_text=_("Shown on the public portal, without names."),
    )
    problems = models.ManyToManyField(
        Problem, verbose_name=_("linked problems"), blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "received_date", "number"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"], name="oversight_case_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True)
                | Q(decision_date__gte=models.F("received_date")),
                name="oversight_case_decided_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:40]}"


class CaseStatusChange(models.Model):
    """History of a case's status: who moved it where, when, and why."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    effective_date = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.from_status} → {self.to_status}"


class HeldOrganization(models.Model):
    """A party organisation held accountable in a case (e.g. 中共××县委, ××局党组)."""

    case = models.ForeignKey(
        AccountabilityCase, on_delete=models.CASCADE, related_name="organizations"
    )
    name = models.CharField(_("organisation held accountable"), max_length=200)
    org_key = models.CharField(max_length=200, editable=False, db_index=True)
    org = models.ForeignKey(
        Org,
        verbose_name=_("belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling = models.CharField(_("handling"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    decision_date = models.DateField(
        _("decided on"), null=True, blank=True, help_text=_("Empty: the case's decision date.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "org_key"], name="oversight_held_org_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.org_key = identity_key(self.name)
        super().save(*args, **kwargs)


def person_key_of(name: str, unit: str, identifier: str = "") -> str:
    """Who a held person is, across cases: an identifier if given, else name + unit."""
    if identifier.strip():
        return "id:" + identity_key(identifier)
    return f"{identity_key(name)}|{identity_key(unit)}"


class HeldPerson(models.Model):
    """One sanction of one official (one 人次); the same person in two rows counts once
    among persons (same `person_key`) and twice among person-times."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    org = models.ForeignKey(
        Org,
        verbose_name=_("belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=60,
        blank=True,
        help_text=_("Optional: tells apart two officials of the same name and unit."),
    )
    person_key = models.CharField(max_length=300, editable=False, db_index=True)
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT)
    sanction = models.ForeignKey(
        SanctionClass, verbose_name=_("sanction"), on_delete=models.PROTECT
    )
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    decision_date = models.DateField(
        _("decided on"), null=True, blank=True, help_text=_("Empty: the case's decision date.")
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person_key", "sanction"], name="oversight_held_person_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.post})" if self.post else self.name

    def save(self, *args, **kwargs):
        unit = self.unit_name or (self.org.name if self.org_id else "")
        self.person_key = person_key_of(self.name, unit, self.identifier)
        super().save(*args, **kwargs)


# --- supervision actions ----------------------------------------------------------------------


class SupervisionAction(models.Model):
    """A dated supervision measure targeted at orgs, linked to problems."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    check_kind = models.CharField(
        _("kind of spot check"), max_length=8, choices=SpotCheckKind.choices, blank=True
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    conducted_by = models.CharField(_("conducted by"), max_length=200, blank=True)
    target_orgs = models.ManyToManyField(
        Org, verbose_name=_("targeted units"), blank=True, related_name="+"
    )
    problems = models.ManyToManyField(
        Problem, verbose_name=_("linked problems"), blank=True, related_name="+"
    )
    # Set when the action answers an escalation proposal of problems.watch: the proposal
    # (problem, kind, trigger date) then shows as handled.
    proposal_problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal_kind = models.CharField(max_length=16, blank=True)
    proposal_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("supervision action")
        verbose_name_plural = _("supervision actions")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "kind", "date", "title"], name="oversight_action_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="spot_check") | Q(check_kind=""),
                name="oversight_action_check_kind_only_for_spot_checks",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "kind", "date"], name="oversight_act_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.title[:40]}"


class Finding(models.Model):
    """What a secret visit or spot check found: a new problem, or the state of a listed one."""

    action = models.ForeignKey(SupervisionAction, on_delete=models.CASCADE, related_name="findings")
    seq = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("finding"))
    org = models.ForeignKey(
        Org, verbose_name=_("where"), null=True, blank=True, on_delete=models.PROTECT
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # True when the problem was filed from this finding (a secret visit's new problem).
    created_problem = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["action", "seq"], name="oversight_finding_seq_unique"),
            models.CheckConstraint(
                condition=Q(created_problem=False) | Q(problem__isnull=False),
                name="oversight_finding_created_has_problem",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"


# --- meetings ------------------------------------------------------------------------------------


class Meeting(models.Model):
    date = models.DateField(_("date"))
    kind = models.ForeignKey(MeetingKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    topic = models.CharField(_("topic"), max_length=300)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chaired_by = models.CharField(_("chaired by"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "kind", "topic"], name="oversight_meeting_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.topic[:30]}"


# --- battle teams --------------------------------------------------------------------------------


class BattleTeam(models.Model):
    """A battle team (督战队): a leading official, members, assigned orgs, listed problems.

    Member accounts read the assigned orgs through accounts.ScopeGrant rows that the team
    actions keep in step (reason "battle team <name>").
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_name = models.CharField(_("leading official"), max_length=50)
    leader_post = models.CharField(_("post of the leading official"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("member accounts"), blank=True, related_name="+"
    )
    member_names = models.TextField(
        _("other members"), blank=True, help_text=_("Members without an account, one a line.")
    )
    assigned_orgs = models.ManyToManyField(
        Org, verbose_name=_("assigned units"), blank=True, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), null=True, blank=True)
    listed = models.ManyToManyField(
        Problem, through="TeamListing", blank=True, related_name="+", verbose_name=_("problems")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_start", "name"]
        verbose_name = _("battle team")
        verbose_name_plural = _("battle teams")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="oversight_team_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grant_reason(self) -> str:
        return f"battle team {self.name}"


class TeamListing(models.Model):
    """A problem listed under a team (挂牌督战) on a date."""

    team = models.ForeignKey(BattleTeam, on_delete=models.CASCADE, related_name="listings")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField(_("listed on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["team", "listed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "problem"], name="oversight_listing_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.problem_id} {self.listed_on}"


class TeamVisit(models.Model):
    """A visit by a team member: where, which problem, what was found."""

    team = models.ForeignKey(BattleTeam, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org = models.ForeignKey(Org, verbose_name=_("unit visited"), on_delete=models.PROTECT)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.TextField(_("findings"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.org}"


# --- responsibility letters ---------------------------------------------------------------------


class ResponsibilityLetter(models.Model):
    """A yearly target letter (目标责任书) signed with a prefecture or a department."""

    year = models.PositiveSmallIntegerField(_("year"))
    org = models.ForeignKey(Org, verbose_name=_("signed with"), on_delete=models.PROTECT)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signatory = models.CharField(_("signed by"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        constraints = [
            models.UniqueConstraint(fields=["year", "org"], name="oversight_letter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org}"


class LetterTarget(models.Model):
    letter = models.ForeignKey(
        ResponsibilityLetter, on_delete=models.CASCADE, related_name="targets"
    )
    seq = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("target"))

    class Meta:
        ordering = ["letter", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "seq"], name="oversight_target_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"


# --- documents -------------------------------------------------------------------------------


class Document(models.Model):
    """A file (decision, letter, minutes, photo) attached to exactly one oversight record."""

    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    case = models.ForeignKey(
        AccountabilityCase, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    action = models.ForeignKey(
        SupervisionAction, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    letter = models.ForeignKey(
        ResponsibilityLetter, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    visit = models.ForeignKey(
        TeamVisit, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    OWNERS = ("case", "action", "letter", "visit", "meeting")

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, action=None, letter=None, visit=None, meeting=None)
                    | Q(case=None, action__isnull=False, letter=None, visit=None, meeting=None)
                    | Q(case=None, action=None, letter__isnull=False, visit=None, meeting=None)
                    | Q(case=None, action=None, letter=None, visit__isnull=False, meeting=None)
                    | Q(case=None, action=None, letter=None, visit=None, meeting__isnull=False)
                ),
                name="oversight_document_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.file)
