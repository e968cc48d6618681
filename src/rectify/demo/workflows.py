"""Demo workflows on the recent inspection: a dispatch period with reports (one with a
photo), warnings recorded today, and sign-off applications at different stages (one whose
public notice is on the portal). Written through the actions, like real work."""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rectify.accounts.models import User
from rectify.dispatch.actions import (
    ReportData,
    check_open_period,
    check_review_report,
    check_write_report,
)
from rectify.dispatch.models import DispatchPeriod
from rectify.problems import asof
from rectify.problems.actions import do_record_warnings
from rectify.problems.models import Problem
from rectify.signoff.actions import check_apply, check_transition_application
from rectify.signoff.models import StepKind

SITE_PHOTO_TEXT = "现场已完成管网错接混接点位改造，雨污分流井已封堵。"


def _photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), (70, 120, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("现场照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def _previous_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def ensure_demo_workflows(today: date) -> bool:
    """Create the demo period, reports, warnings and applications once."""
    if DispatchPeriod.objects.exists():
        return False
    office = User.objects.get(username="office")
    users = {u.username: u for u in User.objects.all()}
    recent = Problem.objects.filter(inspection__code="central-2024-round3")

    year, month = _previous_month(today)
    period = check_open_period(
        actor=office,
        year=year,
        month=month,
        due_date=date(today.year, today.month, 5),
        today=today,
    )
    report_day = period.start_date + timedelta(days=24)
    writers = {"520300": users["zunyi"], "520100": users["guiyang"]}
    states = {p.pk: p for p in asof.as_of(recent, report_day)}
    first_report = None
    for problem in recent.select_related("lead_unit").order_by("sort_key"):
        writer = writers.get(problem.lead_unit.code)
        state = states.get(problem.pk)
        if writer is None or state is None or state.asof_status in ("completed", "signed_off"):
            continue
        if problem.number == "3" or (state.asof_percent or 0) >= 100:
            continue  # 播州区 rubbish collection: the report is missing; finished ones owe none
        percent = min(99, (state.asof_percent or 0) + 4)
        report = check_write_report(
            problem,
            period,
            actor=writer,
            data=ReportData(
                text="按序时推进，本月完成管网排查和整改点位施工；存在问题：雨季施工受限。",
                percent=percent,
                effective_date=report_day,
            ),
            submit=True,
            uploaded_files=[_photo()] if first_report is None else [],
            caption=SITE_PHOTO_TEXT if first_report is None else "",
            today=today,
        )
        first_report = first_report or report
    if first_report is not None:
        check_review_report(
            first_report,
            actor=users["reviewer"],
            decision="accept",
            opinion="报告属实，证明材料齐全。",
        )

    do_record_warnings(today, actor="demo")

    # 遵义市新蒲新区 (汇川区) problem: accepted at every level, its notice has run out.
    notice_case = recent.get(number="2")
    app = check_apply(
        notice_case,
        actor=users["zunyi"],
        today=today,
        effective_date=today - timedelta(days=26),
        completion_report="新蒲新区错接混接点位132处已全部整改，管网闭水试验合格。",
    )
    for who, days_ago in (("huichuan_reviewer", 23), ("reviewer", 19), ("office", 16)):
        app = check_transition_application(
            app,
            StepKind.ACCEPT,
            actor=users[who],
            today=today,
            effective_date=today - timedelta(days=days_ago),
            signer_name=users[who].display_name.split("（")[0],
            opinion="经现场核查，整改措施落实到位，同意通过验收。",
            onsite_record="抽查雨污分流井20处，均已封堵到位。",
        )
    # 播州区 rubbish collection: passed the county, waiting for 遵义市.
    review_case = recent.get(number="3")
    app = check_apply(
        review_case,
        actor=users["zunyi"],
        today=today,
        effective_date=today - timedelta(days=6),
        completion_report="已建成乡镇垃圾转运站5座，配齐收运车辆18台。",
    )
    check_transition_application(
        app,
        StepKind.ACCEPT,
        actor=users["bozhou_reviewer"],
        today=today,
        effective_date=today - timedelta(days=3),
        signer_name="何平",
        opinion="县级验收合格。",
        onsite_record="现场查看转运站3座，运行正常。",
    )
    return True
