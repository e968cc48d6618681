"""One complaint's life, from transfer to closure and back, and what the figures say of it
on each date along the way."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.complaints import actions, stats
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import Complainant, Complaint, ComplaintStep, PollutionType
from rectify.complaints.states import State, Step, Verdict
from rectify.core.errors import ConflictError
from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.testing import InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(office_clerk):
    inspection = InspectionFactory(code="central-test", feedback_date=date(2025, 8, 1))
    with time_machine.travel(date(2025, 6, 1)):
        return actions.check_create_batch(
            actor=office_clerk,
            inspection=inspection,
            number=1,
            received_on=date(2025, 5, 28),
            stated_count=1,
        )


def _types(*names):
    return list(PollutionType.objects.filter(name__in=names))


@time_machine.travel(date(2025, 6, 1))
def test_a_complaint_is_received_assigned_handled_closed_and_returned(
    batch, office_clerk, bozhou_clerk, guiyang_outsider
):
    bozhou = Org.objects.get(code="520304")
    c = actions.check_create_complaint(
        batch,
        actor=office_clerk,
        data=ComplaintData(
            acceptance_no="d3gz202505280018",
            content="林晓燕反映播州区鸭溪镇某砂石场粉尘污染严重,电话13985012345。",
            region=bozhou,
            pollution_types=_types("大气", "噪声"),
            personal=PersonalData(name="林晓燕", phone="13985012345", address="鸭溪镇"),
        ),
    )
    assert c.acceptance_no == "D3GZ202505280018" and c.channel == "phone"
    assert c.received_on == date(2025, 5, 28)
    assert "林晓燕" not in c.content and "13985012345" not in c.content
    assert b"13985012345" not in bytes(Complainant.objects.get(complaint=c).ciphertext)

    c = actions.check_transition_complaint(
        c,
        Step.ASSIGN,
        actor=office_clerk,
        effective_date=date(2025, 5, 28),
        lead_unit=bozhou,
        deadline=date(2025, 5, 30),
    )
    assert c.state == State.IN_PROGRESS

    with pytest.raises(PermissionDenied):
        actions.check_file_result(
            c,
            actor=guiyang_outsider,
            data=ResultData("查实", Verdict.TRUE, "已整改"),
        )
    with pytest.raises(ValidationError) as err:
        actions.check_transition_complaint(c, Step.CLOSE, actor=bozhou_clerk)
    assert "step" in err.value.message_dict

    c = actions.check_file_result(
        c,
        actor=bozhou_clerk,
        expected_version=c.version,
        effective_date=date(2025, 5, 31),
        data=ResultData(
            investigation="经现场核查,该砂石场未落实抑尘措施。",
            verdict=Verdict.TRUE,
            handling="责令停产整改,立案处罚。",
            ordered_rectify=1,
            penalty_cases=1,
            fines_yuan=Decimal("50000"),
        ),
        close=Step.CLOSE_STAGE,
    )
    assert c.state == State.STAGE_CLOSED and c.stage_closed_on == date(2025, 5, 31)
    with pytest.raises(ConflictError):
        actions.check_transition_complaint(
            c, Step.CLOSE, actor=bozhou_clerk, expected_version=c.version - 1
        )
    c = actions.check_transition_complaint(
        c, Step.CLOSE, actor=bozhou_clerk, effective_date=date(2025, 6, 1)
    )
    with pytest.raises(PermissionDenied):
        actions.check_transition_complaint(c, Step.RETURN, actor=bozhou_clerk, reason="x")
    with pytest.raises(ValidationError) as err:
        actions.check_transition_complaint(
            c, Step.RETURN, actor=office_clerk, reason="整改不到位,群众仍有反映。"
        )
    assert "deadline" in err.value.message_dict  # a returned complaint gets a new deadline
    c = actions.check_transition_complaint(
        c,
        Step.RETURN,
        actor=office_clerk,
        reason="整改不到位,群众仍有反映。",
        deadline=date(2025, 6, 15),
    )
    assert c.state == State.IN_PROGRESS and c.closed_on is None
    assert c.deadline == date(2025, 6, 15)

    qs = Complaint.objects.all()
    before = stats.counts(qs, date(2025, 5, 27))
    assert before.received == 0
    on_30 = stats.counts(qs, date(2025, 5, 30))
    assert (on_30.received, on_30.in_progress, on_30.closed) == (1, 1, 0)
    assert stats.overdue(qs, date(2025, 5, 31)).count() == 0  # stage-closed is not open
    assert stats.overdue(qs, date(2025, 5, 30)).count() == 0  # deadline day itself
    on_31 = stats.counts(qs, date(2025, 5, 31))
    assert (on_31.closed_stage, on_31.closed) == (1, 0)
    assert stats.enforcement(qs, date(2025, 5, 30))["fines_yuan"] == 0
    assert stats.enforcement(qs, date(2025, 5, 31))["fines_yuan"] == Decimal("50000.00")
    # Closed on 06-01 and returned the same day: the later step of the day wins.
    on_1 = stats.counts(qs, date(2025, 6, 1))
    assert (on_1.closed, on_1.in_progress, on_1.closure_rate) == (0, 1, 0.0)
    assert stats.overdue(qs, date(2025, 6, 1)).count() == 0  # the new deadline counts
    by_type = {t.name: n.received for t, n in stats.by_pollution_type(qs, date(2025, 6, 1))}
    assert by_type["大气"] == by_type["噪声"] == 1 and by_type["水"] == 0

    assert ComplaintStep.objects.filter(complaint=c).count() == 5  # results are not steps
    actions_logged = list(
        AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(c.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_logged == [
        "complaints.intake",
        "complaints.assign",
        "complaints.file_result",
        "complaints.close_stage",
        "complaints.close",
        "complaints.return",
    ]
    dump = "".join(str(e.after) + str(e.before) for e in AuditEvent.objects.all())
    assert "林晓燕" not in dump and "13985012345" not in dump


@time_machine.travel(date(2025, 6, 1))
def test_only_the_office_reveals_the_complainant_and_the_reason_is_audited(
    batch, office_clerk, leader, bozhou_clerk
):
    c = actions.check_create_complaint(
        batch,
        actor=office_clerk,
        data=ComplaintData(
            acceptance_no="X3GZ202505280002",
            content="反映养殖场污水直排。",
            region=Org.objects.get(code="520304"),
            pollution_types=_types("水"),
            personal=PersonalData(name="周建国", phone="13700001111"),
        ),
    )
    for user in (leader, bozhou_clerk):
        with pytest.raises(PermissionDenied):
            actions.check_reveal_complainant(c, actor=user, reason="核实情况需要回访")
    with pytest.raises(ValidationError):
        actions.check_reveal_complainant(c, actor=office_clerk, reason=" ")
    data = actions.check_reveal_complainant(c, actor=office_clerk, reason="核实情况需要回访")
    assert data.name == "周建国" and data.phone == "13700001111"
    event = AuditEvent.objects.get(action="complaints.reveal_complainant")
    assert event.after["reason"] == "核实情况需要回访"
    assert "周建国" not in str(event.after)


@time_machine.travel(date(2025, 6, 1))
def test_a_batch_is_assigned_to_its_counties_in_one_step(batch, office_clerk, zunyi_clerk):
    batch.stated_count = 2
    batch.save()
    regions = [Org.objects.get(code="520304"), Org.objects.get(code="520302")]
    for i, region in enumerate(regions, start=1):
        actions.check_create_complaint(
            batch,
            actor=office_clerk,
            data=ComplaintData(
                acceptance_no=f"X3GZ20250528000{i}",
                content="反映河道有人倾倒建筑垃圾。",
                region=region,
                pollution_types=_types("其他"),
            ),
        )
    with pytest.raises(PermissionDenied):
        actions.check_assign_batch(
            batch, actor=zunyi_clerk, effective_date=date(2025, 5, 28), deadline=date(2025, 6, 12)
        )
    with pytest.raises(ValidationError) as err:
        actions.check_assign_batch(
            batch, actor=office_clerk, effective_date=date(2025, 5, 27), deadline=date(2025, 6, 12)
        )
    assert "effective_date" in err.value.message_dict
    n = actions.check_assign_batch(
        batch, actor=office_clerk, effective_date=date(2025, 5, 28), deadline=date(2025, 6, 12)
    )
    assert n == 2
    for c, region in zip(Complaint.objects.order_by("acceptance_no"), regions, strict=True):
        assert (c.state, c.lead_unit, c.deadline, c.version) == (
            State.IN_PROGRESS,
            region,
            date(2025, 6, 12),
            2,
        )
        step = c.steps.get(step=Step.ASSIGN)
        assert (step.from_state, step.to_state, step.actor) == (
            State.RECEIVED,
            State.IN_PROGRESS,
            office_clerk,
        )
    assert AuditEvent.objects.filter(action="complaints.assign").count() == 2
    # Nothing left to assign: a second click assigns nothing.
    assert (
        actions.check_assign_batch(
            batch, actor=office_clerk, effective_date=date(2025, 5, 28), deadline=date(2025, 6, 12)
        )
        == 0
    )
