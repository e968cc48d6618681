"""One world for the access matrix: every kind of object twice, once in 遵义市 (520300, "zy")
and once in 贵阳市 (520100, "gy"), written through the actions like real work.

The cast (rectify.core.testing) sees it like this: office and leader see both; zunyi_clerk,
zunyi_reviewer and team_member (granted 520300) see only "zy"; guiyang_outsider sees only
"gy"; dept_clerk (省生态环境厅) sees neither; sysadmin, auditor and the public see none.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectify.accounts.actions import do_create_token
from rectify.accounts.roles import Role
from rectify.complaints import actions as complaints
from rectify.complaints.actions import ComplaintData
from rectify.complaints.models import PollutionType
from rectify.complaints.publication import check_publish
from rectify.core.models import AuditEvent
from rectify.core.testing import make_user
from rectify.dispatch.actions import ReportData, check_open_period, check_write_report
from rectify.dispatch.actions.notifications import do_notify
from rectify.orgs.models import Org
from rectify.oversight import actions as oversight
from rectify.oversight.models import MeetingKind, Rank, SanctionClass
from rectify.problems.actions import check_request_extension
from rectify.problems.evidence import check_attach_evidence
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event
from rectify.reports.actions import check_create_disclosure
from rectify.signoff.actions import check_apply
from rectify.signoff.calendar_actions import check_save_calendar_day
from tests.problems import evidence_samples as samples

CALLERS = (
    "office_clerk",
    "leader",
    "zunyi_clerk",
    "guiyang_outsider",
    "dept_clerk",
    "zunyi_reviewer",
    "team_member",
    "sysadmin",
    "auditor",
    "anonymous",
)
REGIONS = {"zy": "520300", "gy": "520100"}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)  # (kind, "zy"|"gy") -> id or code


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return samples.upload(name, samples.jpeg_bytes(), "image/jpeg")


def _docx(name: str = "材料.docx") -> SimpleUploadedFile:
    return samples.upload(
        name,
        samples.docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def make_cast() -> dict:
    users = {
        "office_clerk": make_user("office_clerk", Role.OFFICE, "520000"),
        "leader": make_user("leader", Role.LEADER, "520000"),
        "zunyi_clerk": make_user("zunyi_clerk", Role.UNIT, "520300"),
        "guiyang_outsider": make_user("guiyang_outsider", Role.UNIT, "520100"),
        "dept_clerk": make_user("dept_clerk", Role.UNIT, "520000-STHJT"),
        "zunyi_reviewer": make_user("zunyi_reviewer", Role.REVIEWER, "520300"),
        "team_member": make_user("team_member", Role.TEAM, "520000-STHJT", grants=("520300",)),
        "sysadmin": make_user("sysadmin", Role.SYSADMIN, "520000"),
        "auditor": make_user("auditor", Role.AUDITOR, "520000"),
    }
    return users


def build_world() -> World:
    """Create the cast and the objects; returns their ids for URL kwargs."""
    w = World(users=make_cast())
    office = w.users["office_clerk"]
    clerks = {"zy": w.users["zunyi_clerk"], "gy": w.users["guiyang_outsider"]}
    today = timezone.localdate()
    inspection = InspectionFactory(
        code="central-matrix",
        feedback_date=date(2025, 3, 1),
        onsite_start=date(2024, 11, 1),
        onsite_end=date(2024, 12, 1),
    )
    period = check_open_period(
        actor=office, year=today.year, month=today.month, due_date=today + timedelta(days=5)
    )
    batch = complaints.check_create_batch(
        actor=office,
        inspection=inspection,
        number=1,
        received_on=today - timedelta(days=20),
        stated_count=2,
    )
    types = list(PollutionType.objects.filter(name__in=["水"]))
    meeting = oversight.check_create_meeting(
        actor=office,
        data={
            "date": date(2025, 6, 3),
            "kind": MeetingKind.objects.get(name="省委常委会会议"),
            "topic": "听取中央督察反馈问题整改情况汇报",
            "inspection": inspection,
        },
    )
    w.ids[("meeting", "zy")] = w.ids[("meeting", "gy")] = meeting.pk
    w.ids[("inspection", "zy")] = w.ids[("inspection", "gy")] = inspection.code
    w.ids[("period", "zy")] = w.ids[("period", "gy")] = period.pk
    w.ids[("batch", "zy")] = w.ids[("batch", "gy")] = batch.pk
    for n, (key, code) in enumerate(REGIONS.items(), start=1):
        org = _org(code)
        clerk = clerks[key]
        w.ids[("org", key)] = code
        problem = ProblemFactory(
            inspection=inspection,
            number=str(n),
            title=f"{org.name}黑臭水体整改问题",
            region=org,
            lead_unit=org,
            start_date=date(2025, 3, 1),
            original_deadline=today + timedelta(days=200),
            deadline=today + timedelta(days=200),
        )
        done = ProblemFactory(
            inspection=inspection,
            number=str(n + 10),
            title=f"{org.name}污水处理厂提标改造问题",
            region=org,
            lead_unit=org,
            start_date=date(2025, 3, 1),
            original_deadline=today + timedelta(days=200),
            deadline=today + timedelta(days=200),
        )
        add_event(done, EventKind.PROGRESS, today - timedelta(days=30), percent=100)
        w.ids[("problem", key)] = problem.pk
        w.ids[("evidence", key)] = check_attach_evidence(
            problem, actor=office, uploaded_file=_photo()
        ).pk
        # Requested by the unit, so the office may decide it (nobody decides their own).
        w.ids[("extension", key)] = check_request_extension(
            problem, actor=clerk, new_deadline=today + timedelta(days=400), reason="汛期施工受限"
        ).pk
        report = check_write_report(
            problem,
            period,
            actor=clerk,
            data=ReportData(text="管网已完工3公里。", percent=40, effective_date=today),
            submit=True,
        )
        w.ids[("report", key)] = report.pk
        w.ids[("report_version", key)] = report.version
        app = check_apply(
            done,
            actor=clerk,
            completion_report="提标改造已完成，出水稳定达到一级A。",
            effective_date=today - timedelta(days=7),
        )
        w.ids[("application", key)] = app.pk
        complaint = complaints.check_create_complaint(
            batch,
            actor=office,
            data=ComplaintData(
                acceptance_no=f"D3GZ{today - timedelta(days=21):%Y%m%d}00{n:02d}",
                content=f"{org.name}某化工厂夜间排放废水。",
                region=org,
                pollution_types=types,
            ),
        )
        w.ids[("complaint", key)] = complaint.pk
        case = oversight.check_create_case(
            actor=office,
            data={
                "inspection": inspection,
                "number": str(n),
                "title": f"{org.name}督察组移交责任追究问题",
                "source": "transferred",
                "received_date": date(2025, 5, 20),
            },
        )
        w.ids[("case", key)] = case.pk
        w.ids[("held_org", key)] = oversight.check_add_held_org(
            case, actor=office, data={"name": f"中共{org.name}委", "org": org}
        ).pk
        w.ids[("held_person", key)] = oversight.check_add_held_person(
            case,
            actor=office,
            data={
                "name": f"官员{key}",
                "post": "局长",
                "unit_name": f"{org.name}生态环境局",
                "org": org,
                "rank": Rank.objects.get(code="division"),
                "sanction": SanctionClass.objects.get(name="诫勉谈话"),
                "decision_date": date(2025, 8, 1),
            },
        ).pk
        action = oversight.check_create_action(
            actor=office,
            data={
                "inspection": inspection,
                "kind": "secret_visit",
                "date": date(2025, 9, 1),
                "title": f"{org.name}暗访",
                "target_orgs": [org],
                "problems": [problem],
            },
        )
        w.ids[("action", key)] = action.pk
        w.ids[("finding", key)] = oversight.check_add_finding(
            action, actor=office, data={"text": "某砂石厂废水直排", "org": org}
        ).pk
        team = oversight.check_create_team(
            actor=office,
            data={
                "name": f"第{n}督战队",
                "inspection": inspection,
                "leader_name": "陈某某",
                "period_start": date(2025, 4, 1),
                "members": [w.users["team_member"]] if key == "zy" else [],
                "assigned_orgs": [org],
            },
        )
        oversight.check_list_problem(
            team, actor=office, problem=problem, listed_on=date(2025, 4, 10)
        )
        w.ids[("team", key)] = team.pk
        letter = oversight.check_create_letter(
            actor=office,
            data={
                "year": 2025,
                "org": org,
                "inspection": inspection,
                "title": "2025年度目标责任书",
            },
        )
        w.ids[("letter", key)] = letter.pk
        w.ids[("document", key)] = oversight.check_attach_documents(
            "case", case, actor=office, uploaded_files=[_docx()]
        )[0].pk
        w.ids[("notification", key)] = do_notify(
            [clerk], kind="due_soon", title="进展报告即将到期", dedupe_key=f"matrix-{key}"
        )[0].pk
        w.ids[("user", key)] = clerk.pk
    complaints.check_assign_batch(
        batch, actor=office, effective_date=today - timedelta(days=10), deadline=today
    )
    pub = check_publish(batch, today - timedelta(days=1), actor=office)
    w.ids[("publication", "zy")] = w.ids[("publication", "gy")] = pub.pk
    disclosure = check_create_disclosure(inspection, today - timedelta(days=1), "zh", actor=office)
    w.ids[("disclosure", "zy")] = w.ids[("disclosure", "gy")] = disclosure.pk
    day = check_save_calendar_day(actor=office, day=date(2027, 1, 1), is_workday=False, name="元旦")
    w.ids[("calendar_day", "zy")] = w.ids[("calendar_day", "gy")] = day.pk
    token, _raw = do_create_token(actor=office, name="matrix")
    w.ids[("token", "zy")] = w.ids[("token", "gy")] = token.pk
    w.ids[("audit", "zy")] = w.ids[("audit", "gy")] = AuditEvent.objects.latest("seq").seq
    return w
