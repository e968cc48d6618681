"""Demo ledger: the 2018 central look-back of Guizhou as the 2020 disclosure describes it
(42 problems in 3 aspects and 7 categories; as of 2020-08-31, 30 completed and 12 on
schedule), the province's own 2019 look-back (184 problems, 63 completed by then), and a
recent central inspection whose problems are in every state today.

Everything is written through the ledger's actions, so the demo is audited like real work.
Generated deterministically (fixed seed): the same figures every time.
"""

import math
import random
from datetime import date, timedelta

from django.db import transaction

from rectify.accounts.models import User
from rectify.orgs.models import Org
from rectify.problems import actions
from rectify.problems.models import Aspect, Category, Inspection, Problem
from rectify.problems.states import DeadlineKind, EventKind

DISCLOSURE_DATE = date(2020, 8, 31)

ASPECTS = ["贯彻落实国家生态环境保护决策部署", "推进重点难点问题整改", "自然保护区管理"]

# (category, aspect number, title, region code, lead unit code, deadline or kind)
CENTRAL_PROBLEMS = [
    (
        "思想认识类",
        1,
        "部分地方和部门对生态环境保护重要性认识不足，“重发展、轻保护”思想仍然存在",
        "520000",
        "520000-STHJT",
        "ongoing",
    ),
    (
        "思想认识类",
        1,
        "个别地方落实“党政同责、一岗双责”不到位，生态环境保护责任压力传导层层递减",
        "520000",
        "520000-ZZB",
        "ongoing",
    ),
    (
        "思想认识类",
        1,
        "第一轮督察整改存在表面整改、敷衍整改问题",
        "520000",
        "520000-STHJT",
        "2019-12-31",
    ),
    (
        "思想认识类",
        1,
        "省直有关部门生态环境保护履职尽责不到位，监管合力不足",
        "520000",
        "520000-STHJT",
        "2019-12-31",
    ),
    (
        "思想认识类",
        1,
        "部分市（州）污染防治攻坚战推进力度不够，年度目标任务完成滞后",
        "520000",
        "520000-STHJT",
        "2020-06-30",
    ),
    (
        "思想认识类",
        1,
        "生态环境保护考核问责机制落实不严，考核结果运用不充分",
        "520000",
        "520000-ZZB",
        "2020-06-30",
    ),
    (
        "思想认识类",
        1,
        "部分地方对长江经济带“共抓大保护、不搞大开发”要求贯彻落实不到位",
        "520000",
        "520000-FZGGW",
        "ongoing",
    ),
    (
        "思想认识类",
        1,
        "个别地方为推进项目建设，违规审批涉及生态保护红线的项目",
        "520000",
        "520000-ZRZYT",
        "2019-12-31",
    ),
    (
        "城市基础设施类",
        2,
        "贵阳市城镇污水处理厂超负荷运行，部分污水溢流直排南明河",
        "520100",
        "520100",
        "2020-12-31",
    ),
    (
        "城市基础设施类",
        2,
        "遵义市中心城区雨污混流，污水管网建设滞后",
        "520300",
        "520300",
        "2020-12-31",
    ),
    (
        "城市基础设施类",
        2,
        "六盘水市城市生活垃圾填埋场渗滤液处理不达标",
        "520200",
        "520200",
        "2020-06-30",
    ),
    (
        "城市基础设施类",
        2,
        "安顺市城镇污水处理设施配套管网不完善，污水收集率低",
        "520400",
        "520400",
        "2020-06-30",
    ),
    (
        "城市基础设施类",
        2,
        "毕节市七星关区城市黑臭水体整治进展缓慢",
        "520502",
        "520500",
        "2020-06-30",
    ),
    ("城市基础设施类", 2, "铜仁市碧江区生活垃圾填埋场超负荷运行", "520602", "520600", "2020-06-30"),
    (
        "城市基础设施类",
        2,
        "兴义市城区污水处理厂进水浓度偏低，管网漏损严重",
        "522301",
        "522300",
        "2021-06-30",
    ),
    ("城市基础设施类", 2, "凯里市清水江沿岸部分生活污水直排", "522601", "522600", "2020-06-30"),
    (
        "城市基础设施类",
        2,
        "都匀市剑江流域部分城镇污水收集管网缺失",
        "522701",
        "522700",
        "2020-12-31",
    ),
    (
        "城市基础设施类",
        2,
        "全省县级以上城市医疗废物集中处置能力不足",
        "520000",
        "520000-WSJKW",
        "2020-06-30",
    ),
    (
        "城市基础设施类",
        2,
        "全省乡镇污水处理设施建成后运行率低",
        "520000",
        "520000-ZJT",
        "2021-12-31",
    ),
    (
        "自然保护地类",
        3,
        "威宁草海国家级自然保护区违规建设和围湖造地问题突出",
        "520526",
        "520500",
        "2021-12-31",
    ),
    (
        "自然保护地类",
        3,
        "赤水桫椤国家级自然保护区内小水电站违规运行",
        "520381",
        "520300",
        "2019-12-31",
    ),
    ("自然保护地类", 3, "梵净山国家级自然保护区周边违规采矿", "520621", "520600", "2020-06-30"),
    (
        "自然保护地类",
        3,
        "雷公山国家级自然保护区内违规修建旅游设施",
        "522634",
        "522600",
        "2020-06-30",
    ),
    (
        "自然保护地类",
        3,
        "习水中亚热带常绿阔叶林国家级自然保护区内违规开发",
        "520330",
        "520300",
        "2019-12-31",
    ),
    (
        "自然保护地类",
        3,
        "宽阔水国家级自然保护区内小水电清理整改不到位",
        "520323",
        "520300",
        "2020-06-30",
    ),
    (
        "“三磷”污染类",
        2,
        "开阳县磷化工企业磷石膏堆场渗滤液污染洋水河",
        "520121",
        "520100",
        "2020-12-31",
    ),
    (
        "“三磷”污染类",
        2,
        "福泉市磷石膏库防渗措施不到位，周边地下水总磷超标",
        "522702",
        "522700",
        "2020-06-30",
    ),
    (
        "“三磷”污染类",
        2,
        "瓮安县磷化工企业废水超标排放，瓮安河总磷超标",
        "522725",
        "522700",
        "2020-06-30",
    ),
    ("“三磷”污染类", 2, "息烽县磷矿企业废石堆场违规堆存", "520122", "520100", "2019-12-31"),
    ("环境生态类", 2, "乌江流域网箱养殖清理后存在反弹", "520000", "520000-NYNCT", "2019-12-31"),
    ("环境生态类", 2, "赤水河流域部分白酒企业废水超标排放", "520382", "520300", "2020-06-30"),
    (
        "环境生态类",
        2,
        "部分地区矿山开采生态破坏严重，修复治理滞后",
        "520000",
        "520000-ZRZYT",
        "2021-12-31",
    ),
    ("环境生态类", 2, "部分地区石漠化治理成效不稳固", "520000", "520000-LYJ", "ongoing"),
    ("环境生态类", 2, "重点流域部分断面水质不能稳定达标", "520000", "520000-STHJT", "2020-06-30"),
    (
        "畜禽养殖类",
        2,
        "部分规模化畜禽养殖场粪污处理设施配套不到位",
        "520000",
        "520000-NYNCT",
        "2020-06-30",
    ),
    ("畜禽养殖类", 2, "禁养区内畜禽养殖场关闭搬迁不彻底", "520000", "520000-NYNCT", "2019-12-31"),
    ("畜禽养殖类", 2, "畜禽粪污资源化利用率偏低", "520000", "520000-NYNCT", "2020-12-31"),
    ("其他类", 2, "部分工业园区污水集中处理设施建设滞后", "520000", "520000-GXT", "2020-06-30"),
    ("其他类", 2, "部分企业危险废物贮存处置不规范", "520000", "520000-STHJT", "2019-12-31"),
    ("其他类", 2, "部分地区环境监测数据弄虚作假", "520000", "520000-STHJT", "2019-12-31"),
    ("其他类", 2, "部分燃煤电厂超低排放改造滞后", "520000", "520000-NYJ", "2020-06-30"),
    ("其他类", 2, "部分建设项目未批先建、未验先投", "520000", "520000-STHJT", "2019-12-31"),
]

PROVINCIAL_TEMPLATES = [
    ("城市基础设施类", "{county}城镇污水处理厂提标改造滞后"),
    ("城市基础设施类", "{county}生活垃圾转运设施不足，乱堆乱放问题突出"),
    ("城市基础设施类", "{county}乡镇污水处理设施闲置"),
    ("环境生态类", "{county}部分河段沿岸生活污水直排"),
    ("环境生态类", "{county}废弃矿山生态修复滞后"),
    ("环境生态类", "{county}饮用水水源保护区内存在违规建筑"),
    ("畜禽养殖类", "{county}禁养区内仍有规模养殖场未关闭"),
    ("畜禽养殖类", "{county}养殖场粪污直排河道"),
    ("其他类", "{county}砂石厂粉尘污染严重"),
    ("其他类", "{county}工业园区企业环保设施不正常运行"),
    ("其他类", "{county}餐饮油烟扰民问题反复"),
    ("“三磷”污染类", "{county}磷矿废石堆场未采取防渗措施"),
    ("自然保护地类", "{county}自然保护地内违规建设"),
    ("思想认识类", "{county}第一轮督察整改问题销号把关不严"),
]

RECENT_PROBLEMS = [
    ("城市基础设施类", "南明河部分支流雨季溢流污染问题仍然突出", "520102", "520100", 2026, 6),
    ("城市基础设施类", "遵义市新蒲新区污水管网错接混接", "520303", "520300", 2026, 12),
    ("城市基础设施类", "播州区乡镇生活垃圾收运体系不健全", "520304", "520300", 2026, 12),
    ("“三磷”污染类", "开阳县洋水河总磷浓度反弹", "520121", "520100", 2026, 12),
    ("“三磷”污染类", "福泉市磷石膏综合利用率偏低，堆存量持续增加", "522702", "522700", 2027, 6),
    ("环境生态类", "赤水河干流部分断面总磷浓度上升", "520382", "520300", 2026, 10),
    ("环境生态类", "威宁县石漠化地区生态修复项目进展缓慢", "520526", "520500", 2026, 11),
    ("环境生态类", "六枝特区废弃煤矿酸性矿井水污染河流", "520203", "520200", 2026, 9),
    ("畜禽养殖类", "黔西市规模养殖场粪污处理设施不正常运行", "520581", "520500", 2026, 12),
    ("其他类", "铜仁市万山区汞污染历史遗留问题治理滞后", "520603", "520600", 2027, 12),
    ("其他类", "安顺市平坝区工业固废违规填埋", "520403", "520400", 2026, 8),
    ("自然保护地类", "梵净山周边旅游设施违规扩建", "520621", "520600", 2026, 12),
    ("自然保护地类", "黔东南州雷公山保护区内违规种植", "522634", "522600", 2027, 3),
    ("城市基础设施类", "兴义市马岭河沿岸污水收集不彻底", "522301", "522300", 2026, 12),
    ("环境生态类", "贵安新区部分施工工地扬尘管控不力", "529900", "529900", 2026, 7),
    ("其他类", "都匀经济开发区企业挥发性有机物治理不到位", "522701", "522700", 2026, 12),
]

MEASURES = [
    "制定专项整改方案，明确责任单位和完成时限",
    "开展全面排查，建立问题清单和整改台账",
    "落实资金保障，加快工程项目建设",
    "加强执法监管，依法查处违法行为",
    "建立长效机制，防止问题反弹",
]


def _d(value: str) -> date:
    return date.fromisoformat(value)


def _month_ends(start: date, end: date):
    d = date(start.year, start.month, 1)
    while True:
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        report = nxt - timedelta(days=5)
        if report > end:
            return
        if report > start:
            yield report
        d = nxt


def _planned(start: date, deadline: date, on: date) -> float:
    if on >= deadline:
        return 100.0
    return 100.0 * (on - start).days / max(1, (deadline - start).days)


class _Writer:
    """Writes one problem's dated story through the actions."""

    def __init__(self, office: User, today: date, rng: random.Random):
        self.office, self.today, self.rng = office, today, rng

    def event(self, problem: Problem, kind: str, on: date, **kw) -> None:
        if on > self.today:
            return
        actions.do_record_event(
            problem, actor=self.office, kind=kind, effective_date=on, origin="demo", **kw
        )

    def progress_until(self, problem, start, deadline, until, lead=0.0, floor=0):
        """Monthly reports from start to `until`, keeping `lead` points above plan."""
        last = floor
        for on in _month_ends(start, until):
            plan = _planned(start, deadline, on) if deadline else 50.0
            pct = min(99, max(last, math.ceil(plan + lead + self.rng.randint(0, 6))))
            last = pct
            self.event(
                problem,
                EventKind.PROGRESS,
                on,
                percent=pct,
                note="按整改方案推进，本月完成阶段性任务。",
            )
        return last


@transaction.atomic
def ensure_demo_ledger(today: date) -> bool:
    """Create the demo inspections and their problems once; False if already there."""
    if Inspection.objects.filter(code="central-2018-lookback").exists():
        return False
    office = User.objects.get(username="office")
    orgs = {o.code: o for o in Org.objects.all()}
    categories = {c.name: c for c in Category.objects.all()}
    rng = random.Random(20200831)  # noqa: S311 - reproducible demo data, not security
    writer = _Writer(office, today, rng)

    central = actions.check_create_inspection(
        actor=office,
        code="central-2018-lookback",
        name="中央第五生态环境保护督察组对贵州省第一轮中央环境保护督察整改情况“回头看”及长江流域生态问题专项督察",
        level="central",
        kind="lookback",
        target_region=orgs["520000"],
        team="中央第五生态环境保护督察组",
        onsite_start=date(2018, 11, 4),
        onsite_end=date(2018, 12, 4),
        feedback_date=date(2019, 5, 10),
    )
    aspects = {
        n: Aspect.objects.create(inspection=central, number=n, name=name)
        for n, name in enumerate(ASPECTS, start=1)
    }
    # 12 problems still open at the disclosure date, on schedule; the other 30 completed.
    open_at_disclosure = {1, 2, 7, 9, 10, 15, 17, 19, 20, 26, 32, 33}
    for i, (cat, aspect, title, region, lead, deadline) in enumerate(CENTRAL_PROBLEMS, 1):
        ongoing = deadline == "ongoing"
        due = None if ongoing else _d(deadline)
        start = central.feedback_date
        problem = actions.check_create_problem(
            actor=office,
            data={
                "inspection": central,
                "number": str(i),
                "title": title,
                "description": f"督察反馈指出：{title}。",
                "aspect": aspects[aspect],
                "category": categories[cat],
                "region": orgs[region],
                "lead_unit": orgs[lead],
                "cooperating_units": [orgs["520000-STHJT"]] if lead != "520000-STHJT" else [],
                "responsible_leader": "分管副省长"
                if lead.startswith("520000")
                else "市（州）政府主要负责同志",
                "responsible_person": "",
                "target": "按期完成整改，问题得到有效解决，建立长效机制。",
                "deadline_kind": DeadlineKind.ONGOING if ongoing else DeadlineKind.BY_DATE,
                "original_deadline": due,
                "start_date": start,
                "warning_days": 30,
                "measures": [{"text": m} for m in MEASURES[: 3 + i % 3]],
                "milestones": [],
            },
            origin="demo",
        )
        if i in open_at_disclosure:
            end = due or date(2021, 12, 31)
            if due and due <= DISCLOSURE_DATE:
                raise AssertionError("an open problem must still be in time at the disclosure")
            writer.progress_until(problem, start, due, DISCLOSURE_DATE, lead=1)
            finish = end - timedelta(days=rng.randint(10, 60))
            writer.progress_until(problem, DISCLOSURE_DATE, due, finish, lead=2)
            writer.event(problem, EventKind.APPLIED, finish)
            writer.event(problem, EventKind.ACCEPTED, finish + timedelta(days=20))
            writer.event(problem, EventKind.SIGNED_OFF, finish + timedelta(days=75))
        else:
            finish = min(due or date(2020, 6, 30), DISCLOSURE_DATE) - timedelta(
                days=rng.randint(15, 90)
            )
            writer.progress_until(problem, start, due or date(2020, 6, 30), finish, lead=3)
            writer.event(
                problem, EventKind.PROGRESS, finish, percent=100, note="整改任务全部完成。"
            )
            writer.event(problem, EventKind.APPLIED, finish + timedelta(days=3))
            writer.event(problem, EventKind.ACCEPTED, finish + timedelta(days=12))
            writer.event(
                problem, EventKind.SIGNED_OFF, finish + timedelta(days=rng.randint(40, 200))
            )

    provincial = actions.check_create_inspection(
        actor=office,
        code="provincial-2019-lookback",
        name="2019年省委生态环境保护督察“回头看”",
        level="provincial",
        kind="lookback",
        target_region=orgs["520000"],
        team="省委生态环境保护督察组",
        onsite_start=date(2019, 7, 15),
        onsite_end=date(2019, 8, 15),
        feedback_date=date(2019, 10, 25),
        parent=central,
    )
    prefectures = [o for o in orgs.values() if o.kind in ("prefecture", "new_area")]
    counties = {p.code: [o for o in orgs.values() if o.parent_id == p.pk] for p in prefectures}
    done_ids = set(rng.sample(range(1, 185), 63))
    for n in range(1, 185):
        pref = prefectures[(n - 1) % len(prefectures)]
        county = rng.choice(counties[pref.code] or [pref])
        cat, template = PROVINCIAL_TEMPLATES[(n * 5) % len(PROVINCIAL_TEMPLATES)]
        due = rng.choice(
            [date(2020, 6, 30), date(2020, 12, 31), date(2021, 6, 30), date(2021, 12, 31)]
        )
        if n in done_ids:
            due = max(due, date(2020, 6, 30))
        elif due <= DISCLOSURE_DATE:
            due = date(2020, 12, 31)
        problem = actions.check_create_problem(
            actor=office,
            data={
                "inspection": provincial,
                "number": str(n),
                "title": template.format(county=county.name),
                "region": county,
                "lead_unit": pref,
                "category": categories[cat],
                "deadline_kind": DeadlineKind.BY_DATE,
                "original_deadline": due,
                "start_date": provincial.feedback_date,
                "warning_days": 30,
                "target": "问题整改到位，群众满意。",
                "measures": [{"text": MEASURES[0]}, {"text": MEASURES[2]}],
            },
            origin="demo",
        )
        start = provincial.feedback_date
        if n in done_ids:
            finish = DISCLOSURE_DATE - timedelta(days=rng.randint(5, 200))
            writer.progress_until(problem, start, due, finish, lead=2)
            writer.event(problem, EventKind.PROGRESS, finish, percent=100)
            writer.event(problem, EventKind.ACCEPTED, finish + timedelta(days=4))
        else:
            lag = rng.choice([2, 2, 2, -8])  # a few were behind at the time
            writer.progress_until(problem, start, due, DISCLOSURE_DATE, lead=lag)
            finish = due - timedelta(days=rng.randint(-60, 40))
            writer.progress_until(problem, DISCLOSURE_DATE, due, finish, lead=2, floor=0)
            writer.event(problem, EventKind.PROGRESS, finish, percent=100)
            writer.event(problem, EventKind.ACCEPTED, finish + timedelta(days=10))

    recent = actions.check_create_inspection(
        actor=office,
        code="central-2024-round3",
        name="第三轮中央生态环境保护督察",
        level="central",
        kind="routine",
        target_region=orgs["520000"],
        team="中央第三生态环境保护督察组",
        onsite_start=date(2024, 11, 20),
        onsite_end=date(2024, 12, 20),
        feedback_date=date(2025, 4, 15),
    )
    story = [
        "ahead",
        "on",
        "on",
        "behind",
        "idle",
        "on",
        "blue",
        "overdue",
        "on",
        "on",
        "done",
        "ahead",
        "on",
        "behind",
        "overdue",
        "signed",
    ]
    for n, (cat, title, region, lead, year, month) in enumerate(RECENT_PROBLEMS, 1):
        due = date(year, month, 28)
        plot = story[n - 1]
        if plot == "blue":
            due = today + timedelta(days=20)
        problem = actions.check_create_problem(
            actor=office,
            data={
                "inspection": recent,
                "number": str(n),
                "title": title,
                "description": f"督察组现场检查发现：{title}。",
                "region": orgs[region],
                "lead_unit": orgs[lead],
                "category": categories[cat],
                "deadline_kind": DeadlineKind.BY_DATE,
                "original_deadline": due,
                "start_date": recent.feedback_date,
                "warning_days": 30,
                "target": "按期完成整改并通过验收销号。",
                "responsible_leader": "市（州）政府分管负责同志",
                "measures": [{"text": m, "responsible_unit": orgs[lead]} for m in MEASURES[:4]],
                "milestones": [{"date": date(2025, 12, 31), "percent": 40}]
                if due > date(2026, 3, 1)
                else [],
                "longitude": orgs[region].longitude,
                "latitude": orgs[region].latitude,
            },
            origin="demo",
        )
        start = recent.feedback_date
        if plot == "idle":
            continue
        lead_points = {"ahead": 15, "behind": -12, "overdue": -5}.get(plot, 2)
        until = min(today, due - timedelta(days=13)) if plot != "overdue" else today
        last = writer.progress_until(problem, start, due, until, lead=lead_points)
        if plot in ("on", "ahead") and due < today:
            writer.event(problem, EventKind.PROGRESS, due - timedelta(days=12), percent=100)
            writer.event(problem, EventKind.APPLIED, due - timedelta(days=10))
            writer.event(problem, EventKind.ACCEPTED, due - timedelta(days=2))
        elif plot in ("done", "signed"):
            writer.event(problem, EventKind.PROGRESS, today - timedelta(days=40), percent=100)
            writer.event(problem, EventKind.APPLIED, today - timedelta(days=35))
            writer.event(problem, EventKind.ACCEPTED, today - timedelta(days=25))
            if plot == "signed":
                writer.event(problem, EventKind.SIGNED_OFF, today - timedelta(days=5))
        elif plot == "overdue" and last >= 100:
            raise AssertionError("overdue demo problem should not be finished")
    return True
