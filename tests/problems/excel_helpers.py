"""Shared helpers for the Excel tests: a small ledger built with factories, workbook writers."""

import io
from datetime import date
from decimal import Decimal

import xlsxwriter
from python_calamine import CalamineWorkbook

from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.models import Aspect, Category, Measure, Problem, StatusEvent
from rectify.problems.states import DeadlineKind, EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event, add_milestone

D = date
HEADER = [
    "序号",
    "问题编号",
    "所属方面",
    "问题类别",
    "问题简述",
    "整改目标",
    "整改措施",
    "行政区划",
    "牵头单位",
    "配合单位",
    "责任领导",
    "整改时限",
    "完成情况",
    "完成时间",
    "销号时间",
    "最新进度(%)",
]


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def build_ledger():
    """Five problems of central-2018-lookback covering every kind of history."""
    inspection = InspectionFactory()
    a1 = Aspect.objects.create(inspection=inspection, number=1, name="思想认识方面")
    a2 = Aspect.objects.create(inspection=inspection, number=2, name="城乡环境基础设施方面")
    city = Category.objects.get(name="城市基础设施类")
    phosphorus = Category.objects.get(name="“三磷”污染类")

    p1 = ProblemFactory(
        inspection=inspection,
        number="1",
        title='=HYPERLINK("http://example.invalid") 遵义市中心城区污水管网建设滞后',
        aspect=a2,
        category=city,
        target="-2020年底前城市生活污水集中收集率达到70%以上",
        responsible_leader="@分管副市长",
        responsible_person="张伟",
        longitude=Decimal("106.927389"),
        latitude=Decimal("27.725654"),
        warning_days=45,
    )
    p1.cooperating_units.set([org("520000-ZJT"), org("520000-STHJT")])
    Measure.objects.create(problem=p1, seq=1, text="完成中心城区雨污分流改造120公里")
    Measure.objects.create(problem=p1, seq=2, text="+新建污水处理厂2座")
    add_milestone(p1, D(2019, 12, 31), 30)
    add_milestone(p1, D(2020, 6, 30), 60)
    add_event(p1, EventKind.PROGRESS, D(2019, 10, 1), percent=20, note="管网招标完成")
    add_event(p1, EventKind.PROGRESS, D(2020, 3, 1), percent=55)
    add_event(p1, EventKind.ACCEPTED, D(2020, 11, 20), note="市级验收通过")
    add_event(p1, EventKind.SIGNED_OFF, D(2020, 12, 10))

    p2 = ProblemFactory(
        inspection=inspection,
        number="2",
        title="开阳县磷石膏渣场渗滤液收集不到位",
        aspect=a1,
        category=phosphorus,
        region=org("520100"),
        lead_unit=org("520100"),
        original_deadline=D(2020, 6, 30),
        deadline=D(2020, 12, 31),
    )
    add_event(p2, EventKind.PROGRESS, D(2020, 5, 1), percent=70)
    add_event(
        p2, EventKind.DEADLINE_CHANGED, D(2020, 6, 20), new_deadline=D(2020, 12, 31), note="延期"
    )
    add_event(p2, EventKind.ACCEPTED, D(2020, 12, 1))

    p3 = ProblemFactory(
        inspection=inspection,
        number="3",
        title="播州区乌江沿岸畜禽养殖污染",
        region=org("520304"),
        lead_unit=org("520304"),
        original_deadline=D(2021, 6, 30),
        deadline=D(2021, 6, 30),
    )
    add_event(p3, EventKind.PROGRESS, D(2020, 11, 1), percent=30)

    p4 = ProblemFactory(
        inspection=inspection,
        number="4",
        title="生态环境保护责任落实不到位",
        aspect=a1,
        category=Category.objects.get(name="思想认识类"),
        region=org("520000"),
        lead_unit=org("520000-STHJT"),
        deadline_kind=DeadlineKind.ONGOING,
        original_deadline=None,
        deadline=None,
    )
    add_event(p4, EventKind.PROGRESS, D(2020, 12, 15), percent=40)

    p5 = ProblemFactory(
        inspection=inspection,
        number="10",
        title="赤水河流域小水电清理整改",
        deadline_kind=DeadlineKind.IMMEDIATE,
        original_deadline=D(2019, 5, 10),
        deadline=D(2019, 5, 10),
    )
    return inspection, [p1, p2, p3, p4, p5]


def read_rows(data: bytes) -> list[list]:
    """Every row of the ledger sheet of a workbook, as python-calamine reads it."""
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        return wb.get_sheet_by_name("整改台账").to_python(skip_empty_area=False)


def workbook(rows: list[list], *, header=HEADER, title: str | None = None, sheet="台账") -> bytes:
    """An .xlsx with an optional title row, the header, then `rows` (dates as date cells)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet(sheet)
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title:
        ws.write_string(0, 0, title)
        r = 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h)
    for i, row in enumerate(rows, start=r + 1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(i, c, value, fmt)
            elif isinstance(value, int | float):
                ws.write_number(i, c, value)
            else:
                ws.write_string(i, c, value)
    wb.close()
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Problem.objects.count(), StatusEvent.objects.count(), AuditEvent.objects.count()
