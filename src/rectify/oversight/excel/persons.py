"""Officials held accountable (责任追究人员), one sanction a row, in and out of Excel.

Import: every row is checked before anything is written and every bad cell is reported
with its sheet, row and column; then, in one transaction, new rows are added and changed
ones updated through the accountability actions. Idempotent, keyed by case, person (name
and unit, or identifier) and sanction class: importing the same file again writes nothing.
Cases must exist (they carry the source and dates the sheet does not).

Export: the caller's scope; names and posts only for roles that may see them (the
columns are left out otherwise), so an exported file with names re-imports unchanged.
"""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.orgs.models import Org
from rectify.oversight.actions import check_add_held_person, check_update_held_person
from rectify.oversight.excel.common import (
    ImportOutcome,
    SheetImport,
    UnitFinder,
    apply_action,
    org_labels,
    parse_cell,
    write_workbook,
)
from rectify.oversight.models import (
    AccountabilityCase,
    HeldPerson,
    Rank,
    SanctionClass,
    person_key_of,
)
from rectify.oversight.permissions import sees_names
from rectify.oversight.states import RankCode
from rectify.problems.excel import cells as C
from rectify.problems.excel.headers import Column, ColumnSet, name_key
from rectify.problems.models import Inspection

SHEET = "责任追究人员"
NOTE = "每行为一人次处理；同一人多次处理分行填写。"
COLUMNS = ColumnSet(
    (
        Column("seq", "序号", ("编号",)),
        Column("case", "案件", ("案件编号", "案件名称", "所属案件", "案件线索", "问题线索")),
        Column("name", "姓名", ("被问责人", "被处理人", "责任人员", "责任人姓名", "人员姓名")),
        Column("post", "职务", ("时任职务", "现任职务", "职位", "原任职务")),
        Column("unit", "单位", ("工作单位", "所在单位", "单位名称", "时任单位")),
        Column("org", "所属地区或部门", ("所属地区", "所属市州", "行政区划", "所属部门")),
        Column("rank", "职级", ("干部级别", "级别", "职级类别", "干部职级")),
        Column(
            "sanction",
            "处理类别",
            ("处理方式", "处分类别", "问责方式", "处理结果", "问责类别", "处理情况"),
        ),
        Column("document_number", "文号", ("处理文号", "决定文号", "处分文号", "文件编号")),
        Column("decision_date", "处理日期", ("处理时间", "决定日期", "处分时间", "问责时间")),
        Column("identifier", "人员编号", ("人员标识",)),
        Column("note", "备注", ("说明",)),
    ),
    required=("case", "name", "rank", "sanction"),
)
# Column of each field the accountability actions validate.
FIELD_COLUMNS = {
    "name": "name",
    "post": "post",
    "unit_name": "unit",
    "org": "org",
    "identifier": "identifier",
    "rank": "rank",
    "sanction": "sanction",
    "document_number": "document_number",
    "decision_date": "decision_date",
    "note": "note",
}
RANK_WORDS = {
    RankCode.BUREAU: ("厅级", "厅局级", "正厅级", "副厅级", "厅级干部", "厅局级干部"),
    RankCode.DIVISION: ("处级", "县处级", "正处级", "副处级", "处级干部", "县处级干部"),
    RankCode.SECTION: (
        "科级",
        "科级及以下",
        "乡科级",
        "乡科级及以下",
        "正科级",
        "副科级",
        "科员",
        "一般干部",
        "科级及以下干部",
    ),
}
COMPARED = ("post", "unit_name", "org", "rank", "document_number", "decision_date", "note")


def _ranks() -> dict[str, Rank]:
    by_code = {r.code: r for r in Rank.objects.all()}
    found = {name_key(r.label): r for r in by_code.values()} | {
        name_key(c): r for c, r in by_code.items()
    }
    for code, words in RANK_WORDS.items():
        for word in words:
            if code in by_code:
                found.setdefault(name_key(word), by_code[code])
    return found


def _cases(inspection: Inspection) -> dict[str, AccountabilityCase]:
    found: dict[str, AccountabilityCase] = {}
    for case in AccountabilityCase.objects.filter(inspection=inspection):
        found.setdefault(name_key(case.title), case)
    for case in AccountabilityCase.objects.filter(inspection=inspection):
        found[name_key(case.number)] = case
    return found


def _import(sheet, reader, outcome: ImportOutcome, inspection, actor, today: date) -> None:
    cases = _cases(inspection)
    ranks = _ranks()
    sanctions = {name_key(s.name): s for s in SanctionClass.objects.filter(is_active=True)}
    units = UnitFinder()
    planned = []
    seen: dict[tuple, int] = {}
    for r, cells in sheet.rows:
        before = len(outcome.errors)
        case_text = reader.text(cells, "case")
        case = cases.get(name_key(case_text)) if case_text else None
        if not case_text:
            reader.error(r, "case", _("The case is missing."))
        elif case is None:
            reader.error(
                r,
                "case",
                _("Unknown case %(case)s in %(inspection)s; register the case first.")
                % {"case": case_text, "inspection": inspection.code},
            )
        name = reader.text(cells, "name")
        if not name:
            reader.error(r, "name", _("The name is missing."))
        rank_text = reader.text(cells, "rank")
        rank = ranks.get(name_key(rank_text))
        if rank is None:
            reader.error(
                r,
                "rank",
                _("Unknown rank %(value)s; use %(labels)s.")
                % {
                    "value": rank_text or "—",
                    "labels": "、".join(Rank.objects.values_list("label", flat=True)),
                },
            )
        sanction_text = reader.text(cells, "sanction")
        sanction = sanctions.get(name_key(sanction_text))
        if sanction is None:
            reader.error(
                r,
                "sanction",
                _("Unknown sanction class %(value)s; use %(names)s.")
                % {
                    "value": sanction_text or "—",
                    "names": "、".join(s.name for s in sanctions.values()),
                },
            )
        unit = reader.text(cells, "unit")
        org_text = reader.text(cells, "org")
        org_id = None
        if org_text:
            org_id, message = units.orgs.find(org_text)
            if message:
                reader.error(r, "org", message)
        elif unit:
            org_id = units.find(unit)
        decided = parse_cell(reader, r, cells, "decision_date", C.parse_date)
        if decided is not None and decided > today:
            reader.error(r, "decision_date", _("The date is in the future."))
        data = {
            "name": name,
            "post": reader.text(cells, "post"),
            "unit_name": unit,
            "org_id": org_id,
            "identifier": reader.text(cells, "identifier"),
            "rank": rank,
            "sanction": sanction,
            "document_number": reader.text(cells, "document_number"),
            "decision_date": decided,
            "note": reader.text(cells, "note"),
        }
        if len(outcome.errors) > before:
            continue
        unit_for_key = unit or (units.orgs.rows[org_id][1] if org_id else "")
        key = (case.pk, person_key_of(name, unit_for_key, data["identifier"]), sanction.pk)
        if key in seen:
            reader.error(
                r,
                "name",
                _("This person and sanction are already in row %(row)d for the same case.")
                % {"row": seen[key]},
            )
            continue
        seen[key] = r
        planned.append((r, case, key, data))
    if outcome.errors:
        return
    existing = {
        (p.case_id, p.person_key, p.sanction_id): p
        for p in HeldPerson.objects.filter(case__inspection=inspection).select_related("case")
    }
    orgs = Org.objects.in_bulk([d["org_id"] for *_rest, d in planned if d["org_id"]])
    for r, case, key, data in planned:
        data["org"] = orgs.get(data.pop("org_id"))
        current = existing.get(key)
        if current is None:
            ok = apply_action(
                reader,
                r,
                FIELD_COLUMNS,
                lambda case=case, data=data: check_add_held_person(
                    case, actor=actor, data=data, today=today
                ),
            )
            outcome.created += ok
            continue
        changes = {k: v for k, v in data.items() if k in COMPARED and _differs(current, k, v)}
        if not changes:
            outcome.unchanged += 1
            continue
        ok = apply_action(
            reader,
            r,
            FIELD_COLUMNS,
            lambda current=current, changes=changes: check_update_held_person(
                current, actor=actor, expected_version=current.version, changes=changes, today=today
            ),
        )
        outcome.updated += ok


# Import (or, with dry_run, only check) a sheet of officials held accountable.
check_import_persons = SheetImport("persons", COLUMNS, _import)


def _differs(current: HeldPerson, key: str, value) -> bool:
    if key in ("org", "rank"):
        return getattr(current, f"{key}_id") != (value.pk if value is not None else None)
    if key == "decision_date":
        # An export writes the case's date where the row has none of its own.
        own = current.decision_date or current.case.decision_date
        return own != value
    return (getattr(current, key) or "") != (value or "")


# --- export ----------------------------------------------------------------------------------


def person_rows(user, cases: QuerySet[AccountabilityCase], *, with_names: bool):
    """One dict per held person of the cases: column key → cell value."""
    labels = org_labels()
    persons = (
        HeldPerson.objects.filter(case__in=cases)
        .select_related("case", "rank", "sanction")
        .order_by("case__received_date", "case__number", "id")
    )
    for seq, p in enumerate(persons, start=1):
        row = {
            "seq": seq,
            "case": p.case.number,
            "unit": p.unit_name,
            "org": labels.get(p.org_id, "") if p.org_id else "",
            "rank": p.rank.label,
            "sanction": p.sanction.name,
            "document_number": p.document_number,
            "decision_date": p.decision_date or p.case.decision_date,
            "identifier": p.identifier if with_names else "",
            "note": p.note if with_names else "",
        }
        if with_names:
            row.update(name=p.name, post=p.post)
        yield row


def export_persons(user, cases: QuerySet[AccountabilityCase], output, *, exported_by: str) -> int:
    """Write the held persons of the (scoped) cases; names only for those who may see them."""
    with_names = user is None or sees_names(user)
    hidden = () if with_names else ("name", "post", "identifier", "note")
    columns = [c for c in COLUMNS.columns if c.key not in hidden]
    return write_workbook(
        output,
        sheet=SHEET,
        columns=columns,
        widths={"case": 12, "name": 10, "post": 24, "unit": 28, "org": 14, "sanction": 22},
        rows=person_rows(user, cases, with_names=with_names),
        facts=[
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("导出人", exported_by),
            ("说明", NOTE if with_names else NOTE + "本表不含姓名和职务。"),
        ],
    )
