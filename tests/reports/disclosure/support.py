"""Builders for the reports tests: a small ledger of the 2018 look-back with problems in
every status, follow-up problems, oversight records and complaints, all written through
the domains' own actions (or the ledger's factories), dated so that a disclosure as of
2020-06-30 sees some of them and not others.

Who sees what here (the cast of rectify.core.testing): office_clerk creates, edits,
publishes and withdraws disclosures and sees drafts; leader, zunyi_clerk, zunyi_reviewer
and team_member read published ones and compute figures of inspections they can see;
guiyang_outsider likewise; sysadmin and auditor see nothing (404 pages, 403 API).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from rectify.complaints import actions as complaint_actions
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import PollutionType
from rectify.complaints.states import Step, Verdict
from rectify.orgs.models import Org
from rectify.oversight import actions as oversight_actions
from rectify.oversight.models import MeetingKind, Rank, SanctionClass
from rectify.problems.models import Aspect, Category, Inspection
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2020, 9, 10)
D = date(2020, 6, 30)  # the disclosure date most tests use


def at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def lookback() -> Inspection:
    return InspectionFactory()


def followup_inspection(parent: Inspection) -> Inspection:
    return InspectionFactory(
        code="provincial-2019-lookback",
        name="2019年省委生态环境保护督察“回头看”",
        level="provincial",
        kind="lookback",
        team="省委生态环境保护督察组",
        onsite_start=date(2019, 7, 15),
        onsite_end=date(2019, 8, 15),
        feedback_date=date(2019, 10, 25),
        parent=parent,
    )


def problem(inspection: Inspection, number: str, *, category: str, aspect=None, **fields):
    return ProblemFactory(
        inspection=inspection,
        number=number,
        category=Category.objects.get(name=category),
        aspect=aspect,
        start_date=inspection.feedback_date,
        **fields,
    )


def build_ledger(inspection: Inspection) -> dict[str, Any]:
    """Problems in every status as of D (2020-06-30), in two categories and two aspects."""
    a1 = Aspect.objects.create(inspection=inspection, number=1, name="推进重点难点问题整改")
    a2 = Aspect.objects.create(inspection=inspection, number=2, name="自然保护区管理")
    p = {}
    p["signed"] = problem(inspection, "1", category="城市基础设施类", aspect=a1)
    add_event(p["signed"], EventKind.PROGRESS, date(2019, 9, 1), percent=100)
    add_event(p["signed"], EventKind.ACCEPTED, date(2019, 10, 1))
    add_event(p["signed"], EventKind.SIGNED_OFF, date(2020, 1, 15))
    p["accepted"] = problem(inspection, "2", category="城市基础设施类", aspect=a1)
    add_event(p["accepted"], EventKind.PROGRESS, date(2020, 2, 1), percent=100)
    add_event(p["accepted"], EventKind.ACCEPTED, date(2020, 3, 1))
    p["on_schedule"] = problem(inspection, "3", category="自然保护地类", aspect=a2)
    add_event(p["on_schedule"], EventKind.PROGRESS, date(2020, 6, 1), percent=75)
    p["behind"] = problem(inspection, "4", category="自然保护地类", aspect=a2)
    add_event(p["behind"], EventKind.PROGRESS, date(2020, 6, 1), percent=10)
    p["idle"] = problem(inspection, "5", category="自然保护地类", aspect=a2)
    p["overdue"] = problem(
        inspection, "6", category="城市基础设施类", aspect=a1, original_deadline=date(2020, 3, 31)
    )
    add_event(p["overdue"], EventKind.PROGRESS, date(2020, 1, 1), percent=60)
    return p


def build_followup(parent: Inspection) -> Inspection:
    child = followup_inspection(parent)
    for n in range(1, 5):
        pr = problem(
            child, str(n), category="环境生态类", region=org("520100"), lead_unit=org("520100")
        )
        if n <= 2:
            add_event(pr, EventKind.ACCEPTED, date(2020, 5, n))
    return child


def build_oversight(office, inspection: Inspection) -> None:
    """A transferred case deciding on 3 officials and 1 organisation, supervision actions,
    two meetings, a battle team and a responsibility letter — all before D."""
    with time_machine.travel(at(TODAY), tick=False):
        case = oversight_actions.check_create_case(
            actor=office,
            data={
                "inspection": inspection,
                "number": "1",
                "title": "督察组移交责任追究问题1",
                "source": "transferred",
                "received_date": date(2019, 5, 20),
            },
        )
        oversight_actions.check_add_held_org(
            case,
            actor=office,
            data={
                "name": "遵义市生态环境局党组",
                "org": org("520300"),
                "decision_date": date(2019, 9, 1),
            },
        )
        for i, (rank, sanction) in enumerate(
            [("bureau", "诫勉谈话"), ("division", "党纪政务处分"), ("section", "党纪政务处分")]
        ):
            oversight_actions.check_add_held_person(
                case,
                actor=office,
                data={
                    "name": f"张某{i}",
                    "post": "局长",
                    "unit_name": "遵义市生态环境局",
                    "org": org("520300"),
                    "rank": Rank.objects.get(code=rank),
                    "sanction": SanctionClass.objects.get(name=sanction),
                    "decision_date": date(2019, 8, 1),
                },
            )
        for kind, day in (
            ("letter", date(2019, 9, 1)),
            ("letter", date(2020, 2, 1)),
            ("interview", date(2020, 3, 1)),
        ):
            supervision(office, inspection, kind, day)
        meeting(office, inspection, "省委常委会会议", date(2019, 6, 1))
        meeting(office, inspection, "专题会", date(2019, 7, 1))
        oversight_actions.check_create_team(
            actor=office,
            data={
                "name": "第一督战队",
                "inspection": inspection,
                "leader_name": "张某某",
                "leader_post": "省生态环境厅副厅长",
                "assigned_orgs": [org("520300")],
                "period_start": date(2020, 4, 1),
                "period_end": date(2020, 12, 31),
            },
        )
        oversight_actions.check_create_letter(
            actor=office,
            data={
                "year": 2020,
                "org": org("520300"),
                "inspection": inspection,
                "title": "2020年度目标责任书",
                "signed_on": date(2020, 3, 1),
                "signatory": "遵义市人民政府",
            },
        )


def supervision(office, inspection, kind: str, day: date):
    with time_machine.travel(at(max(day, TODAY)), tick=False):
        return oversight_actions.check_create_action(
            actor=office,
            data={
                "inspection": inspection,
                "kind": kind,
                "date": day,
                "title": f"督办{kind}{day.isoformat()}",
                "target_orgs": [org("520300")],
            },
        )


def meeting(office, inspection, kind: str, day: date):
    with time_machine.travel(at(max(day, TODAY)), tick=False):
        return oversight_actions.check_create_meeting(
            actor=office,
            data={
                "date": day,
                "kind": MeetingKind.objects.get(name=kind),
                "topic": f"研究督察整改工作{day.isoformat()}",
                "inspection": inspection,
            },
        )


# --- complaints ------------------------------------------------------------------------


def complaint_batch(office, inspection: Inspection, number: int, received_on: date, stated: int):
    with time_machine.travel(at(received_on), tick=False):
        return complaint_actions.check_create_batch(
            actor=office,
            inspection=inspection,
            number=number,
            received_on=received_on,
            stated_count=stated,
        )


def complaint(office, batch, seq: int, region: str = "520304"):
    with time_machine.travel(at(batch.received_on), tick=False):
        return complaint_actions.check_create_complaint(
            batch,
            actor=office,
            data=ComplaintData(
                acceptance_no=f"D2GZ{batch.received_on:%Y%m%d}{seq:04d}",
                content=f"群众反映某砂石厂粉尘扰民，第{seq}件。",
                region=org(region),
                pollution_types=list(PollutionType.objects.filter(name="大气")),
                is_key=False,
                personal=PersonalData(),
            ),
        )


def handle(office, c, on: date, *, close: str = Step.CLOSE, fines: int = 0):
    """Assign the complaint to its region and file a result closing it on `on`."""
    with time_machine.travel(at(on), tick=False):
        c = complaint_actions.check_transition_complaint(
            c, Step.ASSIGN, actor=office, effective_date=on, lead_unit=c.region, deadline=on
        )
        return complaint_actions.check_file_result(
            c,
            actor=office,
            data=ResultData(
                investigation="经现场核查，反映问题属实。",
                verdict=Verdict.TRUE,
                handling="责令整改，已完成降尘设施安装。",
                ordered_rectify=1,
                fines_yuan=Decimal(fines),
            ),
            effective_date=on,
            close=close,
        )


def build_complaints(office, inspection: Inspection) -> list:
    """Three complaints transferred during the inspection: two closed, one stage-closed."""
    batch = complaint_batch(office, inspection, 1, date(2018, 11, 10), 3)
    cs = [complaint(office, batch, n) for n in (1, 2, 3)]
    handle(office, cs[0], date(2018, 11, 20), fines=50000)
    handle(office, cs[1], date(2018, 11, 25))
    handle(office, cs[2], date(2018, 12, 1), close=Step.CLOSE_STAGE)
    return cs
