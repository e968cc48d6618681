"""Demo complaints: the 2,688 public complaints the central team transferred to Guizhou during
the 2018 look-back (30 batches, 2018-11-06 … 2018-12-05), every one investigated and closed
by 2019-12-31 — so that "交办贵州省的2688件群众举报问题已全部办结" holds as of 2020-08-31 —
with a handling publication for each batch; and a small batch of the recent inspection whose
遵义市 and 播州区 complaints still need work today (some overdue, one returned for rework).

Written through complaints.actions (intake in bulk, then one action per step), so the demo is
audited like real work. Deterministic (fixed seed): the same complaints every time.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from rectify.accounts.models import User
from rectify.complaints import actions, publication
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import Complaint, ComplaintBatch, PollutionType
from rectify.complaints.states import VERDICT_ZH, Industry, Step, Verdict
from rectify.orgs.models import Org, OrgKind
from rectify.problems.models import Inspection

LOOKBACK = "central-2018-lookback"
RECENT = "central-2024-round3"
TOTAL = 2688
FIRST_DAY = date(2018, 11, 6)
BATCHES = 30
ALL_CLOSED_BY = date(2019, 12, 31)
HANDLING_DAYS = 15

# Share of the complaints by prefecture (population and industry), 贵安新区 small.
PREFECTURE_WEIGHTS = {
    "520100": 20,
    "520300": 17,
    "520500": 13,
    "522600": 10,
    "522700": 9,
    "520600": 8,
    "520200": 7,
    "522300": 7,
    "520400": 6,
    "529900": 3,
}
TOWNS = (  # noqa: SIM905 - a word list reads best as words
    "龙场 新场 马场 石桥 青山 长坝 平寨 高坡 河坝 大坪 红岩 金竹 白岩 "
    "茶园 松林 沙坝 花桥 水口 三合 兴隆 安乐 太平 凉水 木厂 龙井 团结"
).split()
VILLAGES = (  # noqa: SIM905 - a word list reads best as words
    "新寨 石板 大湾 上坝 下坝 岩脚 坪子 田坝 竹林 河边 中寨 沙湾 杨柳 "
    "桃园 高寨 龙潭 核桃 干田 水井 坡脚 营盘 大寨"
).split()
BRANDS = (  # noqa: SIM905 - a word list reads best as words
    "鑫源 恒达 宏发 金鑫 盛达 华源 兴隆 永盛 黔峰 富源 顺发 锦程 聚鑫 天成 润丰 宏泰"
).split()
SURNAMES = "王李张刘陈杨黄赵吴周徐罗龙潘韦石何田胡蒙"
GIVEN = (  # noqa: SIM905 - a word list reads best as words
    "国华 秀英 建军 德明 光荣 玉兰 志强 文斌 桂芳 正平 永富 红梅 明辉 "
    "家福 春燕 绍军 开林 兴贵 世明 朝阳"
).split()


@dataclass(frozen=True)
class Story:
    """One kind of complaint: pollution types, industry, the firm's kind, and the texts of
    the complaint, of a finding that it is (un)true and of its handling."""

    types: tuple[str, ...]
    industry: str
    firm: str
    complaint: str
    finding: str
    untrue: str
    handling: str


STORIES = [
    Story(
        ("大气", "噪声"),
        Industry.INDUSTRIAL,
        "砂石厂",
        "{place}的{firm}生产时粉尘大，周边农田和房屋落满灰尘，夜间机器轰鸣影响休息。",
        "经现场核查，{firm}未落实喷淋抑尘措施，物料露天堆放，夜间违规生产。",
        "经现场核查，{firm}已于今年停产，未发现生产迹象，周边无明显粉尘污染。",
        "责令{firm}停产整改，完善密闭和喷淋设施，禁止夜间生产；整改完成后经验收方可恢复生产。",
    ),
    Story(
        ("水",),
        Industry.LIVESTOCK,
        "养殖场",
        "{place}的{firm}养殖废水未经处理直排河沟，河水发黑发臭，下游村民无法用水灌溉。",
        "经现场核查，{firm}粪污处理设施不完善，雨污未分流，有废水溢流进入河沟。",
        "经现场核查，{firm}粪污经沼气池处理后还田利用，未发现直排，下游水质监测达标。",
        "责令{firm}限期建设干湿分离和雨污分流设施，清理河沟淤积粪污；已完成整改并通过验收。",
    ),
    Story(
        ("水", "土壤"),
        Industry.MINING,
        "煤矿",
        "{place}的{firm}矿井水未经处理排放，河床被染成黄色，农田被污染。",
        "经现场核查，{firm}矿井水处理站处理能力不足，部分矿井水超标外排。",
        "经现场核查，{firm}矿井水处理站运行正常，出水监测达标，河床黄色为历史沉积物。",
        "责令{firm}扩建矿井水处理站，清理受污染河段；对超标排放行为立案处罚。",
    ),
    Story(
        ("大气",),
        Industry.INDUSTRIAL,
        "水泥有限公司",
        "{place}的{firm}烟囱排放大量粉尘，厂区周边常年灰蒙蒙一片。",
        "经现场核查，{firm}窑尾除尘设施破损，颗粒物排放超标。",
        "经现场核查，{firm}在线监测数据正常，监督性监测结果达标。",
        "责令{firm}更换除尘布袋，加强在线监测设施运维；对超标排放立案处罚。",
    ),
    Story(
        ("水",),
        Industry.URBAN,
        "污水处理厂",
        "{place}的{firm}长期超负荷运行，部分生活污水未经处理溢流进入河道。",
        "经现场核查，{firm}进水量超过设计规模，雨季存在溢流现象。",
        "经现场核查，{firm}运行负荷率正常，出水水质达标，溢流口已封堵。",
        "责令当地住建部门加快{firm}扩容改造和配套管网建设，溢流口已临时封堵。",
    ),
    Story(
        ("其他",),
        Industry.RURAL,
        "垃圾填埋场",
        "{place}的{firm}渗滤液外流，臭味刺鼻，苍蝇成群。",
        "经现场核查，{firm}渗滤液调节池容量不足，存在渗滤液外溢。",
        "经现场核查，{firm}渗滤液处理设施运行正常，未发现外溢。",
        "责令运营单位清运积存渗滤液，增设应急处理设备，完成覆土和除臭作业。",
    ),
    Story(
        ("噪声",),
        Industry.URBAN,
        "商砼搅拌站",
        "{place}的{firm}夜间施工噪声扰民，运输车辆带泥上路。",
        "经现场核查，{firm}夜间未经许可生产，车辆冲洗设施未使用。",
        "经现场核查，{firm}已取得夜间施工许可，噪声监测未超标。",
        "责令{firm}停止夜间生产，落实车辆冲洗和道路保洁措施。",
    ),
    Story(
        ("生态",),
        Industry.MINING,
        "采石场",
        "{place}的{firm}无证开采，山体被挖得千疮百孔，植被破坏严重。",
        "经现场核查，{firm}采矿许可证已过期，仍在越界开采。",
        "经现场核查，{firm}持有有效采矿许可证，开采范围在许可范围内。",
        "依法关闭{firm}，没收违法所得，责令开展矿山生态修复；案件已移送公安机关。",
    ),
    Story(
        ("大气",),
        Industry.URBAN,
        "餐饮店",
        "{place}临街的{firm}油烟直排，烟气进入楼上住户家中。",
        "经现场核查，{firm}未安装油烟净化设施。",
        "经现场核查，{firm}已安装油烟净化设施并正常使用。",
        "责令{firm}安装油烟净化设施并定期清洗，已整改完毕。",
    ),
    Story(
        ("水", "土壤"),
        Industry.INDUSTRIAL,
        "磷化工有限公司",
        "{place}的{firm}磷石膏渣场渗滤液流入河中，河水总磷超标。",
        "经现场核查，{firm}渣场防渗层破损，渗滤液收集池容量不足。",
        "经现场核查，{firm}渣场渗滤液全部收集回用，下游断面监测达标。",
        "责令{firm}修复渣场防渗层，扩建渗滤液收集池；对其违法行为立案处罚。",
    ),
    Story(
        ("土壤", "其他"),
        Industry.INDUSTRIAL,
        "机械加工厂",
        "{place}的{firm}将废机油等危险废物随意倾倒在厂区空地。",
        "经现场核查，{firm}危险废物未按规定贮存，地面有油污。",
        "经现场核查，{firm}危险废物已交有资质单位处置，台账齐全。",
        "责令{firm}清理受污染土壤，规范危险废物贮存；对其违法行为立案处罚。",
    ),
    Story(
        ("生态", "水"),
        Industry.RESERVE,
        "小水电站",
        "{place}的{firm}建在自然保护区内，下游河段常年断流。",
        "经现场核查，{firm}位于保护区实验区，未按要求下泄生态流量。",
        "经现场核查，{firm}已按要求安装生态流量下泄设施并在线监控。",
        "责令{firm}落实生态流量下泄，纳入小水电清理整改计划，限期退出。",
    ),
    Story(
        ("大气",),
        Industry.OTHER,
        "石材加工厂",
        "{place}的{firm}切割石材粉尘弥漫，废水直接排入沟渠。",
        "经现场核查，{firm}未建沉淀池，切割作业未采取湿法抑尘。",
        "经现场核查，{firm}已建沉淀池并循环使用废水，作业区湿法抑尘。",
        "责令{firm}建设沉淀池和抑尘设施，已完成整改。",
    ),
    Story(
        ("水",),
        Industry.INDUSTRIAL,
        "白酒有限公司",
        "{place}的{firm}酿酒废水偷排进入赤水河支流，河水有酒糟味。",
        "经现场核查，{firm}废水处理设施处理能力不足，存在偷排行为。",
        "经现场核查，{firm}废水经处理达标后纳管，未发现偷排。",
        "责令{firm}停产整改，建设废水处理设施；对偷排行为立案处罚并移送公安机关。",
    ),
]

ACCOUNTABILITY = [
    "对{town}镇分管环保工作的负责同志进行诫勉谈话。",
    "对县生态环境局执法大队相关责任人给予党内警告处分。",
    "对{town}镇党委、政府主要负责同志进行约谈，对分管负责同志给予政务记过处分。",
]


def _spread(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive counts summing to `total`: fewer on the first and last days, most in
    the third and fourth weeks, as transfers peak once the public knows the team is there."""
    weights = [
        (0.45 + 0.8 * min(i, parts - 1 - i) / (parts / 2)) * rng.uniform(0.75, 1.25)
        for i in range(parts)
    ]
    scale = total / sum(weights)
    counts = [max(20, round(w * scale)) for w in weights]
    i = 0
    while sum(counts) != total:
        step = 1 if sum(counts) < total else -1
        j = (i * 7) % parts
        if counts[j] + step >= 20:
            counts[j] += step
        i += 1
    return counts


class _Places:
    """Counties, towns and firms of Guizhou for the complaints' texts."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        regions = Org.objects.filter(
            kind__in=(OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)
        )
        by_code = {o.code: o for o in regions}
        self.counties: dict[str, list[Org]] = {}
        for code in PREFECTURE_WEIGHTS:
            pref = by_code[code]
            kids = [o for o in regions if o.parent_id == pref.pk]
            self.counties[code] = kids or [pref]
        self.prefectures = {code: by_code[code] for code in PREFECTURE_WEIGHTS}

    def every_county(self) -> list[Org]:
        return [c for kids in self.counties.values() for c in kids]

    def county(self) -> Org:
        code = self.rng.choices(list(PREFECTURE_WEIGHTS), list(PREFECTURE_WEIGHTS.values()))[0]
        return self.rng.choice(self.counties[code])

    def texts(self, county: Org, story: Story) -> dict[str, str]:
        town = self.rng.choice(TOWNS)
        short = county.short_name.removesuffix("县").removesuffix("市").removesuffix("区")
        return {
            "town": town,
            "place": f"{county.name}{town}镇{self.rng.choice(VILLAGES)}村",
            "firm": f"{short}{self.rng.choice(BRANDS)}{story.firm}",
        }


def _person(rng: random.Random, county: Org, town: str) -> PersonalData:
    """An invented complainant: full name, mobile number, home address (all encrypted)."""
    return PersonalData(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        phone=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
        address=f"{county.name}{town}镇{rng.choice(VILLAGES)}村{rng.randint(1, 9)}组",
    )


def _result(rng: random.Random, story: Story, texts: dict[str, str]) -> ResultData:
    """A handling result: ~70 % found true in some measure, enforcement on some."""
    verdict = rng.choices(
        [Verdict.TRUE, Verdict.MOSTLY_TRUE, Verdict.PARTLY_TRUE, Verdict.UNTRUE],
        [38, 14, 18, 30],
    )[0]
    if verdict == Verdict.UNTRUE:
        return ResultData(
            investigation=story.untrue.format(**texts),
            verdict=verdict,
            handling="向群众做好解释说明，纳入日常监管，加强巡查。",
        )
    data = ResultData(
        investigation=f"{story.finding.format(**texts)}群众反映问题{VERDICT_ZH[verdict]}。",
        verdict=verdict,
        handling=story.handling.format(**texts),
        ordered_rectify=1 if rng.random() < 0.75 else 0,
    )
    if rng.random() < 0.2:
        data.penalty_cases = 1
        data.fines_yuan = Decimal(rng.choice([10, 20, 30, 50, 80, 100, 150, 200]) * 1000)
    if rng.random() < 0.012:
        data.criminal_cases = 1
        data.criminal_detained = rng.choice([0, 1, 2])
    if rng.random() < 0.02:
        data.admin_detained = rng.choice([1, 1, 2])
    if rng.random() < 0.08:
        data.interviewed = rng.randint(1, 3)
    if rng.random() < 0.03:
        data.held_accountable = rng.randint(1, 2)
        data.accountability = rng.choice(ACCOUNTABILITY).format(**texts)
    return data


@dataclass
class _Planned:
    county: Org
    story: Story
    texts: dict[str, str]
    data: ComplaintData
    repeat_of: int | None = None  # index of the complaint it repeats


def _acceptance_no(channel: str, day: date, seq: int) -> str:
    # Round digit 1: the look-back of the first round; GZ: Guizhou.
    return f"{channel}1GZ{day:%Y%m%d}{seq:04d}"


def _plan(rng: random.Random, places: _Places, types, counts: list[int]) -> list[list[_Planned]]:
    """The complaints of each batch; every county gets some, a few later ones repeat an
    earlier complaint about the same firm."""
    seq: dict[date, int] = {}
    counties = places.every_county()
    rng.shuffle(counties)
    plans: list[list[_Planned]] = []
    flat: list[_Planned] = []
    for b, n in enumerate(counts):
        day = FIRST_DAY + timedelta(days=b)
        items = []
        for _k in range(n):
            repeat = None
            if len(flat) > 200 and rng.random() < 0.01:
                repeat = rng.randrange(len(flat) - 100)
                first = flat[repeat]
                county, story, texts = first.county, first.story, first.texts
                text = "再次反映：" + story.complaint.format(**texts) + "此前反映后问题仍未解决。"
            else:
                county = counties[len(flat)] if len(flat) < len(counties) else places.county()
                story = rng.choice(STORIES)
                texts = places.texts(county, story)
                text = story.complaint.format(**texts)
            received = max(day - timedelta(days=rng.choice([1, 1, 2, 2, 3])), date(2018, 11, 4))
            seq[received] = seq.get(received, 0) + 1
            channel = "D" if rng.random() < 0.6 else "X"
            personal = PersonalData()
            if rng.random() < 0.1:
                personal = _person(rng, county, texts["town"])
                if rng.random() < 0.4:  # the name and number written into the text, scrubbed
                    text = f"{personal.name}（电话{personal.phone}）反映：{text}"
            planned = _Planned(
                county=county,
                story=story,
                texts=texts,
                data=ComplaintData(
                    acceptance_no=_acceptance_no(channel, received, seq[received]),
                    content=text,
                    region=county,
                    pollution_types=[types[t] for t in story.types],
                    industry=story.industry,
                    is_key=rng.random() < 0.03,
                    original_order=len(items) + 1,
                    personal=personal,
                ),
                repeat_of=repeat,
            )
            items.append(planned)
            flat.append(planned)
        plans.append(items)
    return plans


def _intake(batch: ComplaintBatch, items: list[ComplaintData], office: User) -> list[Complaint]:
    """Validate (which also derives channel and date from the number) and take in bulk."""
    for data in items:
        errors = actions.validate_complaint_data(data, batch)
        if errors:
            raise AssertionError(f"demo complaint {data.acceptance_no}: {errors}")
    return actions.do_intake_complaints(batch, items, actor=office, origin="demo")


def _handling_day(rng: random.Random, day: date) -> date:
    """When a complaint's result is filed: most within the 15 days, a tail after."""
    return day + timedelta(
        days=rng.choices([3, 5, 7, 10, 13, 15, 20, 28], [8, 14, 16, 18, 16, 12, 10, 6])[0]
    )


def _load_lookback(inspection: Inspection, office: User, rng: random.Random, types) -> None:
    places = _Places(rng)
    counts = _spread(rng, TOTAL, BATCHES)
    plans = _plan(rng, places, types, counts)
    complaints: list[Complaint] = []
    batches = []
    for b, items in enumerate(plans):
        day = FIRST_DAY + timedelta(days=b)
        batch = actions.check_create_batch(
            actor=office,
            inspection=inspection,
            number=b + 1,
            received_on=day,
            stated_count=len(items),
        )
        batches.append(batch)
        complaints += _intake(batch, [p.data for p in items], office)
    flat = [p for items in plans for p in items]
    for c, p in zip(complaints, flat, strict=True):
        if p.repeat_of is not None:
            c.refresh_from_db()
            actions.check_mark_repeat(
                c,
                actor=office,
                original=complaints[p.repeat_of],
                expected_version=c.version,
                effective_date=c.batch.received_on,  # spotted on the day of transfer
            )
    for batch in batches:
        actions.check_assign_batch(
            batch,
            actor=office,
            effective_date=batch.received_on,
            deadline=batch.received_on + timedelta(days=HANDLING_DAYS),
        )
    # Results, closures for the stage and closures: one bulk write (do_bulk_handle), in
    # date order per complaint, on the complaints as the assignment left them.
    assigned = Complaint.objects.in_bulk([c.pk for c in complaints])
    items: list[actions.HandleItem] = []
    for c, p in zip(complaints, flat, strict=True):
        c = assigned[c.pk]
        day = _handling_day(rng, c.received_on + timedelta(days=2))
        if p.repeat_of is not None:
            first = complaints[p.repeat_of]
            result = ResultData(
                investigation=f"该件与受理编号{first.acceptance_no}件反映的为同一问题。",
                verdict=Verdict.TRUE,
                handling=f"与受理编号{first.acceptance_no}件合并办理，办理情况见该件。",
            )
        else:
            result = _result(rng, p.story, p.texts)
        roll = rng.random()
        close = Step.CLOSE if roll < 0.76 else (Step.CLOSE_STAGE if roll < 0.93 else "")
        items.append(actions.HandleItem(c, day, step=close, result=result))
        if close != Step.CLOSE:
            # Stage-closed ones are closed once the follow-up is done, in 2019; the others
            # a few weeks after their result.
            span = (ALL_CLOSED_BY - day).days if close else 40
            later = day + timedelta(days=rng.randint(10, max(11, span - 10)))
            items.append(actions.HandleItem(c, min(later, ALL_CLOSED_BY), step=Step.CLOSE))
    actions.do_bulk_handle(items, actor=office)
    for batch in batches:
        publication.check_publish(
            batch, batch.received_on + timedelta(days=rng.choice([4, 5, 6])), actor=office
        )


# The recent inspection's complaints about 遵义市 that still need work today: (region, lead
# unit in 2024, what happened, lead unit now, days ago it happened, days left to the new
# deadline). "returned": closed in 2024, returned for rework (退回重办) recently;
# "reassigned": never finished, handed to another unit recently.
RECENT_OPEN = [
    ("520304", "520304", "returned", None, 30, -5),  # 播州区 missed the rework deadline
    ("520304", "520304", "returned", None, 20, 10),  # 播州区, complainant on file
    ("520303", "520303", "stage_closed", None, 0, 0),  # 汇川区 owes the follow-up
    ("520302", "520302", "reassigned", "520300", 40, -5),  # taken over by 遵义市, overdue
    ("520304", "520300", "reassigned", "520304", 10, 5),  # handed down to 播州区
    ("520382", "520382", "returned", None, 8, 20),  # 仁怀市
]
WITH_COMPLAINANT = 1  # index in RECENT_OPEN
GENERAL_RECENT = 14


def _load_recent(inspection: Inspection, office: User, rng: random.Random, types, today) -> None:
    day = inspection.onsite_start + timedelta(days=2)
    deadline = day + timedelta(days=HANDLING_DAYS)
    places = _Places(rng)
    codes = {r[0] for r in RECENT_OPEN} | {r[1] for r in RECENT_OPEN} | {"520300"}
    orgs = {o.code: o for o in Org.objects.filter(code__in=codes)}
    regions = [places.county() for _ in range(GENERAL_RECENT)]
    regions += [orgs[r[0]] for r in RECENT_OPEN]
    batch = actions.check_create_batch(
        actor=office, inspection=inspection, number=1, received_on=day, stated_count=len(regions)
    )
    items, stories = [], []
    for n, county in enumerate(regions):
        story = rng.choice(STORIES)
        texts = places.texts(county, story)
        personal = PersonalData()
        if n == GENERAL_RECENT + WITH_COMPLAINANT:
            personal = PersonalData(
                name="何文斌", phone="13985227316", address=f"{texts['place']}3组"
            )
        stories.append((story, texts))
        items.append(
            ComplaintData(
                acceptance_no=f"{'D' if n % 3 else 'X'}3GZ{day:%Y%m%d}{n + 1:04d}",
                content=story.complaint.format(**texts),
                region=county,
                pollution_types=[types[t] for t in story.types],
                industry=story.industry,
                original_order=n + 1,
                personal=personal,
            )
        )
    complaints = _intake(batch, items, office)
    for n, c in enumerate(complaints):
        plot = RECENT_OPEN[n - GENERAL_RECENT] if n >= GENERAL_RECENT else None
        c = actions.check_transition_complaint(
            c,
            Step.ASSIGN,
            actor=office,
            effective_date=day,
            lead_unit=orgs[plot[1]] if plot else c.region,
            deadline=deadline,
        )
        if plot is None or plot[2] != "reassigned":
            story, texts = stories[n]
            close = Step.CLOSE_STAGE if plot and plot[2] == "stage_closed" else Step.CLOSE
            c = actions.check_file_result(
                c,
                actor=office,
                data=_result(rng, story, texts),
                effective_date=day + timedelta(days=rng.randint(6, 14)),
                close=close,
            )
        complaints[n] = c
    publication.check_publish(batch, day + timedelta(days=5), actor=office)
    for (_region, _first, plot, now_code, ago, due_in), c in zip(
        RECENT_OPEN, complaints[GENERAL_RECENT:], strict=True
    ):
        on, due = today - timedelta(days=ago), today + timedelta(days=due_in)
        if plot == "returned":
            actions.check_transition_complaint(
                c,
                Step.RETURN,
                actor=office,
                effective_date=on,
                deadline=due,
                reason="回访发现问题反弹，群众再次反映，整改不到位，退回重办。",
            )
        elif plot == "reassigned":
            actions.check_transition_complaint(
                c,
                Step.REASSIGN,
                actor=office,
                effective_date=on,
                lead_unit=orgs[now_code],
                deadline=due,
                reason="原承办单位办理进展缓慢，改由上级统筹办理。",
            )


@transaction.atomic
def ensure_demo_complaints(today: date) -> bool:
    """Load the demo complaints once (after the demo ledger); False if already there."""
    lookback = Inspection.objects.filter(code=LOOKBACK).first()
    if lookback is None or ComplaintBatch.objects.filter(inspection=lookback).exists():
        return False
    office = User.objects.get(username="office")
    types = {t.name: t for t in PollutionType.objects.all()}
    rng = random.Random(20181106)  # noqa: S311 - reproducible demo data, not security
    _load_lookback(lookback, office, rng, types)
    recent = Inspection.objects.filter(code=RECENT).first()
    if recent is not None and today >= date(2025, 3, 1):
        _load_recent(recent, office, rng, types, today)
    return True
