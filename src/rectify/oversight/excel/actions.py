"""Supervision actions (督办措施) in and out of Excel: 类型, 日期, 标题/事由,
对象单位, 关联问题编号, 文号, … Same rules as the persons sheet: every cell checked
first, one transaction, written through the supervision actions, idempotent (keyed by
inspection, kind, date and title)."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.orgs.models import Org
from rectify.oversight.actions import check_create_action, check_update_action
from rectify.oversight.excel.common import (
    ImportOutcome,
    SheetImport,
    apply_action,
    org_labels,
    parse_cell,
    write_workbook,
)
from rectify.oversight.models import SupervisionAction
from rectify.oversight.states import ActionKind, SpotCheckKind
from rectify.problems.excel import cells as C
from rectify.problems.excel.headers import Column, ColumnSet, name_key
from rectify.problems.excel.rows import OrgIndex
from rectify.problems.models import Problem

SHEET = "督办措施"
COLUMNS = ColumnSet(
    (
        Column("seq", "序号", ("编号",)),
        Column("kind", "类型", ("督办类型", "措施类型", "督办方式", "方式", "类别")),
        Column("date", "日期", ("时间", "督办日期", "发文日期", "约谈日期", "实施日期")),
        Column("title", "标题", ("事由", "主题", "名称", "督办事项", "标题/事由")),
        Column(
            "targets",
            "对象单位",
            ("对象", "督办对象", "被约谈单位", "致函对象", "涉及单位", "被通报单位"),
        ),
        Column("problems", "关联问题编号", ("问题编号", "关联问题", "涉及问题编号")),
        Column("document_number", "文号", ("发文字号", "文件编号", "发文文号")),
        Column("conducted_by", "实施单位", ("组织单位", "牵头组织", "实施机关")),
        Column("content", "内容", ("主要内容", "情况说明", "督办内容", "备注")),
    ),
    required=("kind", "date", "title"),
)
FIELD_COLUMNS = {
    "title": "title",
    "kind": "kind",
    "check_kind": "kind",
    "date": "date",
    "target_orgs": "targets",
    "problems": "problems",
    "document_number": "document_number",
    "conducted_by": "conducted_by",
    "content": "content",
}
KIND_HINT = "致函、约谈、通报、暗访暗查、随机抽查、审核抽查、警示片"
KIND_WORDS: dict[str, tuple[str, str]] = {}
for _words, _kind, _check in (
    (("致函", "督办函", "函", "督办", "提醒函"), ActionKind.LETTER, ""),
    (("约谈",), ActionKind.INTERVIEW, ""),
    (("通报", "通报批评", "公开通报"), ActionKind.NOTIFICATION, ""),
    (("暗访", "暗访暗查", "暗查", "明查暗访"), ActionKind.SECRET_VISIT, ""),
    (("随机抽查", "抽查"), ActionKind.SPOT_CHECK, SpotCheckKind.RANDOM),
    (("审核抽查", "审核"), ActionKind.SPOT_CHECK, SpotCheckKind.AUDIT),
    (("警示片", "警示教育片"), ActionKind.WARNING_FILM, ""),
):
    for _word in _words:
        KIND_WORDS[name_key(_word)] = (_kind, _check)
for _kind in ActionKind:
    KIND_WORDS.setdefault(name_key(_kind.value), (_kind, ""))


def kind_label(action: SupervisionAction) -> str:
    """The 类型 cell the export writes; the import reads it back."""
    if action.kind == ActionKind.SPOT_CHECK:
        return "审核抽查" if action.check_kind == SpotCheckKind.AUDIT else "随机抽查"
    return {
        ActionKind.LETTER: "致函",
        ActionKind.INTERVIEW: "约谈",
        ActionKind.NOTIFICATION: "通报",
        ActionKind.SECRET_VISIT: "暗访暗查",
        ActionKind.WARNING_FILM: "警示片",
    }[ActionKind(action.kind)]


def _import(sheet, reader, outcome: ImportOutcome, inspection, actor, today: date) -> None:
    orgs = OrgIndex()
    numbers = dict(Problem.objects.filter(inspection=inspection).values_list("number", "pk"))
    planned = []
    seen: dict[tuple, int] = {}
    for r, cells in sheet.rows:
        before = len(outcome.errors)
        kind_text = reader.text(cells, "kind")
        kind = KIND_WORDS.get(name_key(kind_text))
        if kind is None:
            reader.error(
                r,
                "kind",
                _("Unknown kind %(value)s; use %(kinds)s.")
                % {"value": kind_text or "—", "kinds": KIND_HINT},
            )
        day = parse_cell(reader, r, cells, "date", C.parse_date)
        if reader.raw(cells, "date") is None:
            reader.error(r, "date", _("The date is missing."))
        elif day is not None and day > today:
            reader.error(r, "date", _("The date is in the future."))
        title = reader.text(cells, "title")
        if not title:
            reader.error(r, "title", _("The subject is missing."))
        targets = []
        for name in C.split_units(reader.raw(cells, "targets")):
            pk, message = orgs.find(name)
            if message:
                reader.error(r, "targets", message)
            elif pk not in targets:
                targets.append(pk)
        problem_ids = []
        for number in C.split_units(reader.raw(cells, "problems")):
            if number not in numbers:
                reader.error(
                    r,
                    "problems",
                    _("No problem numbered %(numbers)s in %(inspection)s.")
                    % {"numbers": number, "inspection": inspection.code},
                )
            elif numbers[number] not in problem_ids:
                problem_ids.append(numbers[number])
        if len(outcome.errors) > before:
            continue
        key = (kind[0], day, title)
        if key in seen:
            reader.error(
                r,
                "title",
                _("The same action is already in row %(row)d.") % {"row": seen[key]},
            )
            continue
        seen[key] = r
        planned.append(
            (
                r,
                key,
                {
                    "inspection": inspection,
                    "kind": kind[0],
                    "check_kind": kind[1],
                    "date": day,
                    "title": title,
                    "content": reader.text(cells, "content"),
                    "document_number": reader.text(cells, "document_number"),
                    "conducted_by": reader.text(cells, "conducted_by"),
                    "target_orgs": targets,
                    "problems": problem_ids,
                },
            )
        )
    if outcome.errors:
        return
    existing = {
        (a.kind, a.date, a.title): a
        for a in SupervisionAction.objects.filter(inspection=inspection).prefetch_related(
            "target_orgs", "problems"
        )
    }
    org_rows = Org.objects.in_bulk({pk for *_rest, d in planned for pk in d["target_orgs"]})
    problem_rows = Problem.objects.in_bulk({pk for *_rest, d in planned for pk in d["problems"]})
    for r, key, data in planned:
        current = existing.get(key)
        if current is None:
            data["target_orgs"] = [org_rows[pk] for pk in data["target_orgs"]]
            data["problems"] = [problem_rows[pk] for pk in data["problems"]]
            ok = apply_action(
                reader,
                r,
                FIELD_COLUMNS,
                lambda data=data: check_create_action(actor=actor, data=data, today=today),
            )
            outcome.created += ok
            continue
        changes = _changes(current, data)
        if not changes:
            outcome.unchanged += 1
            continue
        if "target_orgs" in changes:
            changes["target_orgs"] = [org_rows[pk] for pk in changes["target_orgs"]]
        if "problems" in changes:
            changes["problems"] = [problem_rows[pk] for pk in changes["problems"]]
        ok = apply_action(
            reader,
            r,
            FIELD_COLUMNS,
            lambda current=current, changes=changes: check_update_action(
                current, actor=actor, expected_version=current.version, changes=changes, today=today
            ),
        )
        outcome.updated += ok


# Import (or, with dry_run, only check) a sheet of supervision actions.
check_import_actions = SheetImport("actions", COLUMNS, _import)


def _changes(current: SupervisionAction, data: dict) -> dict:
    """Fields the row changes; empty optional cells and absent columns keep what is there."""
    changes = {}
    for key in ("check_kind", "content", "document_number", "conducted_by"):
        if data[key] and data[key] != getattr(current, key):
            changes[key] = data[key]
    if data["target_orgs"] and set(data["target_orgs"]) != {
        o.pk for o in current.target_orgs.all()
    }:
        changes["target_orgs"] = data["target_orgs"]
    proposal = {current.proposal_problem_id} - {None}
    if data["problems"] and set(data["problems"]) | proposal != {
        p.pk for p in current.problems.all()
    }:
        changes["problems"] = data["problems"]
    return changes


# --- export ----------------------------------------------------------------------------------


def action_rows(actions: QuerySet[SupervisionAction]):
    labels = org_labels()
    rows = actions.select_related("inspection").prefetch_related("target_orgs", "problems")
    for seq, a in enumerate(rows.order_by("date", "id"), start=1):
        yield {
            "seq": seq,
            "kind": kind_label(a),
            "date": a.date,
            "title": a.title,
            "targets": "、".join(
                labels[o.pk] for o in sorted(a.target_orgs.all(), key=lambda o: o.path)
            ),
            "problems": "、".join(
                p.number
                for p in sorted(a.problems.all(), key=lambda p: (p.sort_key, p.number))
                if p.inspection_id == a.inspection_id
            ),
            "document_number": a.document_number,
            "conducted_by": a.conducted_by,
            "content": a.content,
        }


def export_actions(actions: QuerySet[SupervisionAction], output, *, exported_by: str) -> int:
    """Write the (scoped) actions of one inspection in the layout the import reads."""
    return write_workbook(
        output,
        sheet=SHEET,
        columns=list(COLUMNS.columns),
        widths={"title": 40, "targets": 28, "problems": 16, "content": 40, "document_number": 20},
        rows=action_rows(actions),
        facts=[
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("导出人", exported_by),
        ],
    )
