"""problems.evidence: attaching evidence to problems, the reviewer's flags, the audit trail."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rectify.core import audit
from rectify.core.models import AuditEvent, StoredFile
from rectify.orgs.models import Org
from rectify.problems import evidence
from rectify.problems.models import Evidence, Problem
from rectify.problems.testing import ProblemFactory, add_event
from tests.problems import evidence_samples as s

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def problem(orgs):
    """A 遵义市-led problem at a known site, listed on 2025-03-01."""
    return ProblemFactory(
        start_date=date(2025, 3, 1),
        original_deadline=date(2025, 12, 31),
        latitude=Decimal(str(s.ZUNYI[0])),
        longitude=Decimal(str(s.ZUNYI[1])),
    )


def photo(name="整改后现场.jpg", **kwargs):
    return s.upload(name, s.jpeg_bytes(**kwargs), "image/jpeg")


def attach(problem, actor, upload, **kwargs):
    return evidence.check_attach_evidence(problem, actor=actor, uploaded_file=upload, **kwargs)


def test_the_lead_unit_attaches_a_photo_and_both_writes_are_audited(media, problem, zunyi_clerk):
    e = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 6, 18, 9, 0)), caption="截污管网")

    assert e.problem == problem and e.uploaded_by == zunyi_clerk and e.caption == "截污管网"
    assert list(problem.evidence.active()) == [e]
    stored = e.file
    assert stored.purpose == "evidence" and (media / stored.storage_name).exists()
    attach_row = AuditEvent.objects.get(action="problems.evidence.attach")
    assert attach_row.object_type == "problems.problem" and attach_row.object_id == str(problem.pk)
    assert attach_row.actor == zunyi_clerk
    assert attach_row.after["sha256"] == stored.sha256
    assert attach_row.after["evidence"] == e.pk and attach_row.after["caption"] == "截污管网"
    stored_row = AuditEvent.objects.get(action="core.store_file")
    assert stored_row.object_id == str(stored.pk) and stored_row.after["sha256"] == stored.sha256
    assert audit.verify_chain() is None


def test_a_recent_photo_taken_on_site_gets_no_flag(media, problem, zunyi_clerk):
    e = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 6, 18, 9, 0), gps=s.ZUNYI_NEARBY))
    assert e.file.taken_at == datetime(2025, 6, 18, 9, 0, tzinfo=SHANGHAI)
    assert (e.file.gps_lat, e.file.gps_lon) == (Decimal("27.730100"), Decimal("106.931200"))
    assert not e.possibly_old_photo and not e.possibly_elsewhere
    assert Decimal("0.4") < e.distance_km < Decimal("0.8")


def test_a_photo_taken_before_the_problem_was_listed_is_flagged_old(media, problem, zunyi_clerk):
    e = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 2, 28, 16, 0), gps=s.ZUNYI))
    assert e.possibly_old_photo and not e.possibly_elsewhere


def test_a_photo_taken_more_than_60_days_before_the_upload_is_flagged_old(
    media, problem, zunyi_clerk
):
    problem.start_date = date(2024, 1, 1)
    problem.save()
    old = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 4, 20, 9, 0)))
    recent = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 4, 22, 9, 0)))
    assert old.possibly_old_photo and not recent.possibly_old_photo


def test_the_photo_age_limit_is_a_setting(media, problem, zunyi_clerk, settings):
    settings.RECTIFY_EVIDENCE_PHOTO_MAX_AGE_DAYS = 7
    e = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 6, 10, 9, 0)))
    assert e.possibly_old_photo


def test_a_photo_taken_far_from_the_problem_is_flagged_elsewhere(media, problem, zunyi_clerk):
    e = attach(problem, zunyi_clerk, photo(taken=datetime(2025, 6, 18, 9, 0), gps=s.GUIYANG))
    assert e.possibly_elsewhere and not e.possibly_old_photo
    assert Decimal("110") < e.distance_km < Decimal("130")
    row = AuditEvent.objects.get(action="problems.evidence.attach")
    assert row.after["possibly_elsewhere"] is True


def test_the_distance_limit_is_a_setting(media, problem, zunyi_clerk, settings):
    settings.RECTIFY_EVIDENCE_MAX_DISTANCE_KM = 0.3
    e = attach(problem, zunyi_clerk, photo(gps=s.ZUNYI_NEARBY))
    assert e.possibly_elsewhere


def test_a_photo_without_exif_and_a_problem_without_a_place_get_no_flags(
    media, problem, zunyi_clerk
):
    bare = attach(problem, zunyi_clerk, s.upload("微信图片.png", s.png_bytes()))
    assert bare.file.taken_at is None and bare.file.gps_lat is None
    assert not bare.possibly_old_photo and not bare.possibly_elsewhere
    problem.latitude = problem.longitude = None
    problem.save()
    nowhere = attach(problem, zunyi_clerk, photo(gps=s.GUIYANG))
    assert not nowhere.possibly_elsewhere and nowhere.distance_km is None


def test_evidence_may_prove_one_event_of_the_problem(media, problem, zunyi_clerk):
    event = add_event(problem, "progress", date(2025, 6, 15), percent=60)
    e = attach(problem, zunyi_clerk, s.upload("进展.pdf", s.PDF), event=event)
    assert e.event == event and list(event.evidence.all()) == [e]


def test_an_event_of_another_problem_is_refused_and_nothing_is_written(media, problem, zunyi_clerk):
    other = ProblemFactory()
    event = add_event(other, "progress", date(2025, 6, 15), percent=60)
    with pytest.raises(ValidationError) as exc:
        attach(problem, zunyi_clerk, s.upload("进展.pdf", s.PDF), event=event)
    assert exc.value.message_dict == {"event": ["该事件属于另一个问题。"]}
    assert Evidence.objects.count() == 0 and on_disk(media) == []


def test_the_office_attaches_to_any_problem(media, problem, office_clerk):
    e = attach(problem, office_clerk, s.upload("验收意见.docx", s.docx_bytes()))
    assert e.file.kind == "word"


def test_a_unit_attaches_to_problems_its_counties_lead(media, zunyi_clerk):
    led_by_county = ProblemFactory(lead_unit=Org.objects.get(code="520304"))
    assert attach(led_by_county, zunyi_clerk, s.upload("a.pdf", s.PDF)).pk


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("guiyang_outsider", Http404),  # 贵阳市 does not see a 遵义市 problem
        ("bozhou_clerk", Http404),  # a county does not write on its city's problem
        ("dept_clerk", Http404),
        ("zunyi_reviewer", PermissionDenied),
        ("leader", PermissionDenied),
        ("team_member", PermissionDenied),
        ("sysadmin", PermissionDenied),
        ("auditor", PermissionDenied),
    ],
)
def test_others_cannot_attach_and_nothing_is_written(media, problem, request, who, error):
    user = request.getfixturevalue(who)
    with pytest.raises(error):
        attach(problem, user, photo())
    assert Evidence.objects.count() == 0 and StoredFile.objects.count() == 0
    assert on_disk(media) == []
    assert not evidence.can_attach(user, problem)


def test_one_refused_file_among_several_writes_nothing_and_is_named(media, problem, zunyi_clerk):
    uploads = [photo("现场1.jpg"), s.upload("现场2.jpg", s.EXE), s.upload("资料.zip", s.RAR)]
    with pytest.raises(ValidationError) as exc:
        evidence.check_attach_evidence_files(problem, actor=zunyi_clerk, uploaded_files=uploads)
    messages = exc.value.message_dict["file"]
    assert len(messages) == 2
    assert "“现场2.jpg”是可执行程序或脚本" in messages[0] and "“资料.zip”是压缩包" in messages[1]
    assert Evidence.objects.count() == 0 and StoredFile.objects.count() == 0
    assert on_disk(media) == []


def test_several_files_are_attached_together(media, problem, zunyi_clerk):
    uploads = [photo("现场1.jpg"), photo("现场2.jpg"), s.upload("台账.xlsx", s.xlsx_bytes())]
    attached = evidence.check_attach_evidence_files(
        problem, actor=zunyi_clerk, uploaded_files=uploads, caption="整改完成"
    )
    assert [e.file.original_name for e in attached] == ["现场1.jpg", "现场2.jpg", "台账.xlsx"]
    assert AuditEvent.objects.filter(action="problems.evidence.attach").count() == 3


def test_a_failure_after_the_files_were_written_rolls_back_and_deletes_them(
    media, problem, zunyi_clerk, monkeypatch
):
    real_record = audit.record

    def failing_record(action, **kwargs):
        if action == "problems.evidence.attach":
            raise RuntimeError("database went away")
        return real_record(action, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        attach(problem, zunyi_clerk, photo())
    assert Evidence.objects.count() == 0 and StoredFile.objects.count() == 0
    assert on_disk(media) == []


def test_a_long_caption_is_refused(media, problem, zunyi_clerk):
    with pytest.raises(ValidationError) as exc:
        attach(problem, zunyi_clerk, photo(), caption="长" * 201)
    assert exc.value.message_dict == {"caption": ["说明超过了 200 个字符。"]}
    assert on_disk(media) == []


def test_the_office_removes_evidence_with_a_reason_and_the_file_stays(
    media, problem, zunyi_clerk, office_clerk
):
    e = attach(problem, zunyi_clerk, photo())
    evidence.check_remove_evidence(e, actor=office_clerk, reason="照片与问题无关")

    e.refresh_from_db()
    assert e.removed_by == office_clerk and e.removal_reason == "照片与问题无关"
    assert list(problem.evidence.active()) == []
    assert (media / e.file.storage_name).exists()
    row = AuditEvent.objects.get(action="problems.evidence.remove")
    assert row.object_id == str(problem.pk) and row.after["reason"] == "照片与问题无关"
    assert row.before == {"evidence": e.pk, "removed": False}


def test_removal_needs_a_reason_and_happens_once(media, problem, zunyi_clerk, office_clerk):
    e = attach(problem, zunyi_clerk, photo())
    with pytest.raises(ValidationError) as exc:
        evidence.check_remove_evidence(e, actor=office_clerk, reason="  ")
    assert exc.value.message_dict == {"reason": ["请说明撤除该佐证材料的理由。"]}
    evidence.check_remove_evidence(e, actor=office_clerk, reason="重复上传")
    with pytest.raises(ValidationError) as exc:
        evidence.check_remove_evidence(e, actor=office_clerk, reason="再次撤除")
    assert exc.value.message_dict == {"reason": ["该佐证材料已被撤除。"]}
    assert AuditEvent.objects.filter(action="problems.evidence.remove").count() == 1


@pytest.mark.parametrize("who", ["zunyi_clerk", "leader", "zunyi_reviewer"])
def test_only_the_office_removes_evidence(media, problem, zunyi_clerk, request, who):
    e = attach(problem, zunyi_clerk, photo())
    with pytest.raises(PermissionDenied):
        evidence.check_remove_evidence(e, actor=request.getfixturevalue(who), reason="不需要")
    with pytest.raises(PermissionDenied):
        evidence.do_remove_evidence(e, actor=request.getfixturevalue(who), reason="不需要")
    e.refresh_from_db()
    assert e.removed_at is None


def test_evidenced_problems_as_of_a_date_count_evidence_on_file_that_day(
    media, problem, zunyi_clerk, office_clerk
):
    e = attach(problem, zunyi_clerk, photo())

    def ids(d=None):
        subquery = evidence.evidenced_problem_ids(d)
        return set(Problem.objects.filter(pk__in=subquery).values_list("pk", flat=True))

    assert ids() == {problem.pk}
    assert ids(date(2025, 6, 19)) == set()
    assert ids(date(2025, 6, 20)) == {problem.pk}
    with time_machine.travel(datetime(2025, 7, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        evidence.check_remove_evidence(e, actor=office_clerk, reason="照片模糊")
    assert ids() == set()
    assert ids(date(2025, 6, 30)) == {problem.pk}
    assert ids(date(2025, 7, 1)) == set()
