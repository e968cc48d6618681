"""A small demo-like ledger for the dashboard tests.

The central look-back (feedback 2019-05-10) and its provincial follow-up (2019-10-25), with
problems spread over 遵义市 (and 播州区 inside it), 贵阳市, 铜仁市, 贵安新区 and the province
itself, so that as of 2020-08-31 every status and warning colour occurs:

  Z1 遵义市   signed off 2020-05-01 (accepted 2020-03-01)
  Z2 播州区   20 % reported, deadline 2020-12-31          behind, yellow
  Z3 遵义市   accepted 2019-11-01                          completed
  Z4 遵义市   criticised 2020-02-01, on schedule           red
  G1 贵阳市   30 % reported, deadline 2019-12-31          overdue, red
  A1 贵安新区 99 % reported, deadline 2020-09-15          on schedule, blue
  P1 省本级   led by 省生态环境厅, 60 %, deadline 2021-12-31 on schedule
  T1 铜仁市   follow-up inspection, accepted 2020-07-01    completed

Complaints of the central look-back (batch 1, 2018-11-10): two of 播州区 and one of 云岩区
(贵阳市); one of 播州区 closed 2018-12-01, the 云岩区 one closed 2019-01-15.

Who sees what: leader and office everything; zunyi_clerk 遵义市's four problems (播州区
included) and 播州区's complaints; guiyang_outsider G1 and the 云岩区 complaint.
"""

from datetime import date

from rectify.complaints.states import Step
from rectify.orgs.models import Org
from rectify.problems.models import Category, Problem
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event
from tests.complaints.ui_support import assign, file, intake, make_batch

D = date(2020, 8, 31)
CENTRAL = "central-2018-lookback"
FOLLOWUP = "provincial-2019-lookback"


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _category(name: str) -> Category:
    return Category.objects.get_or_create(name=name, defaults={"sort_order": 90})[0]


def build_ledger() -> dict[str, Problem]:
    central = InspectionFactory()
    followup = InspectionFactory(
        code=FOLLOWUP,
        name="贵州省第一轮省级生态环境保护督察“回头看”",
        level="provincial",
        kind="lookback",
        team="省委省政府督察组",
        onsite_start=date(2019, 7, 15),
        onsite_end=date(2019, 8, 15),
        feedback_date=date(2019, 10, 25),
        parent=central,
    )
    thought, eco, city = (_category(n) for n in ("思想认识类", "环境生态类", "城市基础设施类"))

    def problem(number, region, *, inspection=central, lead=None, category=eco, **kw):
        start = inspection.feedback_date
        return ProblemFactory(
            inspection=inspection,
            number=number,
            region=_org(region),
            lead_unit=_org(lead or region),
            category=category,
            start_date=start,
            **kw,
        )

    p = {
        "Z1": problem("1", "520300", category=thought, original_deadline=date(2020, 6, 30)),
        "Z2": problem("2", "520304", original_deadline=date(2020, 12, 31)),
        "Z3": problem("3", "520300", category=city, original_deadline=date(2020, 6, 30)),
        "Z4": problem("4", "520300", original_deadline=date(2021, 6, 30)),
        "G1": problem("5", "520100", category=city, original_deadline=date(2019, 12, 31)),
        "A1": problem("6", "529900", original_deadline=date(2020, 9, 15)),
        "P1": problem(
            "7",
            "520000",
            lead="520000-STHJT",
            category=thought,
            original_deadline=date(2021, 12, 31),
        ),
        "T1": problem("1", "520600", inspection=followup, original_deadline=date(2020, 12, 31)),
    }
    add_event(p["Z1"], EventKind.PROGRESS, date(2019, 8, 1), percent=50)
    add_event(p["Z1"], EventKind.ACCEPTED, date(2020, 3, 1))
    add_event(p["Z1"], EventKind.SIGNED_OFF, date(2020, 5, 1))
    add_event(p["Z2"], EventKind.PROGRESS, date(2019, 9, 1), percent=20)
    add_event(p["Z3"], EventKind.PROGRESS, date(2019, 7, 1), percent=80)
    add_event(p["Z3"], EventKind.ACCEPTED, date(2019, 11, 1))
    add_event(p["Z4"], EventKind.PROGRESS, date(2020, 6, 1), percent=60)
    add_event(p["Z4"], EventKind.CRITICISED, date(2020, 2, 1))
    add_event(p["G1"], EventKind.PROGRESS, date(2019, 6, 1), percent=30)
    add_event(p["A1"], EventKind.PROGRESS, date(2020, 8, 1), percent=99)
    add_event(p["P1"], EventKind.PROGRESS, date(2020, 1, 1), percent=60)
    add_event(p["T1"], EventKind.PROGRESS, date(2020, 3, 1), percent=70)
    add_event(p["T1"], EventKind.ACCEPTED, date(2020, 7, 1))
    return p


def build_complaints(office) -> dict:
    """Needs the pii_key fixture (complainant data is encrypted on intake)."""
    batch = make_batch(office, 1, received_on=date(2018, 11, 10), stated=3, code=CENTRAL)
    a = intake(batch, office, 1, region="520304", kinds=("大气",))
    b = intake(batch, office, 2, region="520304", kinds=("水", "大气"))
    c = intake(batch, office, 3, region="520103", kinds=("水",))
    assign(a, office, date(2018, 11, 12), deadline=date(2018, 12, 31))
    assign(b, office, date(2018, 11, 12), deadline=date(2018, 12, 31))
    assign(c, office, date(2018, 11, 12), deadline=date(2019, 1, 31))
    file(a, office, date(2018, 12, 1), close=Step.CLOSE)
    file(c, office, date(2019, 1, 15), close=Step.CLOSE)
    return {"a": a, "b": b, "c": c}
