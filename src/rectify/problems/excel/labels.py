"""The words offices write in 完成情况 and 问题来源, both ways."""

from enum import StrEnum

from rectify.problems.excel.headers import name_key
from rectify.problems.states import Source, Status

# What the export writes for each as-of status (the office labels).
STATUS_LABELS = {
    Status.NOT_STARTED: "尚未启动",
    Status.BEHIND_SCHEDULE: "未达到序时进度",
    Status.ON_SCHEDULE: "达到序时进度",
    Status.AHEAD_OF_SCHEDULE: "超过序时进度",
    Status.COMPLETED: "完成整改",
    Status.SIGNED_OFF: "完成交账销号",
    Status.OVERDUE: "逾期未完成",
}


class Declared(StrEnum):
    """What a 完成情况 cell says happened, which decides the events to import."""

    NONE = "none"  # nothing reported yet
    PROGRESS = "progress"  # a percent was reported
    OVERDUE = "overdue"
    BASICALLY_DONE = "basically_done"
    ACCEPTED = "accepted"  # rectification accepted (完成整改)
    SIGNED_OFF = "signed_off"


# label → (what it declares, the as-of status it implies, for the consistency warning)
_LABELS: dict[str, tuple[Declared, tuple[str, ...]]] = {}


def _add(declared: Declared, statuses: tuple[str, ...], *labels: str) -> None:
    for label in labels:
        _LABELS[name_key(label)] = (declared, statuses)


_add(Declared.NONE, (Status.NOT_STARTED,), "尚未启动", "未启动", "未开始", "暂未启动")
_add(Declared.PROGRESS, (Status.BEHIND_SCHEDULE,), "未达到序时进度", "滞后序时进度", "进度滞后")
_add(
    Declared.PROGRESS,
    (Status.ON_SCHEDULE, Status.AHEAD_OF_SCHEDULE),
    "达到序时进度",
    "按序时推进",
    "序时推进",
)
_add(Declared.PROGRESS, (Status.AHEAD_OF_SCHEDULE,), "超过序时进度", "超序时进度")
_add(
    Declared.PROGRESS,
    (),
    "正在推进",
    "推进中",
    "正在整改",
    "整改中",
    "持续推进",
    "未完成",
    "正在办理",
)
_add(Declared.OVERDUE, (Status.OVERDUE,), "逾期未完成", "逾期", "超期未完成", "超期")
_add(Declared.BASICALLY_DONE, (), "基本完成", "基本完成整改")
_add(
    Declared.ACCEPTED,
    (Status.COMPLETED,),
    "完成整改",
    "已完成整改",
    "已完成",
    "完成",
    "整改完成",
    "已整改",
    "已验收",
    "验收通过",
    "完成验收",
    "已整改完成",
)
_add(
    Declared.SIGNED_OFF,
    (Status.SIGNED_OFF,),
    "完成交账销号",
    "已销号",
    "已完成销号",
    "完成销号",
    "交账销号",
    "已交账销号",
    "销号",
    "已完成整改并销号",
)


def parse_status(text: str) -> tuple[Declared, tuple[str, ...]] | None:
    """(declared, implied statuses) of a 完成情况 label, or None if unknown."""
    return _LABELS.get(name_key(text))


SOURCE_LABELS = {
    Source.FEEDBACK: "反馈意见",
    Source.SPOT_CHECK: "审核抽查",
    Source.SECRET_VISIT: "暗访",
    Source.COMPLAINT_CLUSTER: "信访举报",
}
_SOURCES = {name_key(v): k for k, v in SOURCE_LABELS.items()} | {
    name_key(k.value): k for k in Source
}
_SOURCES |= {
    name_key("督察反馈"): Source.FEEDBACK,
    name_key("抽查"): Source.SPOT_CHECK,
    name_key("随机抽查"): Source.SPOT_CHECK,
    name_key("暗访暗查"): Source.SECRET_VISIT,
    name_key("信访件"): Source.COMPLAINT_CLUSTER,
    name_key("群众举报"): Source.COMPLAINT_CLUSTER,
}


def parse_source(text: str) -> str | None:
    return _SOURCES.get(name_key(text))
