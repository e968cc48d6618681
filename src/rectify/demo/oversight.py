"""Demo oversight records for the 2018 central look-back, as the 2020 disclosure reports
them as of 2020-08-31: 5 transferred cases, 19 party organisations and 81 officials held
accountable (厅级 11, 处级 37, 科级及以下 33; 党纪政务处分 48, 并组织处理 9, 组织处理 2,
诫勉谈话 17, 书面检查 1, 约谈 3, 批评教育 1), decided between 2019-06 and 2020-07;
24 meetings; 14 letters, 3 interviews, 2 notifications, secret visits, the central
office's spot check of 贵阳市 and 遵义市, a warning film; 9 battle teams paired with the 9
prefectures (the demo `team` account is in 遵义市's); responsibility letters of 2019 and
2020. A 2025 secret visit of the recent inspection files a 贵阳市 problem (source 暗访), so
the look-back's 42 problems stay exact. Names follow publications' style (张某某).

Everything is written through the oversight actions, so it is audited like real work.
"""

from datetime import date, timedelta

from django.db import transaction

from rectify.accounts.models import User
from rectify.orgs.models import Org
from rectify.oversight import actions
from rectify.oversight.models import (
    AccountabilityCase,
    MeetingKind,
    Rank,
    SanctionClass,
)
from rectify.oversight.states import CaseStatus
from rectify.problems.models import Inspection, Problem

LOOKBACK = "central-2018-lookback"
RECENT = "central-2024-round3"
RECEIVED = date(2019, 5, 16)
FIRST_DECISION = date(2019, 6, 12)
DECISION_SPAN_DAYS = 400  # the last decision falls in 2020-07

SURNAMES = (
    "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋"
    "唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范"
)
RANKS = ["bureau"] * 11 + ["division"] * 37 + ["section"] * 33
SANCTIONS = (
    ["党纪政务处分"] * 48
    + ["党纪政务处分并组织处理"] * 9
    + ["组织处理"] * 2
    + ["诫勉谈话"] * 17
    + ["书面检查"]
    + ["约谈"] * 3
    + ["批评教育"]
)
POSTS = {
    "bureau": ["副市长", "副厅长", "市委常委、副市长", "副州长", "党组成员、副厅长"],
    "division": ["县长", "副县长", "局长", "副局长", "县委副书记", "党组书记、局长"],
    "section": ["股长", "站长", "副镇长", "科长", "执法大队副大队长", "办公室主任"],
}

# number, title, summary, linked central problem numbers, units (name, org code, level),
# party organisations held accountable (name, org code).
CASES = [
    (
        "移交-1",
        "赤水河流域自然保护区内小水电站违规建设运行问题",
        "中央督察组移交：习水、赤水桫椤等国家级自然保护区内小水电站违规建设、违规运行，"
        "有关地方和部门监管不力。",
        [21, 24, 25],
        [
            ("遵义市人民政府", "520300", "bureau"),
            ("贵州省水利厅", "520000-SLT", "bureau"),
            ("习水县人民政府", "520330", "division"),
            ("赤水市人民政府", "520381", "division"),
            ("遵义市水务局", "520300", "division"),
            ("习水县水务局", "520330", "section"),
            ("赤水市水务局", "520381", "section"),
            ("习水县良村镇人民政府", "520330", "section"),
        ],
        [
            ("中共习水县委", "520330"),
            ("习水县人民政府党组", "520330"),
            ("中共赤水市委", "520381"),
            ("遵义市水务局党组", "520300"),
        ],
    ),
    (
        "移交-2",
        "威宁草海国家级自然保护区违规建设和围湖造地问题",
        "中央督察组移交：草海保护区内违规建设旅游设施、围湖造地，保护区管理机构履职不到位。",
        [20],
        [
            ("毕节市人民政府", "520500", "bureau"),
            ("贵州省林业局", "520000-LYJ", "bureau"),
            ("威宁彝族回族苗族自治县人民政府", "520526", "division"),
            ("草海国家级自然保护区管理委员会", "520526", "division"),
            ("毕节市自然资源和规划局", "520500", "division"),
            ("威宁县草海镇人民政府", "520526", "section"),
            ("草海保护区管理委员会执法支队", "520526", "section"),
        ],
        [
            ("中共威宁彝族回族苗族自治县委员会", "520526"),
            ("威宁彝族回族苗族自治县人民政府党组", "520526"),
            ("毕节市自然资源和规划局党组", "520500"),
            ("草海国家级自然保护区管理委员会党组", "520526"),
        ],
    ),
    (
        "移交-3",
        "开阳县、息烽县磷化工企业和磷矿废石违规堆存污染问题",
        "中央督察组移交：开阳县磷石膏堆场渗滤液污染洋水河，息烽县磷矿企业废石违规堆存，"
        "有关部门监管失职。",
        [26, 29],
        [
            ("贵阳市人民政府", "520100", "bureau"),
            ("开阳县人民政府", "520121", "division"),
            ("息烽县人民政府", "520122", "division"),
            ("贵阳市生态环境局", "520100", "division"),
            ("开阳县生态环境分局", "520121", "section"),
            ("息烽县自然资源局", "520122", "section"),
            ("开阳县双流镇人民政府", "520121", "section"),
        ],
        [
            ("中共开阳县委", "520121"),
            ("开阳县人民政府党组", "520121"),
            ("中共息烽县委", "520122"),
            ("贵阳市生态环境局党组", "520100"),
        ],
    ),
    (
        "移交-4",
        "福泉市、瓮安县磷石膏库防渗不到位和废水超标排放问题",
        "中央督察组移交：磷石膏库防渗措施不到位致周边地下水总磷超标，瓮安河总磷超标，"
        "属地政府和部门监管不力。",
        [27, 28],
        [
            ("黔南布依族苗族自治州人民政府", "522700", "bureau"),
            ("贵州省工业和信息化厅", "520000-GXT", "bureau"),
            ("福泉市人民政府", "522702", "division"),
            ("瓮安县人民政府", "522725", "division"),
            ("黔南州生态环境局", "522700", "division"),
            ("福泉市生态环境分局", "522702", "section"),
            ("瓮安县生态环境分局", "522725", "section"),
        ],
        [
            ("中共福泉市委", "522702"),
            ("福泉市人民政府党组", "522702"),
            ("中共瓮安县委", "522725"),
            ("黔南州生态环境局党组", "522700"),
        ],
    ),
    (
        "移交-5",
        "梵净山国家级自然保护区周边违规采矿问题",
        "中央督察组移交：梵净山保护区周边违规采矿、生态破坏，有关部门审批把关不严、监管缺位。",
        [22],
        [
            ("铜仁市人民政府", "520600", "bureau"),
            ("贵州省自然资源厅", "520000-ZRZYT", "bureau"),
            ("江口县人民政府", "520621", "division"),
            ("印江土家族苗族自治县人民政府", "520625", "division"),
            ("铜仁市自然资源局", "520600", "division"),
            ("江口县自然资源局", "520621", "section"),
            ("印江县木黄镇人民政府", "520625", "section"),
        ],
        [
            ("中共江口县委", "520621"),
            ("印江土家族苗族自治县人民政府党组", "520625"),
            ("铜仁市自然资源局党组", "520600"),
        ],
    ),
]

# (date, kind, topic, chaired by): 24 meetings from 2019-05 to 2020-08.
STANDING, EXECUTIVE, SPECIAL = "省委常委会会议", "省政府常务会议", "专题会"
MEETINGS = [
    ("2019-05-14", STANDING, "传达学习中央第五生态环境保护督察组反馈意见，研究部署整改工作"),
    ("2019-05-23", EXECUTIVE, "审议中央生态环境保护督察“回头看”反馈意见整改方案"),
    ("2019-06-04", SPECIAL, "中央生态环境保护督察反馈问题整改工作推进会"),
    ("2019-06-27", STANDING, "审定中央生态环境保护督察“回头看”反馈意见整改方案"),
    ("2019-07-16", EXECUTIVE, "听取赤水河流域小水电清理整改情况汇报"),
    ("2019-08-08", SPECIAL, "草海保护治理专题会"),
    ("2019-08-29", SPECIAL, "“三磷”污染专项整治推进会"),
    ("2019-09-19", EXECUTIVE, "研究城镇污水处理设施建设和黑臭水体整治工作"),
    ("2019-10-24", STANDING, "听取中央生态环境保护督察反馈问题整改情况汇报"),
    ("2019-11-14", SPECIAL, "自然保护区问题整改专题会"),
    ("2019-12-05", EXECUTIVE, "研究2019年度整改目标任务完成情况"),
    ("2019-12-26", STANDING, "听取2019年中央生态环境保护督察整改工作情况汇报"),
    ("2020-01-16", SPECIAL, "2020年污染防治攻坚暨督察整改工作部署会"),
    ("2020-02-27", EXECUTIVE, "研究疫情防控期间督察整改工作推进措施"),
    ("2020-03-19", STANDING, "审议《贵州省2020年污染防治攻坚战挂牌督战工作方案》"),
    ("2020-03-31", SPECIAL, "挂牌督战工作动员部署会"),
    ("2020-04-23", EXECUTIVE, "听取长江流域生态问题专项督察整改情况汇报"),
    ("2020-05-14", SPECIAL, "磷石膏综合利用和“以渣定产”推进会"),
    ("2020-05-28", EXECUTIVE, "研究乌江、赤水河流域水质稳定达标工作"),
    ("2020-06-18", STANDING, "听取中央生态环境保护督察反馈问题整改进展情况汇报"),
    ("2020-07-02", SPECIAL, "督战队工作调度会"),
    ("2020-07-23", EXECUTIVE, "研究中央生态环境保护督察整改销号工作"),
    ("2020-08-13", SPECIAL, "整改工作“回头看”自查专题会"),
    ("2020-08-27", EXECUTIVE, "研究迎接第二轮中央生态环境保护督察准备工作"),
]
CHAIRS = {STANDING: "省委书记", EXECUTIVE: "省长", SPECIAL: "分管副省长"}

# (date, kind, title, target org codes, central problem numbers, document number)
ACTIONS = [
    (
        "2019-07-10",
        "letter",
        "关于加快赤水河流域小水电清理整改的督办函",
        ["520300"],
        [21, 25],
        "黔督改函〔2019〕1号",
    ),
    (
        "2019-07-25",
        "letter",
        "关于草海保护区违规建设问题整改的督办函",
        ["520500"],
        [20],
        "黔督改函〔2019〕2号",
    ),
    (
        "2019-08-15",
        "letter",
        "关于开阳县磷石膏堆场渗滤液治理的督办函",
        ["520100"],
        [26],
        "黔督改函〔2019〕3号",
    ),
    (
        "2019-09-05",
        "letter",
        "关于福泉市磷石膏库防渗整改的督办函",
        ["522700"],
        [27],
        "黔督改函〔2019〕4号",
    ),
    (
        "2019-09-26",
        "letter",
        "关于六盘水市垃圾填埋场渗滤液处理的督办函",
        ["520200"],
        [11],
        "黔督改函〔2019〕5号",
    ),
    (
        "2019-10-17",
        "letter",
        "关于凯里市清水江沿岸生活污水直排整改的督办函",
        ["522600"],
        [16],
        "黔督改函〔2019〕6号",
    ),
    (
        "2019-11-07",
        "letter",
        "关于安顺市污水配套管网建设的督办函",
        ["520400"],
        [12],
        "黔督改函〔2019〕7号",
    ),
    (
        "2019-11-28",
        "letter",
        "关于医疗废物集中处置能力建设的督办函",
        ["520000-WSJKW"],
        [18],
        "黔督改函〔2019〕8号",
    ),
    (
        "2020-01-09",
        "letter",
        "关于乡镇污水处理设施运行率偏低问题的督办函",
        ["520000-ZJT"],
        [19],
        "黔督改函〔2020〕1号",
    ),
    (
        "2020-03-12",
        "letter",
        "关于遵义市中心城区雨污分流改造的督办函",
        ["520300"],
        [10],
        "黔督改函〔2020〕2号",
    ),
    (
        "2020-04-16",
        "letter",
        "关于兴义市污水管网漏损整改的督办函",
        ["522300"],
        [15],
        "黔督改函〔2020〕3号",
    ),
    (
        "2020-05-21",
        "letter",
        "关于都匀市剑江流域污水收集管网建设的督办函",
        ["522700"],
        [17],
        "黔督改函〔2020〕4号",
    ),
    (
        "2020-06-24",
        "letter",
        "关于贵阳市污水处理厂超负荷运行问题的督办函",
        ["520100"],
        [9],
        "黔督改函〔2020〕5号",
    ),
    (
        "2020-08-05",
        "letter",
        "关于矿山生态修复治理滞后问题的督办函",
        ["520000-ZRZYT"],
        [32],
        "黔督改函〔2020〕6号",
    ),
    ("2019-10-22", "interview", "约谈威宁县人民政府主要负责同志", ["520526"], [20], ""),
    (
        "2020-01-14",
        "interview",
        "约谈福泉市、瓮安县人民政府主要负责同志",
        ["522702", "522725"],
        [27, 28],
        "",
    ),
    ("2020-06-11", "interview", "约谈铜仁市人民政府分管负责同志", ["520600"], [22], ""),
    (
        "2019-12-18",
        "notification",
        "关于2019年中央生态环境保护督察整改进展情况的通报",
        ["520100", "520300", "520500", "522700"],
        [],
        "黔督改通〔2019〕1号",
    ),
    (
        "2020-05-08",
        "notification",
        "关于部分地区整改进度滞后问题的通报",
        ["520200", "522300", "522600"],
        [11, 15, 16],
        "黔督改通〔2020〕1号",
    ),
    ("2020-06-05", "warning_film", "《贵州省生态环境保护督察问题警示片》", [], [], ""),
]
SECRET_VISITS = [
    (
        "2019-08-20",
        "赤水河流域小水电清理整改暗访暗查",
        ["520300"],
        [("桐梓县境内2座已拆除电站拦河坝未清理到位", "520322", 25)],
    ),
    (
        "2019-11-12",
        "乌江流域“三磷”污染暗访暗查",
        ["520100", "522700"],
        [
            ("开阳县某磷化工企业雨污分流不彻底，雨水沟有黄色积水", "520121", 26),
            ("瓮安县某磷石膏渣场截洪沟破损", "522725", 28),
        ],
    ),
    (
        "2020-06-09",
        "草海保护区违建拆除情况暗访暗查",
        ["520500"],
        [("草海湖滨带部分拆除建筑垃圾未清运", "520526", 20)],
    ),
]


def _d(value: str) -> date:
    return date.fromisoformat(value)


def _orgs() -> dict[str, Org]:
    return {o.code: o for o in Org.objects.all()}


@transaction.atomic
def ensure_demo_oversight(today: date) -> bool:
    """Create the demo oversight records once; False if they are there (or no ledger)."""
    lookback = Inspection.objects.filter(code=LOOKBACK).first()
    if lookback is None:
        return False
    if AccountabilityCase.objects.filter(inspection=lookback, number="移交-1").exists():
        return False
    office = User.objects.get(username="office")
    orgs = _orgs()
    problems = {p.number: p for p in Problem.objects.filter(inspection=lookback)}
    _accountability(office, lookback, orgs, problems, today)
    _meetings(office, lookback, today)
    _supervision(office, lookback, orgs, problems, today)
    _recent_secret_visit(office, orgs, today)
    _teams(office, lookback, orgs, problems, today)
    _letters(office, lookback, orgs, today)
    return True


def _accountability(office, inspection, orgs, problems, today) -> None:
    ranks = {r.code: r for r in Rank.objects.all()}
    sanctions = {s.name: s for s in SanctionClass.objects.all()}
    cases = []
    for number, title, summary, linked, _units, _parties in CASES:
        cases.append(
            actions.check_create_case(
                actor=office,
                data={
                    "inspection": inspection,
                    "number": number,
                    "title": title,
                    "summary": summary,
                    "source": "transferred",
                    "received_date": RECEIVED,
                    "published": number == "移交-2",
                    "problems": [problems[str(n)] for n in linked],
                },
                today=today,
            )
        )
    decided: dict[int, list[date]] = {c.pk: [] for c in cases}
    j = 0
    for case, spec in zip(cases, CASES, strict=True):
        for name, code in spec[5]:
            on = date(2019, 7, 1) + timedelta(days=20 * j)
            actions.check_add_held_org(
                case,
                actor=office,
                data={
                    "name": name,
                    "org": orgs[code],
                    "handling": "责令作出书面检查并通报问责",
                    "document_number": f"黔纪发〔{on.year}〕{30 + j}号",
                    "decision_date": on,
                },
                today=today,
            )
            decided[case.pk].append(on)
            j += 1
    used = {level: 0 for level in POSTS}
    for i, (rank, sanction) in enumerate(zip(RANKS, SANCTIONS, strict=True)):
        case_index = i % len(cases)
        case, spec = cases[case_index], CASES[case_index]
        units = [u for u in spec[4] if u[2] == rank] or spec[4]
        unit_name, code, _level = units[(i // len(cases)) % len(units)]
        post = POSTS[rank][used[rank] % len(POSTS[rank])]
        used[rank] += 1
        # A pseudo-random but fixed spread of decision dates over 2019-06 … 2020-07.
        on = FIRST_DECISION + timedelta(days=((i * 37) % 81) * DECISION_SPAN_DAYS // 80)
        name = SURNAMES[i % len(SURNAMES)] + ("某某" if i < len(SURNAMES) else "某")
        actions.check_add_held_person(
            case,
            actor=office,
            data={
                "name": name,
                "post": post,
                "unit_name": unit_name,
                "org": orgs[code],
                "rank": ranks[rank],
                "sanction": sanctions[sanction],
                "document_number": f"黔纪发〔{on.year}〕{100 + i}号",
                "decision_date": on,
            },
            today=today,
        )
        decided[case.pk].append(on)
    for case in cases:
        first, last = min(decided[case.pk]), max(decided[case.pk])
        case = actions.check_transition_case(
            case, actor=office, to=CaseStatus.DECIDED, effective_date=first, today=today
        )
        closing = last + timedelta(days=30)
        if closing <= date(2020, 8, 31):
            actions.check_transition_case(
                case, actor=office, to=CaseStatus.CLOSED, effective_date=closing, today=today
            )


def _meetings(office, inspection, today) -> None:
    kinds = {k.name: k for k in MeetingKind.objects.all()}
    for day, kind, topic in MEETINGS:
        actions.check_create_meeting(
            actor=office,
            data={
                "date": _d(day),
                "kind": kinds[kind],
                "topic": topic,
                "inspection": inspection,
                "chaired_by": CHAIRS[kind],
            },
            today=today,
        )


def _supervision(office, inspection, orgs, problems, today) -> None:
    for day, kind, title, targets, linked, number in ACTIONS:
        actions.check_create_action(
            actor=office,
            data={
                "inspection": inspection,
                "kind": kind,
                "date": _d(day),
                "title": title,
                "document_number": number,
                "conducted_by": "省生态环境保护督察整改工作领导小组办公室",
                "target_orgs": [orgs[c] for c in targets],
                "problems": [problems[str(n)] for n in linked],
            },
            today=today,
        )
    for day, title, targets, findings in SECRET_VISITS:
        visit = actions.check_create_action(
            actor=office,
            data={
                "inspection": inspection,
                "kind": "secret_visit",
                "date": _d(day),
                "title": title,
                "conducted_by": "省督察办暗访组",
                "target_orgs": [orgs[c] for c in targets],
            },
            today=today,
        )
        for text, code, number in findings:
            actions.check_add_finding(
                visit,
                actor=office,
                data={
                    "text": text,
                    "org": orgs[code],
                    "problem": problems[str(number)],
                    "verdict": "not_rectified",
                },
            )
    audit_check = actions.check_create_action(
        actor=office,
        data={
            "inspection": inspection,
            "kind": "spot_check",
            "check_kind": "audit",
            "date": date(2020, 7, 15),
            "title": "中央生态环境保护督察办公室审核抽查贵阳市、遵义市整改情况",
            "conducted_by": "中央生态环境保护督察办公室",
            "target_orgs": [orgs["520100"], orgs["520300"]],
        },
        today=today,
    )
    for number, text in (
        ("9", "贵阳市污水处理厂扩容工程尚未完工，雨季仍有溢流，需进一步明确整改措施和目标任务。"),
        ("10", "遵义市中心城区雨污分流改造进度滞后于计划，需进一步明确整改措施和目标任务。"),
    ):
        actions.check_add_finding(
            audit_check,
            actor=office,
            data={"text": text, "problem": problems[number], "verdict": "partly"},
        )
    random_check = actions.check_create_action(
        actor=office,
        data={
            "inspection": inspection,
            "kind": "spot_check",
            "check_kind": "random",
            "date": date(2020, 4, 22),
            "title": "随机抽查安顺市污水配套管网整改情况",
            "conducted_by": "省督察办",
            "target_orgs": [orgs["520400"]],
        },
        today=today,
    )
    actions.check_add_finding(
        random_check,
        actor=office,
        data={
            "text": "抽查的3个片区管网已建成投运，污水收集率台账数据属实。",
            "problem": problems["12"],
            "verdict": "rectified",
        },
    )


def _recent_secret_visit(office, orgs, today) -> None:
    """A 2025 secret visit of the recent inspection whose finding becomes a 贵阳市 problem."""
    recent = Inspection.objects.filter(code=RECENT).first()
    visit_day = date(2025, 6, 12)
    if recent is None or visit_day > today:
        return
    visit = actions.check_create_action(
        actor=office,
        data={
            "inspection": recent,
            "kind": "secret_visit",
            "date": visit_day,
            "title": "南明河流域入河排污口暗访暗查",
            "conducted_by": "省督察办暗访组",
            "target_orgs": [orgs["520100"]],
        },
        today=today,
    )
    finding = actions.check_add_finding(
        visit,
        actor=office,
        data={
            "text": "贵阳市南明区某片区雨污管网错接，生活污水经雨水排口直排南明河支流",
            "org": orgs["520100"],
        },
    )
    actions.check_convert_finding(
        finding,
        actor=office,
        data={
            "number": "暗访-1",
            "title": "贵阳市南明区雨污管网错接，生活污水直排南明河支流",
            "region": orgs["520102"],
            "lead_unit": orgs["520100"],
            "original_deadline": date(2026, 12, 31),
            "responsible_leader": "贵阳市政府分管负责同志",
            "target": "完成错接混接点位改造，消除直排。",
        },
    )


TEAM_NAMES = ["第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九"]
TEAM_LEADERS = [
    ("张某某", "省生态环境厅党组书记、厅长"),
    ("王某某", "省生态环境厅党组成员、副厅长"),
    ("陈某某", "省生态环境厅党组成员、副厅长"),
    ("刘某某", "省生态环境厅副厅长"),
    ("杨某某", "省生态环境厅党组成员、总工程师"),
    ("黄某某", "省生态环境厅一级巡视员"),
    ("赵某某", "省生态环境厅二级巡视员"),
    ("周某某", "省生态环境厅党组成员、副厅长"),
    ("吴某某", "省生态环境厅二级巡视员"),
]
PREFECTURES = [
    "520100",
    "520200",
    "520300",
    "520400",
    "520500",
    "520600",
    "522300",
    "522600",
    "522700",
]
ZUNYI_VISITS = [
    (
        "2020-05-12",
        "520381",
        "21",
        "桫椤保护区内3座电站已停止运行，1座拆除后生态流量泄放设施未建成。",
    ),
    (
        "2020-06-18",
        "520300",
        "10",
        "中心城区雨污分流改造完成计划的60%，湘江沿线2个排口雨天仍有溢流。",
    ),
    ("2020-08-06", "520330", "24", "保护区内违规建设项目已拆除，迹地植被恢复工作正在推进。"),
]


def _teams(office, inspection, orgs, problems, today) -> None:
    team_user = User.objects.filter(username="team").first()
    provincial = Problem.objects.filter(inspection__code="provincial-2019-lookback")
    start, end = date(2020, 4, 1), date(2020, 12, 31)
    for n, code in enumerate(PREFECTURES):
        prefecture = orgs[code]
        leader, post = TEAM_LEADERS[n]
        is_zunyi = code == "520300" and team_user is not None
        team = actions.check_create_team(
            actor=office,
            data={
                "name": f"{TEAM_NAMES[n]}督战队",
                "inspection": inspection,
                "leader_name": leader,
                "leader_post": post,
                "members": [team_user] if is_zunyi else [],
                "member_names": f"省生态环境厅 {leader[0]}某\n{prefecture.name}生态环境局 李某",
                "assigned_orgs": [prefecture],
                "period_start": start,
                "period_end": end,
            },
        )
        listed = [
            p
            for p in problems.values()
            if p.lead_unit_id == prefecture.pk or p.region.path.startswith(prefecture.path)
        ]
        listed += list(provincial.filter(lead_unit=prefecture).order_by("sort_key")[:4])
        for problem in listed:
            actions.check_list_problem(
                team, actor=office, problem=problem, listed_on=date(2020, 4, 10), today=today
            )
        if is_zunyi:
            for day, org_code, number, text in ZUNYI_VISITS:
                actions.check_record_visit(
                    team,
                    actor=team_user,
                    data={
                        "date": _d(day),
                        "org": orgs[org_code],
                        "problem": problems[number],
                        "findings": text,
                    },
                    today=today,
                )


LETTER_DEPARTMENTS = [
    ("520000-STHJT", "厅长"),
    ("520000-ZRZYT", "厅长"),
    ("520000-ZJT", "厅长"),
    ("520000-NYNCT", "厅长"),
    ("520000-SLT", "厅长"),
    ("520000-LYJ", "局长"),
    ("520000-GXT", "厅长"),
    ("520000-FZGGW", "主任"),
]
TARGETS = [
    "按期完成中央生态环境保护督察反馈问题年度整改任务",
    "地表水国控断面水质优良比例达到考核要求",
    "完成年度污染防治攻坚战目标任务，不发生重大生态环境事件",
]


def _signatory(org: Org) -> str:
    if org.kind == "new_area":
        return "贵安新区管委会主任"
    if org.kind == "department":
        return dict(LETTER_DEPARTMENTS).get(org.code, "主要负责同志")
    return "州长" if org.name.endswith("自治州") else "市长"


def _letters(office, inspection, orgs, today) -> None:
    signers = [*PREFECTURES, "529900", *(code for code, _post in LETTER_DEPARTMENTS)]
    for year, signed_on in ((2019, date(2019, 6, 20)), (2020, date(2020, 3, 18))):
        for code in signers:
            org = orgs[code]
            # One department's 2020 letter is still with it, unsigned: the list shows it.
            unsigned = year == 2020 and code == "520000-FZGGW"
            actions.check_create_letter(
                actor=office,
                data={
                    "year": year,
                    "org": org,
                    "inspection": inspection,
                    "title": f"{year}年度污染防治攻坚暨中央生态环境保护督察整改工作目标责任书",
                    "signed_on": None if unsigned else signed_on,
                    "signatory": "" if unsigned else _signatory(org),
                    "targets": TARGETS,
                },
                today=today,
            )
