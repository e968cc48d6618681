"""Writing a report: what is refused (and then changes nothing), drafts, corrections after
a return, lateness, and the percent that may only go down with a reason."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from rectify.core.errors import ConflictError
from rectify.dispatch import actions
from rectify.dispatch.actions import progress
from rectify.dispatch.models import ProgressReport, ReportHistory
from rectify.problems import asof
from rectify.problems.models import Evidence, StatusEvent
from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from tests.dispatch.conftest import add_measures, at, open_period, photo, write, zunyi_problem
from tests.problems import evidence_samples as samples


@pytest.fixture
def problem(orgs):
    p = zunyi_problem("1")
    add_measures(p, "完成截污管网建设。", "关闭沿河直排口。")
    return p


@pytest.fixture
def june(office_clerk):
    return open_period(office_clerk, 2025, 6)


def on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def refused(**kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        write(**kwargs)
    return info.value.message_dict


def test_the_percent_goes_down_only_with_a_reason(problem, june, zunyi_clerk):
    add_event(problem, EventKind.PROGRESS, date(2025, 5, 20), percent=50)
    errors = refused(
        problem=problem, period=june, actor=zunyi_clerk, when=at(2025, 6, 20), percent=35
    )
    assert errors == {
        "decrease_reason": [
            "The percent is below the previous report's 50%; give the reason for the decrease."
        ]
    }
    assert not ProgressReport.objects.exists()
    report = write(
        problem,
        june,
        zunyi_clerk,
        when=at(2025, 6, 20),
        percent=35,
        decrease_reason="复核发现已建管网有3公里不达标，需返工。",
    )
    assert report.decrease_reason == "复核发现已建管网有3公里不达标，需返工。"
    assert "需返工" in report.event.note
    assert asof.state_of(problem, date(2025, 6, 20)).asof_percent == 35


def test_bad_input_is_refused_by_field_and_writes_nothing(problem, june, zunyi_clerk, media):
    add_event(problem, EventKind.ACCEPTED, date(2025, 6, 10))
    errors = refused(
        problem=problem,
        period=june,
        actor=zunyi_clerk,
        when=at(2025, 6, 20),
        on=date(2025, 6, 12),
        percent=101,
        text=" ",
        measures_done=[9],
        files=[samples.upload("整改照片.jpg", samples.EXE, "image/jpeg")],
    )
    assert errors["text"] == ["Describe the progress and the open issues."]
    assert errors["percent"] == ["Give a percent between 0 and 100."]
    assert errors["measures_done"] == ["The problem has no measure number 9."]
    assert "“整改照片.jpg” is a program or script" in errors["file"][0]
    errors = refused(
        problem=problem, period=june, actor=zunyi_clerk, when=at(2025, 6, 20), on=date(2025, 6, 12)
    )
    assert errors == {"effective_date": ["The problem is already completed on that date."]}
    assert not ProgressReport.objects.exists()
    assert StatusEvent.objects.filter(kind=EventKind.PROGRESS).count() == 0
    assert on_disk(media) == []


def test_a_refused_file_leaves_the_draft_as_it_was_and_nothing_on_disk(
    problem, june, zunyi_clerk, media
):
    draft = write(problem, june, zunyi_clerk, when=at(2025, 6, 19), submit=False)
    sneaky = samples.upload("x.jpg", samples.jpeg_bytes(), "image/jpeg")
    sneaky._name = "../../etc/passwd.jpg"  # SimpleUploadedFile strips paths; a caller might not
    errors = refused(
        problem=problem,
        period=june,
        actor=zunyi_clerk,
        when=at(2025, 6, 20),
        files=[
            photo("现场.jpg", taken=datetime(2025, 6, 19, 9, 0)),
            sneaky,
            samples.upload("整改材料.zip", samples.plain_zip_bytes()),
        ],
    )
    assert len(errors["file"]) == 2
    assert "folder path" in errors["file"][0] and "compressed archive" in errors["file"][1]
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.event is None
    assert not Evidence.objects.exists() and on_disk(media) == []


def test_files_stored_by_a_submission_that_fails_later_are_deleted(
    problem, june, zunyi_clerk, media, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(progress, "do_mark_measures_done", broken)
    with pytest.raises(RuntimeError):
        write(
            problem,
            june,
            zunyi_clerk,
            when=at(2025, 6, 20),
            files=[photo(taken=datetime(2025, 6, 19, 9, 0))],
        )
    assert not ProgressReport.objects.exists() and not StatusEvent.objects.exists()
    assert not Evidence.objects.exists() and on_disk(media) == []


def test_files_come_with_the_submission_not_with_a_draft(problem, june, zunyi_clerk, media):
    errors = refused(
        problem=problem,
        period=june,
        actor=zunyi_clerk,
        when=at(2025, 6, 20),
        submit=False,
        files=[photo()],
    )
    assert errors == {
        "file": ["Files are attached when the report is submitted; choose them when you submit."]
    }
    draft = write(
        problem,
        june,
        zunyi_clerk,
        when=at(2025, 6, 20),
        submit=False,
        percent=30,
        measures_done=[2],
    )
    assert draft.state == "draft" and draft.event is None
    assert not StatusEvent.objects.exists()
    report = write(
        problem,
        june,
        zunyi_clerk,
        when=at(2025, 6, 21),
        percent=30,
        measures_done=[2],
        files=[photo(taken=datetime(2025, 6, 20, 9, 0))],
        expected_version=draft.version,
    )
    assert report.pk == draft.pk and report.state == "submitted"
    assert Evidence.objects.get().event == report.event
    assert problem.measures.get(seq=2).done_date == date(2025, 6, 21)


def test_a_returned_report_is_corrected_and_its_new_event_wins_lateness_stays_the_first(
    problem, june, zunyi_clerk, zunyi_reviewer
):
    first = write(problem, june, zunyi_clerk, when=at(2025, 7, 3), on=date(2025, 6, 30), percent=60)
    with time_machine.travel(at(2025, 7, 4), tick=False):
        actions.check_review_report(
            first, actor=zunyi_reviewer, decision="return", opinion="完成比例偏高，请核实。"
        )
    first.refresh_from_db()
    assert first.state == "returned" and first.review_opinion == "完成比例偏高，请核实。"
    assert zunyi_clerk.notifications.filter(kind="returned").count() == 1
    # Corrected after the due date (7/5): still on time, as first submitted on 7/3. The
    # lower percent needs no reason: the report's own earlier figure does not count.
    again = write(
        problem,
        june,
        zunyi_clerk,
        when=at(2025, 7, 8),
        on=date(2025, 6, 30),
        percent=45,
        expected_version=first.version,
    )
    assert again.state == "submitted" and not again.is_late
    assert again.submitted_at == at(2025, 7, 3) and again.last_submitted_at == at(2025, 7, 8)
    assert asof.state_of(problem, date(2025, 6, 30)).asof_percent == 45
    assert StatusEvent.objects.filter(kind=EventKind.PROGRESS).count() == 2
    assert list(ReportHistory.objects.values_list("step", flat=True)) == [
        "submit",
        "return",
        "submit",
    ]


def test_a_first_submission_after_the_due_date_is_late(problem, june, zunyi_clerk):
    report = write(problem, june, zunyi_clerk, when=at(2025, 7, 6, 0), on=date(2025, 7, 5))
    assert report.is_late


def test_a_stale_version_is_a_conflict_and_changes_nothing(problem, june, zunyi_clerk):
    draft = write(problem, june, zunyi_clerk, when=at(2025, 6, 20), submit=False, percent=30)
    write(
        problem,
        june,
        zunyi_clerk,
        when=at(2025, 6, 20),
        submit=False,
        percent=35,
        expected_version=draft.version,
    )
    with pytest.raises(ConflictError):
        write(
            problem,
            june,
            zunyi_clerk,
            when=at(2025, 6, 20),
            percent=40,
            expected_version=draft.version,
        )
    draft.refresh_from_db()
    assert (draft.percent, draft.state) == (35, "draft")


def test_a_closed_period_takes_no_reports(problem, june, zunyi_clerk, office_clerk):
    actions.check_set_period_closed(june, actor=office_clerk, closed=True)
    errors = refused(
        problem=problem, period=june, actor=zunyi_clerk, when=at(2025, 7, 10), on=date(2025, 6, 30)
    )
    assert errors == {"period": ["The period 6/2025 is closed."]}
    with pytest.raises(ValidationError):
        actions.check_set_period_closed(june, actor=office_clerk, closed=True)


def test_opening_periods_is_checked(office_clerk, zunyi_clerk, orgs):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open_period(zunyi_clerk, 2025, 6)
    open_period(office_clerk, 2025, 6, due_date=date(2025, 7, 10))
    for kwargs, field, message in [
        ({"year": 2025, "month": 6}, "month", "The period 6/2025 is open already."),
        ({"year": 2025, "month": 13}, "month", "Give a month between 1 and 12."),
        ({"year": 2025, "month": 9}, "month", "A period can be opened at most one month ahead."),
        (
            {"year": 2025, "month": 7, "due_date": date(2025, 6, 30)},
            "due_date",
            "The due date is before the period starts.",
        ),
        (
            {"year": 2025, "month": 7, "due_date": date(2025, 11, 1)},
            "due_date",
            "The due date is more than two months after the period ends.",
        ),
    ]:
        with pytest.raises(ValidationError) as info:
            open_period(office_clerk, when=at(2025, 6, 20), **kwargs)
        assert info.value.message_dict[field] == [message]
