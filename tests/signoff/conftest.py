"""The sign-off cast and a helper that walks an application to any state through the actions.

The problem lies in 播州区 (county 520304), is led by 遵义市 (520300) and has 省生态环境厅 as
a cooperating department, so a central inspection's chain is 县级验收 → 市级验收 →
行业部门审核 → 省级审核.

Who plays what:
- applicant: 遵义市 unit clerk, applies (and alone may withdraw what they filed);
- county: 播州区 acceptance reviewer; city: 遵义市 reviewer; dept: 省生态环境厅 reviewer;
- office: the provincial office (last level, notice, sign-off, rebound, may also apply);
- other_unit: a 贵阳市 clerk (outside the scope); leader: read-only; public: no user;
- sysadmin: no business data at all.
"""

from datetime import date

import pytest

from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.orgs.models import Org
from rectify.problems.models import Measure
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from rectify.signoff import actions
from rectify.signoff.models import Application, StepKind

D = date
TODAY = D(2026, 11, 28)

# The dates of the standard walk: applied 9/1, accepted at each level, the last on 9/24,
# so the notice runs 9/28–10/15 over Mid-autumn and National Day; signed off 10/16.
APPLIED = D(2026, 9, 1)
LEVEL_DATES = {"county": D(2026, 9, 3), "city": D(2026, 9, 8), "dept": D(2026, 9, 15)}
ACCEPTED = D(2026, 9, 24)
NOTICE = (D(2026, 9, 28), D(2026, 10, 15))
SIGNED_OFF = D(2026, 10, 16)
REBOUND = D(2026, 11, 2)
# A notice still running on TODAY: accepted Friday 11/20, notice 11/23–12/4.
RUNNING_ACCEPTED = D(2026, 11, 20)
RUNNING_NOTICE = (D(2026, 11, 23), D(2026, 12, 4))

CHAIN = ("county", "city", "dept", "office")


@pytest.fixture
def problem(orgs):
    p = ProblemFactory(
        number="3",
        title="遵义市播州区乌江支流沿岸养殖场粪污直排问题",
        description="播州区乌江支流沿岸部分规模养殖场粪污处理设施不完善，雨季粪污直排河道。",
        target="2026年底前完成沿岸养殖场粪污治理，乌江支流断面水质稳定达到Ⅲ类。",
        region=Org.objects.get(code="520304"),
        lead_unit=Org.objects.get(code="520300"),
        responsible_leader="遵义市人民政府分管副市长 王某某",
        responsible_person="李某某",
        start_date=D(2025, 4, 15),
        original_deadline=D(2026, 12, 31),
        deadline=D(2026, 12, 31),
    )
    p.cooperating_units.set([Org.objects.get(code="520000-STHJT")])
    Measure.objects.create(problem=p, seq=1, text="关停搬迁禁养区内养殖场12家。")
    Measure.objects.create(problem=p, seq=2, text="限养区养殖场配套建设粪污处理设施。")
    add_event(p, EventKind.PROGRESS, D(2026, 8, 25), percent=100)
    return p


@pytest.fixture
def cast(orgs, zunyi_clerk, zunyi_reviewer, office_clerk, guiyang_outsider, leader, sysadmin):
    return {
        "applicant": zunyi_clerk,
        "county": make_user("bozhou_reviewer", Role.REVIEWER, "520304"),
        "city": zunyi_reviewer,
        "dept": make_user("sthjt_reviewer", Role.REVIEWER, "520000-STHJT"),
        "office": office_clerk,
        "other_unit": guiyang_outsider,
        "leader": leader,
        "public": None,
        "sysadmin": sysadmin,
    }


def apply(problem, who, on=APPLIED, today=TODAY, **kw) -> Application:
    kw.setdefault(
        "completion_report",
        "沿岸12家养殖场已全部关停搬迁，限养区38家养殖场粪污处理设施已建成运行。",
    )
    return actions.check_apply(problem, actor=who, effective_date=on, today=today, **kw)


def take(app, kind, who, on, today=TODAY, **kw) -> Application:
    """A step as a form or the API would send it (an acceptance with all its fields)."""
    if kind == StepKind.ACCEPT:
        kw.setdefault("signer_name", "张建华")
        kw.setdefault("opinion", "经现场核查，整改措施已落实，同意通过验收。")
        kw.setdefault("onsite_record", "2026年现场核查沿岸养殖场15家，未发现粪污直排。")
    elif kind in (StepKind.RETURN, StepKind.OBJECT, StepKind.REBOUND):
        kw.setdefault("opinion", "现场发现仍有2家养殖场粪污未经处理排放。")
    return actions.check_transition_application(
        app, kind, actor=who, effective_date=on, today=today, expected_version=app.version, **kw
    )


def walk(problem, cast, state: str) -> Application:
    """An application brought to `state` through the actions. States: review_<level>
    (county, city, dept, province), returned, withdrawn, notice_running, notice_ended,
    signed_off, rebound."""
    app = apply(problem, cast["applicant"])
    if state == "withdrawn":
        return take(app, StepKind.WITHDRAW, cast["applicant"], D(2026, 9, 2))
    if state == "returned":
        return take(app, StepKind.RETURN, cast["county"], LEVEL_DATES["county"])
    stop = {"review_county": 0, "review_city": 1, "review_dept": 2, "review_province": 3}
    if state in stop:
        for who in CHAIN[: stop[state]]:
            app = take(app, StepKind.ACCEPT, cast[who], LEVEL_DATES[who])
        return app
    if state == "notice_running":
        for i, who in enumerate(CHAIN):
            app = take(app, StepKind.ACCEPT, cast[who], D(2026, 11, 16 + i + (i == 3)))
        return app
    for who in CHAIN[:3]:
        app = take(app, StepKind.ACCEPT, cast[who], LEVEL_DATES[who])
    app = take(app, StepKind.ACCEPT, cast["office"], ACCEPTED)
    if state == "notice_ended":
        return app
    app = take(app, StepKind.SIGN_OFF, cast["office"], SIGNED_OFF)
    if state == "signed_off":
        return app
    app = take(app, StepKind.REBOUND, cast["office"], REBOUND)
    assert state == "rebound", state
    return app
