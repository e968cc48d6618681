"""Closure states of a complaint and the one table of allowed transitions.

Publications know three closure states (已办结 · 阶段性办结 · 未办结); a complaint that has
been transferred but not yet assigned to a lead unit is also 未办结 there. Returning one for
rework (退回重办) puts a closed or stage-closed complaint back in progress.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECEIVED = "received", _("Received, not yet assigned")  # 已交办, 待分办
    IN_PROGRESS = "in_progress", _("In progress")  # 未办结 / 正在办理
    STAGE_CLOSED = "stage_closed", _("Closed for this stage")  # 阶段性办结
    CLOSED = "closed", _("Closed")  # 已办结


# Counted as 未办结 in publications and statistics.
OPEN_STATES = (State.RECEIVED, State.IN_PROGRESS)


class Step(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ASSIGN = "assign", _("Assigned")
    REASSIGN = "reassign", _("Reassigned")
    CLOSE = "close", _("Closed")
    CLOSE_STAGE = "close_stage", _("Closed for this stage")
    RETURN = "return", _("Returned for rework")  # 退回重办


# (from state, step) → (to state, who may take it). Who:
#   office  the rectification office (Cap.MANAGE_COMPLAINTS)
#   handler the lead unit the complaint is assigned to, or the office (Cap.HANDLE_COMPLAINTS
#           and the complaint's lead unit within the user's scope)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (State.RECEIVED, Step.ASSIGN): (State.IN_PROGRESS, "office"),
    (State.IN_PROGRESS, Step.REASSIGN): (State.IN_PROGRESS, "office"),
    (State.IN_PROGRESS, Step.CLOSE): (State.CLOSED, "handler"),
    (State.IN_PROGRESS, Step.CLOSE_STAGE): (State.STAGE_CLOSED, "handler"),
    (State.STAGE_CLOSED, Step.CLOSE): (State.CLOSED, "handler"),
    (State.STAGE_CLOSED, Step.RETURN): (State.IN_PROGRESS, "office"),
    (State.CLOSED, Step.RETURN): (State.IN_PROGRESS, "office"),
}


def allowed_steps(state: str) -> list[str]:
    return [step for (from_state, step) in TRANSITIONS if from_state == state]


class Verdict(models.TextChoices):
    TRUE = "true", _("True")  # 属实
    MOSTLY_TRUE = "mostly_true", _("Mostly true")  # 基本属实
    PARTLY_TRUE = "partly_true", _("Partly true")  # 部分属实
    UNTRUE = "untrue", _("Untrue")  # 不属实


VERDICT_ZH = {
    Verdict.TRUE: "属实",
    Verdict.MOSTLY_TRUE: "基本属实",
    Verdict.PARTLY_TRUE: "部分属实",
    Verdict.UNTRUE: "不属实",
}


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")  # D
    LETTER = "letter", _("Letter or online")  # X


class Industry(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industry")  # 工业类
    MINING = "mining", _("Mining")  # 矿山类
    LIVESTOCK = "livestock", _("Livestock farming")  # 畜禽养殖类
    URBAN = "urban", _("Urban management")  # 城市管理类
    RURAL = "rural", _("Rural environment")  # 农村环境类
    RESERVE = "reserve", _("Nature reserves")  # 自然保护区类
    OTHER = "other", _("Other")  # 其他类


INDUSTRY_ZH = {
    Industry.INDUSTRIAL: "工业类",
    Industry.MINING: "矿山类",
    Industry.LIVESTOCK: "畜禽养殖类",
    Industry.URBAN: "城市管理类",
    Industry.RURAL: "农村环境类",
    Industry.RESERVE: "自然保护区类",
    Industry.OTHER: "其他类",
}

# Enforcement counts of a handling result: field name → (Chinese label, unit) as offices print
# them in the 边督边改 publication, in that order.
ENFORCEMENT_FIELDS: dict[str, tuple[str, str]] = {
    "ordered_rectify": ("责令整改", "家"),
    "penalty_cases": ("立案处罚", "家"),
    "fines_yuan": ("罚款", "元"),
    "criminal_cases": ("立案侦查", "件"),
    "admin_detained": ("行政拘留", "人"),
    "criminal_detained": ("刑事拘留", "人"),
    "interviewed": ("约谈", "人"),
    "held_accountable": ("问责", "人"),
}
