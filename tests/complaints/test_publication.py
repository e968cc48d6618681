"""Publishing a batch's handling: the figures are those of complaints.stats as of the date,
the publication is frozen, withdrawn and republished, only by the office, audited.

The scenario (`story`) is reused by the other publication tests: a central look-back with
two batches of complaints in 播州区, 汇川区 (遵义市) and 南明区, 云岩区 (贵阳市):

batch 1 (2018-11-06): A 播州区, complainant on file (canary values), closed 11-08 with a
    fine of 50,000 元; B 南明区 untrue, stage-closed 11-09, closed 11-20; C 播州区 repeats A,
    closed 11-10.
batch 2 (2018-11-07): D 汇川区 closed 11-09, 2 officials interviewed, 1 held accountable;
    E 云岩区 still in progress.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.complaints import actions, stats
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import Complaint, ComplaintBatch, PollutionType, Publication
from rectify.complaints.publication import (
    batch_paragraphs,
    check_publish,
    check_withdraw_publication,
    public_rows,
    published,
)
from rectify.complaints.states import Step, Verdict
from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.testing import InspectionFactory

pytestmark = pytest.mark.django_db

# Personal data that must never appear anywhere public (the canary of the tests).
CANARY = PersonalData(name="甄稀有", phone="13900001111", address="鸭溪镇石板村三组45号")
THIRD_PARTY = ("张三", "13811112222", "李四", "杨光明", "zhang.san@example.com")


@dataclass
class Story:
    inspection: object
    batch1: ComplaintBatch
    batch2: ComplaintBatch
    a: Complaint
    b: Complaint
    c: Complaint
    d: Complaint
    e: Complaint


def _types(*names):
    return list(PollutionType.objects.filter(name__in=names))


def _complaint(batch, office, no, region, content, types, personal=None):
    return actions.check_create_complaint(
        batch,
        actor=office,
        data=ComplaintData(
            acceptance_no=no,
            content=content,
            region=Org.objects.get(code=region),
            pollution_types=_types(*types),
            personal=personal or PersonalData(),
        ),
    )


def _assign(c, office, day):
    return actions.check_transition_complaint(
        c,
        Step.ASSIGN,
        actor=office,
        effective_date=day,
        lead_unit=c.region,
        deadline=date(2018, 11, 21),
    )


def build_story(office) -> Story:
    inspection = InspectionFactory(code="central-2018-lookback")
    b1 = actions.check_create_batch(
        actor=office, inspection=inspection, number=1, received_on=date(2018, 11, 6), stated_count=3
    )
    b2 = actions.check_create_batch(
        actor=office, inspection=inspection, number=2, received_on=date(2018, 11, 7), stated_count=2
    )
    a = _complaint(
        b1,
        office,
        "D1GZ201811050001",
        "520304",
        f"{CANARY.name}反映：{CANARY.address}旁边的砂石厂粉尘大，电话{CANARY.phone}。",
        ("大气", "噪声"),
        CANARY,
    )
    b = _complaint(
        b1,
        office,
        "X1GZ201811050002",
        "520102",
        "村民张三家门口的河沟发臭，联系人李四13811112222，邮箱zhang.san@example.com。",
        ("水",),
    )
    c = _complaint(b1, office, "D1GZ201811060003", "520304", "再次反映砂石厂粉尘扰民。", ("大气",))
    d = _complaint(
        b2, office, "D1GZ201811070001", "520303", "某养殖场废水直排河道。", ("水", "土壤")
    )
    e = _complaint(b2, office, "X1GZ201811070002", "520103", "某餐馆油烟扰民。", ("大气",))
    c = actions.check_mark_repeat(
        c, actor=office, original=a, expected_version=c.version, effective_date=date(2018, 11, 6)
    )
    a, b, c = (_assign(x, office, date(2018, 11, 6)) for x in (a, b, c))
    d, e = (_assign(x, office, date(2018, 11, 7)) for x in (d, e))
    a = actions.check_file_result(
        a,
        actor=office,
        effective_date=date(2018, 11, 8),
        close=Step.CLOSE,
        data=ResultData(
            investigation="经现场核查，砂石厂未落实抑尘措施。",
            verdict=Verdict.TRUE,
            handling="责令停产整改，立案处罚。",
            ordered_rectify=1,
            penalty_cases=1,
            fines_yuan=Decimal("50000"),
        ),
    )
    b = actions.check_file_result(
        b,
        actor=office,
        effective_date=date(2018, 11, 9),
        close=Step.CLOSE_STAGE,
        data=ResultData(
            investigation="经核查，河沟异味系生活污水所致，举报人李四称已好转。",
            verdict=Verdict.UNTRUE,
            handling="向群众解释说明。",
        ),
    )
    b = actions.check_transition_complaint(
        b, Step.CLOSE, actor=office, effective_date=date(2018, 11, 20)
    )
    c = actions.check_file_result(
        c,
        actor=office,
        effective_date=date(2018, 11, 10),
        close=Step.CLOSE,
        data=ResultData(investigation="与A件重复。", verdict=Verdict.TRUE, handling="合并办理。"),
    )
    d = actions.check_file_result(
        d,
        actor=office,
        effective_date=date(2018, 11, 9),
        close=Step.CLOSE,
        data=ResultData(
            investigation="养殖场粪污处理设施不完善。",
            verdict=Verdict.PARTLY_TRUE,
            handling="责令限期整改。",
            ordered_rectify=1,
            interviewed=2,
            held_accountable=1,
            accountability="对镇长杨光明进行诫勉谈话。",
        ),
    )
    return Story(inspection, b1, b2, a, b, c, d, e)


@pytest.fixture
def story(office_clerk) -> Story:
    return build_story(office_clerk)


def test_batch_paragraphs_state_the_figures_as_of_the_date(story):
    paragraphs = batch_paragraphs(story.batch1, date(2018, 11, 9))
    assert paragraphs == [
        "11月9日，全省已对中央督察组交办的第1批3件信访举报件（其中重复件1件）进行调查处理，"
        "其中，已办结1件、阶段性办结1件、未办结1件，责令整改1家，立案处罚1家，罚款5万元。",
        "截至11月9日，全省已对第1批共3件信访举报件（其中重复件1件）进行调查处理，"
        "其中，已办结1件、阶段性办结1件、未办结1件，责令整改1家，立案处罚1家，罚款5万元。",
        "其余信访举报件正在调查处理中，我省将持续推进，做到件件有着落、事事有回音。",
    ]


def test_cumulative_paragraph_counts_batches_one_to_n(story):
    _first, cumulative, _closing = batch_paragraphs(story.batch2, date(2018, 11, 10))
    assert cumulative == (
        "截至11月10日，全省已对第1-2批共5件信访举报件（其中重复件1件）进行调查处理，"
        "其中，已办结3件、阶段性办结1件、未办结1件，责令整改2家，立案处罚1家，罚款5万元，"
        "约谈2人，问责1人。"
    )


def test_a_prefecture_publishes_its_own_figures_from_its_first_batch(story):
    zunyi = Org.objects.get(code="520300")
    first, cumulative, closing = batch_paragraphs(story.batch2, date(2018, 11, 20), region=zunyi)
    assert first.startswith("11月20日，全市已对中央督察组交办的第2批1件信访举报件进行调查处理")
    assert "截至11月20日，全市已对第1-2批共3件信访举报件（其中重复件1件）" in cumulative
    assert closing.startswith("我市将持续跟踪")  # all of 遵义市's are closed by then
    guiyang = Org.objects.get(code="520100")
    _first, cumulative, _closing = batch_paragraphs(
        story.batch2, date(2018, 11, 20), region=guiyang
    )
    assert "已办结1件、未办结1件" in cumulative  # B closed on 11-20, E still open


def test_published_figures_equal_the_statistics_of_that_date(story, office_clerk):
    as_of = date(2018, 11, 9)
    pub = check_publish(story.batch2, as_of, actor=office_clerk)
    for block, qs in (
        ("batch", Complaint.objects.filter(batch=story.batch2)),
        ("cumulative", Complaint.objects.filter(batch__inspection=story.inspection)),
    ):
        counts = stats.counts(qs, as_of)
        money = stats.enforcement(qs, as_of)
        figures = pub.figures[block]
        assert (
            figures["transferred"],
            figures["closed"],
            figures["closed_stage"],
            figures["open"],
            figures["repeats"],
        ) == (
            counts.received,
            counts.closed,
            counts.closed_stage,
            counts.in_progress,
            counts.repeats,
        )
        assert figures["enforcement"] == {
            k: (str(v) if isinstance(v, Decimal) else v) for k, v in money.items()
        }
    assert pub.figures["cumulative"]["closed"] == 2 and pub.figures["batch"]["open"] == 1
    assert pub.paragraphs == batch_paragraphs(story.batch2, as_of)
    assert [r["acceptance_no"] for r in pub.rows] == ["D1GZ201811070001", "X1GZ201811070002"]
    assert pub.title.startswith("贵州省公开中央第五生态环境保护督察组交办第2批信访举报件")


def test_publication_stays_frozen_when_complaints_change_later(story, office_clerk):
    pub = check_publish(story.batch2, date(2018, 11, 9), actor=office_clerk)
    frozen = (pub.paragraphs, pub.figures, pub.rows)
    actions.check_file_result(
        story.e,
        actor=office_clerk,
        effective_date=date(2018, 11, 9),  # filed late, back-dated into the published day
        close=Step.CLOSE,
        data=ResultData(
            investigation="油烟净化器未开启。", verdict=Verdict.TRUE, handling="已整改。"
        ),
    )
    pub.refresh_from_db()
    assert (pub.paragraphs, pub.figures, pub.rows) == frozen
    assert batch_paragraphs(story.batch2, date(2018, 11, 9)) != pub.paragraphs
    assert pub.rows[1]["investigation"] == "正在调查处理中。"


def test_the_same_batch_and_date_is_published_once_unless_withdrawn(story, office_clerk):
    first = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    with pytest.raises(ValidationError) as err:
        check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    assert "as_of" in err.value.message_dict
    check_publish(story.batch1, date(2018, 11, 10), actor=office_clerk)  # another day is fine

    with pytest.raises(ValidationError) as err:
        check_withdraw_publication(first, actor=office_clerk, reason="")
    assert "reason" in err.value.message_dict
    check_withdraw_publication(first, actor=office_clerk, reason="罚款数字有误，更正后重新公开。")
    assert not published().filter(pk=first.pk).exists()
    with pytest.raises(ValidationError):
        check_withdraw_publication(first, actor=office_clerk, reason="再次撤回试试")
    again = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    assert again.pk != first.pk
    assert set(published().values_list("as_of", flat=True)) == {
        date(2018, 11, 9),
        date(2018, 11, 10),
    }


def test_publishing_and_withdrawing_are_audited(story, office_clerk):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    event = AuditEvent.objects.get(action="complaints.publish", object_id=str(pub.pk))
    assert event.after["figures"]["batch"]["transferred"] == 3 and event.after["rows"] == 3
    assert event.actor_id == office_clerk.pk
    check_withdraw_publication(pub, actor=office_clerk, reason="数据更正")
    event = AuditEvent.objects.get(action="complaints.withdraw_publication")
    assert event.before["withdrawn_at"] is None and event.after["reason"] == "数据更正"


def test_only_the_office_publishes_and_withdraws(story, office_clerk, zunyi_clerk, leader):
    for user in (zunyi_clerk, leader):
        with pytest.raises(PermissionDenied):
            check_publish(story.batch1, date(2018, 11, 9), actor=user)
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    with pytest.raises(PermissionDenied):
        check_withdraw_publication(pub, actor=leader, reason="领导要求撤回")
    assert Publication.objects.count() == 1


def test_dates_outside_the_batch_or_in_the_future_are_refused(story, office_clerk):
    with pytest.raises(ValidationError) as err:
        check_publish(story.batch2, date(2018, 11, 6), actor=office_clerk)
    assert "2018-11-07" in err.value.message_dict["as_of"][0]
    with pytest.raises(ValidationError) as err:
        check_publish(story.batch2, date(2099, 1, 1), actor=office_clerk)
    assert "as_of" in err.value.message_dict
    assert not Publication.objects.exists()


def test_public_rows_hold_the_result_in_force_and_no_personal_data(story):
    rows = public_rows(story.batch1, date(2018, 11, 9))
    a, c, b = rows  # in acceptance-number order when the team gave no order
    assert a["region"] == "遵义市播州区" and a["pollution_types"] == "大气、噪声"
    assert a["verdict"] == "属实" and a["accountability"] == "无"
    assert b["region"] == "贵阳市南明区" and b["verdict"] == "不属实"
    assert c["investigation"] == "正在调查处理中。" and c["verdict"] == ""
    text = repr(rows)
    for private in (*CANARY.values(), *THIRD_PARTY):
        assert private not in text
    assert "村民某户门口" in b["content"] and "举报人李某称" in b["investigation"]
    d = public_rows(story.batch2, date(2018, 11, 9))[0]
    assert d["accountability"] == "对镇长杨某进行诫勉谈话。"
