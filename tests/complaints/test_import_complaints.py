"""Importing a batch of complaints: all or nothing, idempotent by 受理编号, errors by cell."""

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from rectify.complaints import dedupe
from rectify.complaints.actions import check_reveal_complainant
from rectify.complaints.excel.importer import import_complaints
from rectify.complaints.models import (
    Complainant,
    Complaint,
    ComplaintBand,
    ComplaintBatch,
    ComplaintStep,
)
from rectify.complaints.states import Channel, Industry, State
from rectify.core.models import AuditEvent

from .test_import_helpers import (
    ADDRESS,
    HEADER,
    NAME,
    PHONE,
    RECEIVED,
    audit_text,
    book,
    inspection_fixture,  # noqa: F401
    pii_key_fixture,  # noqa: F401
    rows,
    state,
)


def run(data: bytes, inspection, actor="tests", **kwargs):
    kwargs.setdefault("batch_number", 1)
    kwargs.setdefault("received_on", RECEIVED)
    return import_complaints(io.BytesIO(data), inspection=inspection, actor=actor, **kwargs)


def test_a_batch_is_created_with_its_complaints_types_and_encrypted_complainant(
    inspection,
    office_clerk,
):
    data = book()
    result = run(data, inspection, actor=office_clerk)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, [], 0)
    batch = ComplaintBatch.objects.get(inspection=inspection, number=1)
    assert (batch.received_on, batch.stated_count) == (RECEIVED, 3)
    first = Complaint.objects.get(acceptance_no="D3GZ202505280001")
    assert first.batch == batch and first.original_order == 1
    assert first.region.code == "520304" and first.region_confirmed
    assert sorted(first.pollution_types.values_list("name", flat=True)) == ["噪声", "大气"]
    assert (first.industry, first.is_key, first.channel) == (Industry.INDUSTRIAL, True, "phone")
    assert first.received_on == date(2025, 5, 28) and first.state == State.RECEIVED
    assert str(first.longitude) == "106.800000"
    assert NAME not in first.content and PHONE not in first.content
    second = Complaint.objects.get(acceptance_no="X3GZ202505280002")
    assert second.region.code == "520121" and second.channel == Channel.LETTER
    assert second.industry == Industry.INDUSTRIAL and not second.is_key
    third = Complaint.objects.get(acceptance_no="D3GZ202505290003")
    assert third.region.code == "520302"
    assert list(third.pollution_types.values_list("name", flat=True)) == ["大气"]
    assert ComplaintStep.objects.count() == 3
    record = Complainant.objects.get()
    assert record.complaint == first
    assert NAME.encode() not in bytes(record.ciphertext)
    assert PHONE.encode() not in bytes(record.ciphertext)
    revealed = check_reveal_complainant(first, actor=office_clerk, reason="核实举报人身份")
    assert (revealed.name, revealed.phone, revealed.address) == (NAME, PHONE, ADDRESS)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "complaints.create_batch" in actions and "complaints.import" in actions
    # One event for the imported rows (not one per complaint, the import's main cost once):
    # who, when, which file, and every complaint it created.
    (intake,) = AuditEvent.objects.filter(action="complaints.intake_many")
    assert (intake.actor, intake.object_type, intake.object_id) == (
        office_clerk,
        "complaints.complaintbatch",
        str(batch.pk),
    )
    assert intake.after["sha256"] == hashlib.sha256(data).hexdigest()
    assert intake.after["count"] == 3
    assert intake.after["complaints"] == [
        [first.pk, "D3GZ202505280001", "520304", "噪声、大气", True],
        [second.pk, "X3GZ202505280002", "520121", "水", False],
        [third.pk, "D3GZ202505290003", "520302", "大气", False],
    ]
    # The complaint's own history shows the import: its RECEIVE step, by whom and when.
    step = ComplaintStep.objects.get(complaint=first)
    assert (step.step, step.actor) == ("receive", office_clerk)
    assert abs(step.recorded_at - intake.recorded_at) < timedelta(seconds=5)
    audit = audit_text()
    assert NAME not in audit and PHONE not in audit and ADDRESS not in audit


def test_importing_the_same_file_again_changes_nothing(inspection):
    data = book()
    assert run(data, inspection).ok
    before = state()

    again = run(data, inspection)

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, [], 3)
    assert not again.changed
    assert state() == before


def test_a_corrected_row_updates_its_complaint_and_nothing_else(inspection):
    assert run(book(), inspection).ok
    events = AuditEvent.objects.count()
    corrected = rows()
    corrected[1][2] = "开阳县某磷化工企业废水直排洋水河，河水发白，鱼类死亡。"
    corrected[1][4] = "水、土壤"

    result = run(book(corrected), inspection)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, ["X3GZ202505280002"], 2)
    c = Complaint.objects.get(acceptance_no="X3GZ202505280002")
    assert c.content.endswith("鱼类死亡。") and c.version == 2
    assert sorted(c.pollution_types.values_list("name", flat=True)) == ["土壤", "水"]
    assert Complaint.objects.get(acceptance_no="D3GZ202505280001").version == 1
    new = AuditEvent.objects.order_by("seq")[events:]
    assert [e.action for e in new] == ["complaints.update", "complaints.import"]
    assert new[0].before["content"].endswith("河水发白。")


def test_a_dry_run_reports_what_the_import_would_do_and_writes_nothing(inspection):
    before = state()

    result = run(book(), inspection, dry_run=True)

    assert result.ok and result.dry_run and result.created == 3 and result.batch_created
    assert state() == before


def _only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_an_unknown_region_is_an_error_on_its_cell_and_nothing_is_written(
    inspection,
):
    bad = rows()
    bad[1][3] = "遵义市开阳县"  # 开阳县 is in 贵阳市
    before = state()

    result = run(book(bad), inspection)

    error = _only_error(result)
    assert (error.sheet, error.row, error.column, error.letter) == ("交办清单", 3, "行政区域", "D")
    assert "遵义市开阳县" in error.message
    assert "第 3 行" in str(error) and "行政区域" in str(error)
    assert state() == before


def test_an_unknown_pollution_type_lists_the_known_ones(inspection):
    bad = rows()
    bad[2][4] = "大气、光污染"
    before = state()

    error = _only_error(run(book(bad), inspection))

    assert (error.row, error.column) == (4, "污染类型")
    assert "光污染" in error.message
    assert "水、大气、土壤、生态、噪声、辐射、其他" in error.message
    assert state() == before


def test_an_acceptance_number_used_twice_is_an_error_on_both_rows(inspection):
    bad = rows()
    bad[2][1] = "x3gz202505280002 "  # the same number, as typed
    before = state()

    result = run(book(bad), inspection)

    assert [(e.row, e.column) for e in result.errors] == [(3, "受理编号"), (4, "受理编号")]
    assert all("X3GZ202505280002" in e.message for e in result.errors)
    assert state() == before


def test_a_date_that_does_not_exist_in_the_acceptance_number_is_an_error(
    inspection,
):
    bad = rows()
    bad[0][1] = "D3GZ202502300001"  # 30 February
    before = state()

    error = _only_error(run(book(bad), inspection))

    assert (error.row, error.column, error.letter) == (2, "受理编号", "B")
    assert "D3GZ202502300001" in error.message
    assert state() == before


def test_a_bad_phone_number_is_reported_without_repeating_it(inspection):
    bad = rows()
    secret = "请打13985O1234五找林先生"
    bad[0][10] = secret
    bad[0][9] = "林" * 101
    before = state()

    result = run(book(bad), inspection)

    assert [(e.row, e.column) for e in result.errors] == [(2, "举报人"), (2, "联系电话")]
    shown = " ".join(str(e) for e in result.errors)
    assert secret not in shown and "林" * 20 not in shown
    assert state() == before


def test_the_batch_must_hold_the_number_of_complaints_the_team_stated(
    inspection,
):
    before = state()

    result = run(book(), inspection, stated_count=5)

    error = _only_error(result)
    assert error.row is None and "5" in error.message and "3" in error.message
    assert state() == before


def test_a_batch_is_completed_by_a_second_file(inspection):
    first, second = rows()[:2], rows()[2:]
    assert run(book(first), inspection, stated_count=3).errors  # 2 of 3: refused
    assert not ComplaintBatch.objects.exists()
    assert run(book(first + second), inspection, stated_count=3).ok

    again = run(book(second), inspection, received_on=None)

    assert again.ok and again.unchanged == 1
    assert Complaint.objects.count() == 3


def test_an_existing_batch_refuses_another_date_or_count(inspection):
    assert run(book(), inspection).ok

    result = run(book(), inspection, received_on=date(2025, 6, 1), stated_count=4)

    assert [e.row for e in result.errors] == [None, None]
    assert "2025-05-30" in result.errors[0].message and "4" in result.errors[1].message


def test_a_new_batch_needs_its_date(inspection):
    error = _only_error(run(book(), inspection, received_on=None))

    assert error.row is None and "1" in error.message
    assert not ComplaintBatch.objects.exists()


def test_a_complaint_on_record_in_another_batch_is_an_error_on_its_row(
    inspection,
):
    assert run(book(rows()[:1]), inspection).ok
    before = state()

    result = run(book(), inspection, batch_number=2)

    error = _only_error(result)
    assert (error.row, error.column) == (2, "受理编号")
    assert "D3GZ202505280001" in error.message
    assert state() == before


def test_headers_are_matched_as_offices_write_them(inspection):
    header = [
        "原始排序编码",
        " 受理 编号 ",
        "交办问题基本情况",
        "行政区域（县级）",
        "污染类型",
        "行业类型",
        "是否重点件",
        "经度(°)",
        "纬度（°）",
        "举报人姓名",
        "举报人电话",
        "联系地址",
        "督察期间调查核实情况",
    ]
    data = rows()
    data[0][6] = "√"

    result = run(book(data, header=header, title="中央第三生态环境保护督察组交办第1批"), inspection)

    assert result.ok, result.errors
    assert result.created == 3
    assert any("督察期间调查核实情况" in n for n in result.notes)
    assert Complaint.objects.get(acceptance_no="D3GZ202505280001").is_key
    assert Complainant.objects.count() == 1


def test_a_blank_region_is_recognised_from_the_text_for_the_office_to_confirm(
    inspection,
):
    data = rows()
    data[0][3] = ""

    result = run(book(data), inspection)

    assert result.ok and result.suggested == 1
    c = Complaint.objects.get(acceptance_no="D3GZ202505280001")
    assert c.region.code == "520304" and not c.region_confirmed
    # The file now names the region: the office's confirmation, not a change of place.
    again = run(book(rows()), inspection)
    assert again.updated == ["D3GZ202505280001"]
    assert Complaint.objects.get(pk=c.pk).region_confirmed


def test_a_blank_region_that_cannot_be_recognised_is_an_error(inspection):
    data = rows()
    data[2][3] = ""
    data[2][2] = "某小区楼下餐馆油烟直排。"

    error = _only_error(run(book(data), inspection))

    assert (error.row, error.column) == (4, "行政区域")


def test_regions_resolve_however_offices_write_them(inspection):
    data = rows()
    spellings = ["播州区", "遵义播州区", "贵州省遵义市播州区", "遵义县", "遵义市"]
    base = data[2]
    data = []
    for i, text in enumerate(spellings, start=1):
        row = list(base)
        row[0], row[1], row[3] = i, f"D3GZ2025052900{i:02d}", text
        data.append(row)

    result = run(book(data), inspection)

    assert result.ok, result.errors
    ordered = Complaint.objects.order_by("original_order")
    codes = list(ordered.values_list("region__code", flat=True))
    assert codes == ["520304", "520304", "520304", "520304", "520300"]


def test_the_region_must_be_in_the_inspected_province(inspection):
    data = rows()
    data[0][3] = "贵州省"

    error = _only_error(run(book(data), inspection))

    assert error.column == "行政区域"


def test_a_file_that_is_not_a_workbook_is_refused(inspection):
    result = run(b"acceptance_no,content\nD3GZ202505280001,x\n", inspection)

    error = _only_error(result)
    assert error.row is None and ".xlsx" in error.message
    assert not ComplaintBatch.objects.exists()


def test_missing_required_columns_are_named(inspection):
    header = [h if h != "污染类型" else "备注" for h in HEADER]

    error = _only_error(run(book(header=header), inspection))

    assert error.column == "污染类型" and error.row == 1


def test_a_unit_may_not_import(inspection, zunyi_clerk):
    with pytest.raises(PermissionDenied):
        run(book(), inspection, actor=zunyi_clerk)
    assert not ComplaintBatch.objects.exists()


def test_imported_complaints_are_indexed_for_repeats_with_the_rows(inspection):
    # The import writes signature, place key and bands with the rows (no UPDATE after):
    # every imported complaint has its BANDS keys, computed as for any stored complaint,
    # and a complaint being entered again finds its original.
    assert run(book(), inspection).ok
    imported = list(Complaint.objects.select_related("region").order_by("pk"))
    for c in imported:
        keys = sorted(ComplaintBand.objects.filter(complaint=c).values_list("key", flat=True))
        sig = dedupe.decode(c.signature)
        expected = dedupe.band_keys(sig[None, :], dedupe.area_code(c.region.path))[0]
        assert keys == sorted(expected.tolist())
        assert c.place_key == dedupe.place_key(c.content)
    first = imported[0]
    found = dedupe.candidates_for_text(first.content, first.region)
    assert [f.complaint for f in found] == [first]


def test_a_failed_import_leaves_no_index_rows(inspection):
    bad = rows()
    bad[2][4] = "光污染"  # an unknown pollution type in the last row
    result = run(book(bad), inspection)
    assert not result.ok
    assert not ComplaintBand.objects.exists() and not Complaint.objects.exists()
