"""Vocabulary of oversight records and the one table of case status edges.

An accountability case is opened when it reaches the province (移交 / 典型案例 / found by
the province's own supervision), decided when the handling decisions are taken, and closed
(办结) once they are carried out. Who may move it: the office (MANAGE_OVERSIGHT) only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred by the inspection team")  # 督察组移交
    TYPICAL = "typical", _("Typical case exposed")  # 典型案例
    PROVINCIAL = "provincial", _("Found by provincial supervision")  # 省级督察发现


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Being handled")  # 正在办理
    DECIDED = "decided", _("Decided")  # 已作出处理决定
    CLOSED = "closed", _("Closed")  # 已办结


# (from, to): the edges a case may take; every one needs MANAGE_OVERSIGHT.
CASE_TRANSITIONS = {
    (CaseStatus.OPEN, CaseStatus.DECIDED),
    (CaseStatus.DECIDED, CaseStatus.CLOSED),
    (CaseStatus.DECIDED, CaseStatus.OPEN),  # a decision annulled or to be redone
    (CaseStatus.CLOSED, CaseStatus.DECIDED),  # closure found premature
}


class RankCode(models.TextChoices):
    """The three ranks disclosures count by; the labels shown are data (oversight.Rank)."""

    BUREAU = "bureau", _("Bureau level")  # 厅级
    DIVISION = "division", _("Division level")  # 处级
    SECTION = "section", _("Section level and below")  # 科级及以下


class ActionKind(models.TextChoices):
    LETTER = "letter", _("Supervision letter")  # 致函
    INTERVIEW = "interview", _("Interview")  # 约谈
    NOTIFICATION = "notification", _("Notification")  # 通报
    SECRET_VISIT = "secret_visit", _("Secret visit")  # 暗访暗查
    SPOT_CHECK = "spot_check", _("Spot check")  # 随机抽查 / 审核抽查
    WARNING_FILM = "warning_film", _("Warning film")  # 警示片


# Kinds an escalation proposal (problems.watch) may be answered with.
PROPOSAL_ACTION_KINDS = {"letter": ActionKind.LETTER, "interview": ActionKind.INTERVIEW}


class SpotCheckKind(models.TextChoices):
    RANDOM = "random", _("Random spot check")  # 随机抽查
    AUDIT = "audit", _("Audit spot check")  # 审核抽查


class Verdict(models.TextChoices):
    """What a spot check or a visit found about a problem's rectification."""

    RECTIFIED = "rectified", _("Rectified as reported")  # 整改到位
    PARTLY = "partly", _("Partly rectified")  # 部分整改到位
    NOT_RECTIFIED = "not_rectified", _("Not rectified")  # 未整改到位
    SUPERFICIAL = "superficial", _("Superficial rectification")  # 表面整改、敷衍整改
    NEW_PROBLEM = "new_problem", _("New problem found")  # 新发现问题


# Org kinds as the accountability figures group them (by_org_kind keys).
UNKNOWN_ORG_KIND = "other"
