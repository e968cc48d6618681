"""Every complaint action writes its audit event (never with personal data) and dated
history that the as-of queries read; wrong dates and orders are refused with the field."""

import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from rectify.complaints import actions, stats
from rectify.complaints.models import Complaint, ComplaintStep, HandlingResult
from rectify.complaints.states import State, Step, Verdict
from rectify.core.models import AuditEvent
from rectify.problems.testing import ProblemFactory
from tests.complaints.ui_support import (
    CANARY,
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    YUNYAN,
    ZUNYI,
    assign,
    file,
    intake,
    make_batch,
    org,
    pii_key,  # noqa: F401 - fixture
    step,
)

pytestmark = pytest.mark.usefixtures("pii_key")


def events(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def no_personal_data(event: AuditEvent) -> None:
    text = json.dumps([event.before, event.after], ensure_ascii=False)
    for value in (CANARY_NAME, CANARY_PHONE, CANARY_ADDRESS):
        assert value not in text


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_intake_is_audited_without_the_complainant_and_scrubs_the_content(office_clerk):
    batch = make_batch(office_clerk)
    (created,) = events("complaints.create_batch")
    assert created.actor_id == office_clerk.pk and created.after["number"] == 1
    c = intake(
        batch,
        office_clerk,
        1,
        content=f"{CANARY_NAME}（电话{CANARY_PHONE}）反映家门口砂石厂粉尘污染。",
        personal=CANARY,
    )
    (event,) = events("complaints.intake")
    assert event.object_id == str(c.pk) and event.after["complainant_on_file"] is True
    assert event.after["types"] == ["大气"]
    no_personal_data(event)
    assert CANARY_NAME not in c.content and CANARY_PHONE not in c.content
    (receive,) = ComplaintStep.objects.filter(complaint=c)
    assert (receive.step, receive.to_state, receive.effective_date) == (
        Step.RECEIVE,
        State.RECEIVED,
        date(2025, 6, 2),
    )


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_each_workflow_action_leaves_an_event_and_a_dated_row(office_clerk, zunyi_clerk):
    c = intake(make_batch(office_clerk), office_clerk, 1, personal=CANARY)
    assign(c, office_clerk, date(2025, 6, 3))
    step(
        c,
        office_clerk,
        Step.REASSIGN,
        date(2025, 6, 4),
        lead_unit=org(ZUNYI),
        deadline=date(2025, 7, 4),
    )
    file(c, zunyi_clerk, date(2025, 6, 8), verdict=Verdict.PARTLY_TRUE, fines_yuan="1200.50")
    step(c, zunyi_clerk, Step.CLOSE_STAGE, date(2025, 6, 9))
    step(
        c,
        office_clerk,
        Step.RETURN,
        date(2025, 6, 12),
        reason="整改不彻底",
        deadline=date(2025, 6, 30),
    )
    file(c, zunyi_clerk, date(2025, 6, 15), close=Step.CLOSE, ordered_rectify=2)
    for action in ("assign", "reassign", "close_stage", "return", "close"):
        (event,) = events(f"complaints.{action}")
        assert event.object_id == str(c.pk)
        no_personal_data(event)
    returned = events("complaints.return")[0]
    assert returned.after["reason"] == "整改不彻底" and returned.actor_id == office_clerk.pk
    filed = events("complaints.file_result")
    assert [e.actor_id for e in filed] == [zunyi_clerk.pk, zunyi_clerk.pk]
    assert filed[0].after["result"]["fines_yuan"] in ("1200.50", 1200.5)
    rows = ComplaintStep.objects.filter(complaint=c).order_by("effective_date", "id")
    assert [(s.step, s.effective_date.day) for s in rows] == [
        (Step.RECEIVE, 2),
        (Step.ASSIGN, 3),
        (Step.REASSIGN, 4),
        (Step.CLOSE_STAGE, 9),
        (Step.RETURN, 12),
        (Step.CLOSE, 15),
    ]
    c.refresh_from_db()
    assert (c.state, c.closed_on, c.lead_unit.code) == (State.CLOSED, date(2025, 6, 15), ZUNYI)
    assert HandlingResult.objects.filter(complaint=c).count() == 2


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_the_history_answers_the_state_on_every_past_day(office_clerk):
    c = intake(make_batch(office_clerk), office_clerk, 1)
    assign(c, office_clerk, date(2025, 6, 3))
    file(c, office_clerk, date(2025, 6, 8), close=Step.CLOSE_STAGE)
    step(c, office_clerk, Step.CLOSE, date(2025, 6, 11))
    step(
        c,
        office_clerk,
        Step.RETURN,
        date(2025, 6, 14),
        reason="群众再次反映",
        deadline=date(2025, 6, 30),
    )
    expected = {
        date(2025, 6, 1): None,  # the batch had not arrived
        date(2025, 6, 2): State.RECEIVED,
        date(2025, 6, 3): State.IN_PROGRESS,
        date(2025, 6, 8): State.STAGE_CLOSED,
        date(2025, 6, 10): State.STAGE_CLOSED,
        date(2025, 6, 11): State.CLOSED,
        date(2025, 6, 13): State.CLOSED,
        date(2025, 6, 14): State.IN_PROGRESS,
    }
    for day, state in expected.items():
        row = stats.with_state(Complaint.objects.filter(pk=c.pk), day).first()
        assert (row.state_asof if row else None) == state, day


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_dates_out_of_order_or_in_the_future_are_refused_naming_the_field(office_clerk):
    c = intake(make_batch(office_clerk), office_clerk, 1)
    with pytest.raises(ValidationError) as err:
        step(c, office_clerk, Step.ASSIGN, date(2025, 6, 1), lead_unit=org(ZUNYI))
    assert set(err.value.message_dict) == {"effective_date", "deadline"}
    with pytest.raises(ValidationError) as err:  # the clock stands at 2025-06-20
        actions.check_transition_complaint(
            c,
            Step.ASSIGN,
            actor=office_clerk,
            effective_date=date(2025, 6, 21),
            lead_unit=org(ZUNYI),
            deadline=date(2025, 7, 1),
        )
    assert list(err.value.message_dict) == ["effective_date"]
    assign(c, office_clerk, date(2025, 6, 10))
    with pytest.raises(ValidationError) as err:
        file(c, office_clerk, date(2025, 6, 9))
    assert list(err.value.message_dict) == ["effective_date"]
    with pytest.raises(ValidationError) as err:
        step(c, office_clerk, Step.CLOSE, date(2025, 6, 12))
    assert err.value.message_dict["step"] == [
        _("File the investigation and handling result first.")
    ]
    assert ComplaintStep.objects.filter(complaint=c).count() == 2


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_assigning_a_batch_sends_each_waiting_complaint_to_its_region(office_clerk, bozhou_clerk):
    batch = make_batch(office_clerk)
    first = intake(batch, office_clerk, 1)
    second = intake(batch, office_clerk, 2, region=YUNYAN)
    assign(first, office_clerk, date(2025, 6, 3), unit=ZUNYI)
    with pytest.raises(PermissionDenied):
        actions.check_assign_batch(
            batch, actor=bozhou_clerk, effective_date=date(2025, 6, 4), deadline=date(2025, 7, 4)
        )
    n = actions.check_assign_batch(
        batch, actor=office_clerk, effective_date=date(2025, 6, 4), deadline=date(2025, 7, 4)
    )
    assert n == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.lead_unit.code == ZUNYI  # already assigned: left alone
    assert (second.lead_unit.code, second.deadline) == (YUNYAN, date(2025, 7, 4))
    assert len(events("complaints.assign")) == 2


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_repeat_and_ledger_links_are_audited_and_versioned(office_clerk):
    batch = make_batch(office_clerk)
    first, second, third = (intake(batch, office_clerk, n) for n in (1, 2, 3))
    actions.check_mark_repeat(
        second, actor=office_clerk, original=first, expected_version=second.version
    )
    second.refresh_from_db()
    third = actions.check_mark_repeat(
        third, actor=office_clerk, original=second, expected_version=third.version
    )
    assert third.repeat_of_id == first.pk  # linked to the first of the chain
    with pytest.raises(ValidationError):
        actions.check_mark_repeat(first, actor=office_clerk, original=third, expected_version=None)
    assert len(events("complaints.mark_repeat")) == 2
    problem = ProblemFactory(inspection=batch.inspection)
    linked = actions.check_link_problem(
        first, actor=office_clerk, problem=problem, expected_version=first.version
    )
    (event,) = events("complaints.link_problem")
    assert event.after["problem_id"] == problem.pk and linked.version == first.version + 1


@time_machine.travel(date(2025, 6, 20), tick=False)
def test_a_reveal_is_audited_with_its_reason_and_only_for_the_office(
    office_clerk, leader, bozhou_clerk
):
    c = intake(make_batch(office_clerk), office_clerk, 1, personal=CANARY)
    for someone in (leader, bozhou_clerk):
        with pytest.raises(PermissionDenied):
            actions.check_reveal_complainant(c, actor=someone, reason="需要回访举报人")
    assert not events("complaints.reveal_complainant")
    data = actions.check_reveal_complainant(c, actor=office_clerk, reason="需要回访举报人")
    assert data == CANARY
    (event,) = events("complaints.reveal_complainant")
    assert event.after == {"reason": "需要回访举报人", "on_file": True}
    no_personal_data(event)
