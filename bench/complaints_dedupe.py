"""Benchmark: finding repeat complaints — indexing speed and the lookup of one new complaint
against 1,000,000 stored ones; plus the experiment behind the shingling and LSH choices.

    python bench/complaints_dedupe.py [--stored 1000000] [--indexed 100000] [--lookups 200]
                                      [--database-url postgres://…/name] [--sqlite PATH]
    python bench/complaints_dedupe.py --reuse postgres://…/name|PATH.sqlite3 [--lookups 200]

In a child process whose environment selects the database — a throwaway SQLite file
(/tmp/rectify_bench_dedupe.sqlite3 by default) or, with --database-url, a scratch database
created beside the one named and dropped afterwards — it:
  experiment  compares character 1/2/3-grams on hand-written Guizhou complaints: paraphrased
              repeats, re-submissions, and different complaints about the same kind of
              pollution in the same county; then the LSH band layouts on the chosen ones;
  fill        writes stored − indexed synthetic complaints (template texts over every county,
              8 % of them repeats) with their signatures, place keys and bands in bulk SQL;
  index       runs dedupe.index_complaints over `indexed` more complaints (rows/s);
  lookup      dedupe.candidates_for_text for `lookups` new complaints (a third of them
              repeats of stored ones) against all stored ones: median and p95 ms, against the
              floor of the bare indexed `SELECT complaint_id FROM band WHERE key IN (…)`.
With --reuse, only the lookups run, against the complaints already in that database (for
example one `rectify gen` filled; read, never written), the re-submissions drawn from
stored complaints; the JSON then has "reused": true and no experiment, fill or index.
Prints a table; writes var/bench/complaints_dedupe.json. Not a test: nothing asserts.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "var" / "bench"
DEFAULT_SQLITE = "/tmp/rectify_bench_dedupe.sqlite3"

# ---------------------------------------------------------------------------------------
# Hand-written complaints in the style of the team's 交办问题基本情况, one family each:
# (county code, original, a repeat in other words by someone else, a different complaint
# about the same kind of pollution in the same county).

FAMILIES = [
    (
        "520304",
        "遵义市播州区鸭溪镇金钟村3组有一家生猪养殖场，养殖粪污未经处理直接排入附近小河沟，"
        "臭气熏天，严重影响周边群众生活，多次反映未得到解决。",
        "举报播州区鸭溪镇金钟村三组养猪场粪水直排河沟，气味难闻，周边村民深受其害，希望尽快处理。",
        "遵义市播州区三合镇某养鸡场鸡粪随意堆放，雨天冲刷进入农田，臭味扰民。",
    ),
    (
        "520382",
        "仁怀市茅台镇贵州醇香酒业有限公司酿酒废水未经处理偷排赤水河，河水发黑发臭。",
        "反映仁怀市茅台镇醇香酒业公司夜间偷排酿酒废水到赤水河，污染河水，群众反映强烈。",
        "仁怀市茅台镇多家小作坊酒厂酒糟乱堆乱放，渗滤液流入河沟。",
    ),
    (
        "520103",
        "贵阳市云岩区中华北路128号楼下烧烤店油烟直排，每天营业至凌晨2点，噪声和油烟严重扰民。",
        "云岩区中华北路128号一楼的烧烤摊油烟扰民，深夜喧哗，影响休息，要求整治。",
        "贵阳市云岩区黔灵西路一家火锅店油烟未经净化直接排放，熏黑居民楼外墙。",
    ),
    (
        "520524",
        "毕节市织金县珠藏镇兴隆煤矿煤矸石随意堆放，雨季淋溶水污染下游农田和饮用水源。",
        "织金县珠藏镇兴隆煤矿乱堆矸石，淋溶废水流入农田，村民饮水受到影响，请求督察组督促整改。",
        "织金县珠藏镇一洗煤厂洗煤废水直排，河道被染黑。",
    ),
    (
        "520204",
        "六盘水市水城区发耳镇鑫源砂石场无证开采，破坏山体植被，粉尘和噪声影响周边村民。",
        "水城区发耳镇鑫源砂石厂非法采石，山体被挖得千疮百孔，灰尘大、噪音大，村民无法正常生活。",
        "水城区发耳镇某水泥厂夜间生产，粉尘排放超标，周边屋顶落满灰尘。",
    ),
    (
        "522601",
        "黔东南州凯里市开怀街道城市污水处理厂出水不达标，排污口下游清水江水体发黑有异味。",
        "凯里市开怀街道污水处理厂超标排放，清水江下游河段发黑发臭，沿岸居民意见很大。",
        "凯里市开怀街道某小区化粪池满溢，污水横流，臭味扰民。",
    ),
    (
        "520603",
        "铜仁市万山区敖寨乡原汞矿废渣堆放点未做防渗处理，废渣随雨水流入农田，土壤受到污染。",
        "万山区敖寨乡老汞矿遗留的废渣没有治理，下雨后冲进田里，庄稼减产，担心土壤重金属超标。",
        "万山区敖寨乡某村生活垃圾堆放在河边，长期无人清运。",
    ),
    (
        "522701",
        "黔南州都匀市剑江中路锦绣华府小区旁建筑工地夜间施工，噪声扰民，已持续一个多月。",
        "都匀市锦绣华府小区旁边工地每天晚上施工到深夜，机械噪音很大，居民无法入睡。",
        "都匀市剑江中路一家KTV音响声音过大，营业到凌晨，噪声扰民。",
    ),
    (
        "520402",
        "安顺市西秀区七眼桥镇安顺恒达化工有限公司夜间排放刺鼻气体，周边居民头晕恶心。",
        "反映西秀区恒达化工公司晚上偷偷排废气，气味刺鼻，附近群众出现头痛、恶心症状。",
        "西秀区七眼桥镇某塑料厂焚烧废旧塑料，黑烟滚滚。",
    ),
    (
        "522301",
        "黔西南州兴义市万峰林景区核心区内违规修建别墅和农家乐，破坏生态环境。",
        "兴义市万峰林景区核心保护区违规建设别墅、农家乐，毁坏林地，请求查处。",
        "兴义市马岭河峡谷景区周边餐饮店污水直排马岭河。",
    ),
    (
        "520303",
        "遵义市汇川区高坪街道宏达砖厂烟囱冒黑烟，粉尘污染严重，周边农作物表面落满灰尘。",
        "遵义市汇川区高坪街道宏达砖厂烟囱冒黑烟，粉尘污染严重，周边农作物上落满灰尘，"
        "去年已反映过，至今未整改。",
        "汇川区高坪街道某石材加工厂切割石材产生大量粉尘，废水直排。",
    ),
    (
        "520111",
        "贵阳市花溪区青岩镇垃圾填埋场渗滤液外溢，臭味弥漫，污染地下水。",
        "花溪区青岩镇垃圾场臭气熏天，渗滤液流到周边田里，担心地下水被污染。",
        "花溪区青岩镇古镇景区商户餐厨垃圾随意倾倒。",
    ),
    (
        "520502",
        "毕节市七星关区撒拉溪镇龙场村养牛场牛粪直排倒天河，河水变色。",
        "七星关区撒拉溪镇龙场村一养牛场粪污排进倒天河，污染河水，臭味大。",
        "七星关区撒拉溪镇一家屠宰场屠宰废水直排倒天河。",
    ),
    (
        "520328",
        "遵义市湄潭县湄江街道兴茗茶业有限公司燃煤锅炉烟尘直排，影响周边居民。",
        "湄潭县兴茗茶业公司烧煤锅炉冒黑烟，附近住户家里全是灰。",
        "湄潭县湄江街道某餐馆燃煤炉灶烟尘扰民。",
    ),
    (
        "520281",
        "六盘水市盘州市柏果镇盘南电厂粉煤灰堆场扬尘严重，灰渣淋溶水污染河流。",
        "盘州市柏果镇盘南电厂灰场扬尘大，刮风时漫天灰尘，灰场渗水流入河里。",
        "盘州市柏果镇一选煤厂煤泥水外排，河水发黑。",
    ),
    (
        "522702",
        "黔南州福泉市马场坪街道瓮福磷化工有限公司磷石膏渣场渗漏，周边河水总磷超标。",
        "福泉市瓮福磷化工公司磷石膏堆场渗滤液外渗，造成附近河流磷污染。",
        "福泉市马场坪街道某磷矿无证开采，破坏植被。",
    ),
    (
        "520115",
        "贵阳市观山湖区金阳南路6号世纪城商业街酒吧夜间音乐声过大，严重扰民。",
        "观山湖区世纪城商业街酒吧每天晚上噪音扰民，吵得附近居民睡不着觉，希望管一管。",
        "观山湖区金阳南路一工地渣土车抛洒，道路扬尘严重。",
    ),
    (
        "520628",
        "铜仁市松桃县大兴镇三和锰业公司锰渣库防渗不到位，渗滤液污染松江河。",
        "松桃县三和锰业锰渣库渗漏，松江河水质变差，两岸群众意见大。",
        "松桃县大兴镇某电解锰厂废气无组织排放。",
    ),
    (
        "520403",
        "安顺市平坝区夏云镇工业园区一企业将危险废物填埋在厂区后山，污染土壤。",
        "平坝区夏云工业园有企业偷埋危废在后山，土壤和地下水可能被污染，请求调查。",
        "平坝区夏云镇工业园区企业夜间排放异味气体。",
    ),
    (
        "522631",
        "黔东南州黎平县德凤街道八舟河非法采砂，河道被挖乱，破坏河床生态。",
        "黎平县八舟河有人非法采砂，河道千疮百孔，鱼类减少，请求制止。",
        "黎平县德凤街道一家洗车场污水直排八舟河。",
    ),
    (
        "520381",
        "遵义市赤水市赤天化纸业有限公司废水排入赤水河，下游水面出现泡沫。",
        "赤水市赤天化纸业偷排废水，赤水河下游出现白色泡沫和异味。",
        "赤水市某竹木加工厂锅炉冒黑烟。",
    ),
    (
        "520521",
        "毕节市大方县羊场镇大坪村5组旁边的采石场放炮震裂村民房屋，粉尘大。",
        "大方县羊场镇大坪村五组附近采石场爆破，房屋开裂，灰尘漫天，村民多次反映无果。",
        "大方县羊场镇大坪村养猪户粪便乱排。",
    ),
]


def resubmissions(text: str, rng: random.Random) -> list[str]:
    """The same complaint handed in again, as teams transcribe it: a sentence added, the
    last clause dropped, a date and a frame added."""
    clauses = [c for c in text.rstrip("。").split("，") if c]
    return [
        text + rng.choice(["此前已多次反映，至今未得到解决。", "去年已反映过，问题依旧。"]),
        "，".join(clauses[:-1]) + "。" if len(clauses) > 2 else text + "请求查处。",
        "来电反映：" + text.replace("。", "，2025年5月以来情况更加严重。", 1),
    ]


def experiment() -> dict:
    """Exact Jaccard of shingle sets for n = 1, 2, 3; the rule's recall and false hits;
    then, on the chosen shingles, what each LSH layout makes a candidate."""
    import numpy as np

    from rectify.complaints import dedupe

    rng = random.Random(5)
    pairs: dict[str, list[tuple[str, str]]] = {"paraphrase": [], "resubmission": [], "hard": []}
    for _code, a, b, c in FAMILIES:
        pairs["paraphrase"].append((a, b))
        pairs["resubmission"].extend((a, r) for r in resubmissions(a, rng))
        pairs["hard"].extend([(a, c), (b, c)])
    other = [
        (x, y)
        for (c1, *t1), (c2, *t2) in itertools.combinations(FAMILIES, 2)
        if c1[:4] == c2[:4]
        for x in t1
        for y in t2
    ]
    pairs["same prefecture, other subject"] = other

    def jac(x: set, y: set) -> float:
        return len(x & y) / len(x | y) if x | y else 0.0

    ngram = {}
    for n in (1, 2, 3):
        row = {}
        for kind, ps in pairs.items():
            js = sorted(jac(dedupe.shingles(x, n), dedupe.shingles(y, n)) for x, y in ps)
            row[kind] = {
                "median": round(statistics.median(js), 2),
                "max": round(js[-1], 2),
                "min": round(js[0], 2),
                "at_or_above_threshold": sum(j >= dedupe.THRESHOLD for j in js),
                "pairs": len(js),
            }
        ngram[f"{n}-grams"] = row
    # The rule as a whole (exact J on bigrams ≥ THRESHOLD, or the same place key).
    rule = {}
    for kind, ps in pairs.items():
        found = 0
        by_place = 0
        for x, y in ps:
            kx, ky = dedupe.place_key(x), dedupe.place_key(y)
            same_place = bool(kx) and kx == ky
            by_place += same_place
            found += same_place or jac(dedupe.shingles(x), dedupe.shingles(y)) >= dedupe.THRESHOLD
        rule[kind] = {"found": found, "by_place": by_place, "pairs": len(ps)}
    # LSH layouts: the analytic probability that a pair at J becomes a candidate, and the
    # share of re-submissions (J ≥ THRESHOLD) and hard pairs that share a band in fact.
    layouts = {}
    for bands, rows in ((16, 4), (20, 5), (32, 3), (32, 4), (42, 3)):

        def p(j, b=bands, r=rows):
            return 1 - (1 - j**r) ** b

        def shares(x, y, b=bands, r=rows):
            sx, sy = dedupe.signature(x), dedupe.signature(y)
            # the same 128 permutations cut differently (the first b·r of them)
            n = b * r
            if n > dedupe.NUM_PERM:
                return None
            bx = sx[:n].reshape(b, r)
            by = sy[:n].reshape(b, r)
            return bool((bx == by).all(axis=1).any())

        found = [shares(x, y) for x, y in pairs["resubmission"]]
        hard = [shares(x, y) for x, y in pairs["hard"] + other]
        layouts[f"{bands}x{rows}"] = {
            "perms": bands * rows,
            "p_at": {j: round(p(j), 3) for j in (0.1, 0.2, 0.3, 0.5, 0.6, 0.7)},
            "resubmissions_sharing_a_band": None if None in found else sum(found),
            "other_pairs_sharing_a_band": None if None in hard else sum(hard),
            "resubmissions": len(found),
            "other_pairs": len(hard),
        }
    sig_a = np.stack([dedupe.signature(a) for a, _ in pairs["resubmission"]])
    sig_b = np.stack([dedupe.signature(b) for _, b in pairs["resubmission"]])
    exact = np.array(
        [jac(dedupe.shingles(a), dedupe.shingles(b)) for a, b in pairs["resubmission"]]
    )
    est = (sig_a == sig_b).mean(axis=1)
    return {
        "ngrams": ngram,
        "rule": rule,
        "layouts": layouts,
        "estimate_abs_error_mean": round(float(np.abs(est - exact).mean()), 3),
    }


# ---------------------------------------------------------------------------------------
# Synthetic complaints: every county, towns/villages/rivers fixed per county so that
# complaints of one county share them (the hard case), enterprises named from a pool.

NAME_CHARS = (
    "鑫源恒达兴隆宏福盛华金鼎利顺泰安康永昌富瑞祥丰旺通嘉明新晨峰天宇辰凯信诚德远博众益广"
    "荣宝豪龙凤鹏翔云星阳光辉腾飞跃万家春秋高平松柏青石桥湾坪坝岭坡沟田溪塘林竹梅兰菊"
)
INDUSTRIES = [
    ("化工", "有限公司"),
    ("砖", "厂"),
    ("水泥", "厂"),
    ("酒业", "有限公司"),
    ("磷化工", "有限责任公司"),
    ("锰业", "公司"),
    ("煤业", "有限公司"),
    ("", "煤矿"),
    ("建材", "有限公司"),
    ("石材", "加工厂"),
    ("", "砂石场"),
    ("", "采石场"),
    ("", "养殖场"),
    ("", "养猪场"),
    ("食品", "厂"),
    ("茶业", "有限公司"),
    ("纸业", "有限公司"),
    ("混凝土", "搅拌站"),
    ("冶炼", "厂"),
    ("", "屠宰场"),
    ("", "农家乐"),
    ("", "酒店"),
    ("汽修", "厂"),
    ("家具", "厂"),
    ("塑料", "制品厂"),
    ("", "洗砂场"),
    ("铝业", "有限公司"),
    ("", "烧烤店"),
]
# What offices' texts say, in pieces that combine freely: two different complaints about
# the same kind of pollution share some pieces, as real ones share wording.
ACTS = {
    "水": [
        "生产废水未经处理直接排入{river}",
        "夜间偷排废水",
        "利用暗管排放污水",
        "雨污不分流，污水溢流进入{river}",
        "粪水直排{river}",
        "渗滤液外渗进入{river}",
        "洗砂废水直排{river}",
        "污水处理设施闲置不用",
        "将废水排入溶洞",
        "废水渗入地下，{village}的井水变色",
        "在{river}边私设排污口",
        "{river}水面漂着一层油污",
        "下游{river}出现大量死鱼",
        "河水发黑发臭",
        "沉淀池满溢，废水顺着沟渠流走",
        "冲洗车辆的泥浆水流进{river}",
    ],
    "大气": [
        "夜间排放刺鼻废气",
        "烟囱冒黑烟",
        "无组织排放粉尘",
        "露天焚烧废料",
        "散发恶臭",
        "喷漆作业废气不经处理直排",
        "燃煤锅炉烟尘直排",
        "原料露天堆放，起风时扬尘漫天",
        "运输车辆抛洒，道路扬尘严重",
        "油烟未经净化直接排放",
        "焚烧垃圾和塑料",
        "除尘设备形同虚设",
        "厂区周边一股臭鸡蛋味",
    ],
    "噪声": [
        "夜间生产噪声扰民",
        "机器轰鸣昼夜不停",
        "运输车辆深夜进出，鸣笛不断",
        "冷却塔噪声很大",
        "放炮震动",
        "音响声音过大",
        "施工到深夜",
        "破碎机从早响到晚",
    ],
    "土壤": [
        "将废渣倾倒在{village}的农田里",
        "危险废物随意堆放",
        "用废水灌溉农田",
        "在荒地填埋工业垃圾",
        "矿渣堆放没有防渗措施",
        "废油直接倒在地上",
        "尾矿库渗漏",
    ],
    "生态": [
        "无证开采，破坏山体植被",
        "在{river}非法采砂",
        "违规占用林地",
        "在自然保护区内违规建设",
        "毁林开荒",
        "开山采石造成水土流失",
        "侵占{river}河道",
        "在饮用水源保护区内经营",
    ],
}
EFFECTS = [
    "周边居民头晕恶心",
    "农作物减产",
    "鱼虾死亡",
    "群众饮水困难",
    "房屋出现裂缝",
    "小孩经常咳嗽",
    "晚上无法入睡",
    "庄稼枯死",
    "井水不能饮用",
    "牲畜饮水后生病",
    "空气中弥漫着刺鼻气味",
    "屋顶落满灰尘",
    "窗户都不敢开",
    "衣服晾不出去",
    "严重影响周边群众生活",
    "周边居民苦不堪言",
    "附近学校师生深受其害",
    "老人心脏病发作",
    "稻田里的鱼都死了",
    "蔬菜上全是灰",
]
SINCE = ["", "", "已持续两年多", "长期以来如此", "近半年来", "从去年开始", "最近一个月尤为严重"]
HISTORY = [
    "",
    "",
    "多次向当地政府反映未果",
    "曾向环保部门投诉，处理后又反弹",
    "打过12369热线，没有结果",
    "村委会协调无果",
    "当地政府监管不力",
]
DEMANDS = ["", "希望督察组督促整改。", "请求依法查处。", "要求关停。", "希望尽快解决。"]


def _name(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(n))


class Generator:
    """Complaint texts for the counties of the org tree (county code → (prefecture name,
    county name, region id))."""

    def __init__(self, counties: list[tuple[str, str, str, int]], seed: int = 2025):
        self.rng = random.Random(seed)
        self.counties = counties
        self.places = {}
        for code, _, _, _ in counties:
            towns = [_name(self.rng) + self.rng.choice("镇镇镇乡") for _ in range(12)]
            towns += [_name(self.rng) + "街道" for _ in range(3)]
            self.places[code] = (
                towns,
                [_name(self.rng) + "村" for _ in range(40)],
                [_name(self.rng) + self.rng.choice(["河", "河", "江", "溪"]) for _ in range(6)],
            )
        self.history: list[tuple[int, int, str, str]] = []  # (county index, type, site, text)

    def site(self, county: str, kind: str) -> tuple[str, str]:
        towns, villages, _ = self.places[county]
        rng = self.rng
        industry, suffix = rng.choice(INDUSTRIES)
        where = rng.choice(towns) + (rng.choice(villages) if rng.random() < 0.6 else "")
        if rng.random() < 0.25:
            where += f"{rng.randint(1, 12)}组"
        if rng.random() < 0.15:  # anonymised: 某化工厂
            return where, f"某{industry}{suffix}"
        return where, _name(rng, rng.choice((2, 2, 3))) + industry + suffix

    def text(self, county_ix: int, kind: str, where: str, site: str) -> str:
        code, prefecture, county, _ = self.counties[county_ix]
        _towns, villages, rivers = self.places[code]
        rng = self.rng

        def fill(piece: str) -> str:
            return piece.format(river=rng.choice(rivers), village=rng.choice(villages))

        head = (prefecture if rng.random() < 0.6 else "") + county + where
        acts = "，".join(fill(a) for a in rng.sample(ACTS[kind], rng.randint(1, 3)))
        effects = "，".join(rng.sample(EFFECTS, rng.randint(1, 2)))
        tail = "，".join(x for x in (rng.choice(SINCE), rng.choice(HISTORY)) if x)
        frame = rng.choice(["", "", "来电反映：", "来信反映，", "群众反映，", "举报人称，"])
        extra = ""
        if rng.random() < 0.3:
            extra = f"{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月以来情况越来越严重。"
        if rng.random() < 0.2:
            extra += f"距离居民区不到{rng.randint(2, 50) * 10}米。"
        return (
            f"{frame}{head}{site}{acts}，{effects}{'，' + tail if tail else ''}。"
            f"{extra}{rng.choice(DEMANDS)}"
        )

    def complaint(self) -> tuple[int, str]:
        """(region id, text); 8 % repeat an earlier complaint (half near-verbatim)."""
        rng = self.rng
        if self.history and rng.random() < 0.08:
            ix, kind, where_site, text = rng.choice(self.history)
            if rng.random() < 0.5:
                return self.counties[ix][3], rng.choice(resubmissions(text, rng))
            where, site = where_site.split("|")
            return self.counties[ix][3], self.text(ix, kind, where, site)
        ix = rng.randrange(len(self.counties))
        kind = rng.choice(list(ACTS))
        where, site = self.site(self.counties[ix][0], kind)
        text = self.text(ix, kind, where, site)
        if len(self.history) < 200_000:
            self.history.append((ix, kind, f"{where}|{site}", text))
        else:
            self.history[rng.randrange(len(self.history))] = (ix, kind, f"{where}|{site}", text)
        return self.counties[ix][3], text


def calibrate(gen: "Generator", pairs: int = 2000) -> dict:
    """Bigram Jaccard of generated pairs, to compare with the hand-written ones: different
    complaints of one kind in one county, the same site in other words, re-submissions."""
    from rectify.complaints import dedupe

    def jac(a: str, b: str) -> float:
        x, y = dedupe.shingles(a), dedupe.shingles(b)
        return len(x & y) / len(x | y)

    rng = gen.rng
    kinds: dict[str, list[float]] = {"other subject": [], "paraphrase": [], "resubmission": []}
    for _ in range(pairs):
        ix = rng.randrange(len(gen.counties))
        kind = rng.choice(list(ACTS))
        where, site = gen.site(gen.counties[ix][0], kind)
        a = gen.text(ix, kind, where, site)
        kinds["other subject"].append(
            jac(a, gen.text(ix, kind, *gen.site(gen.counties[ix][0], kind)))
        )
        kinds["paraphrase"].append(jac(a, gen.text(ix, kind, where, site)))
        kinds["resubmission"].append(jac(a, rng.choice(resubmissions(a, rng))))
    out = {}
    for name, js in kinds.items():
        js.sort()
        out[name] = {
            q: round(js[int(p * (len(js) - 1))], 2)
            for q, p in (("p10", 0.1), ("median", 0.5), ("p90", 0.9), ("p99", 0.99))
        }
    return out


# ---------------------------------------------------------------------------------------
# The child: one database.

_REGIONS = None  # the region-name index, fetched before forking the workers


def _prepare(items: list[tuple[str, int]]) -> list[tuple[bytes | None, str, list[int]]]:
    """Signature bytes, place key and band keys of each (text, area code) (in a worker)."""
    import numpy as np

    from rectify.complaints import dedupe

    texts = [text for text, _ in items]
    sigs = dedupe.signatures(texts)
    out = []
    present = [(s, area) for s, (_, area) in zip(sigs, items, strict=True) if s is not None]
    keys = iter(
        dedupe.band_keys(np.stack([s for s, _ in present]), [a for _, a in present]).tolist()
        if present
        else []
    )
    for text, sig in zip(texts, sigs, strict=True):
        place = dedupe.place_key(text, regions=_REGIONS)
        if sig is None:
            out.append((None, place, []))
        else:
            out.append((dedupe.encode(sig), place, next(keys)))
    return out


def child(stored: int, indexed: int, lookups: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import multiprocessing

    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    from rectify.complaints import dedupe, routing
    from rectify.complaints.models import Complaint, ComplaintBand, ComplaintBatch
    from rectify.core.testing import ensure_reference_orgs
    from rectify.orgs.models import Org
    from rectify.problems.testing import InspectionFactory

    ensure_reference_orgs()
    report: dict = {
        "engine": connection.vendor,
        "parameters": {
            "num_perm": dedupe.NUM_PERM,
            "bands": dedupe.BANDS,
            "rows": dedupe.ROWS,
            "shingle": dedupe.SHINGLE,
            "threshold": dedupe.THRESHOLD,
        },
    }
    t = time.perf_counter()
    report["experiment"] = experiment()
    report["experiment_seconds"] = round(time.perf_counter() - t, 1)

    counties = []
    for org in Org.objects.filter(kind="county").select_related("parent"):
        counties.append((org.code, org.parent.short_name, org.short_name, org.pk))
    gen = Generator(counties)
    report["synthetic"] = calibrate(Generator(counties, seed=7))
    inspection = InspectionFactory(code="bench-dedupe")
    batch = ComplaintBatch.objects.create(
        inspection=inspection, number=1, received_on=date(2025, 6, 1), stated_count=stored
    )
    complaint_t = Complaint._meta.db_table
    band_t = ComplaintBand._meta.db_table
    pg = connection.vendor == "postgresql"

    # --- fill -----------------------------------------------------------------------
    global _REGIONS
    _REGIONS = routing.name_index()
    areas = {pk: dedupe.area_code(path) for pk, path in _REGIONS.paths.items()}
    fill = stored - indexed
    chunk = 20_000
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if not pg:
            cur.execute("PRAGMA synchronous=OFF")
        # Bands are written without their key index, which is built once at the end.
        cur.execute("DROP INDEX cband_key")
    columns = (
        "batch_id, acceptance_no, original_order, channel, received_on, content, region_id, "
        "region_confirmed, industry, is_key, state, place_key, signature, version, created_at"
    )
    now = "2025-06-01 00:00:00+00:00"
    next_no = 0
    gen_s = prep_s = write_s = 0.0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(max(1, min(4, os.cpu_count() or 1))) as pool:
        done = 0
        while done < fill:
            n = min(chunk, fill - done)
            g = time.perf_counter()
            items = [gen.complaint() for _ in range(n)]
            gen_s += time.perf_counter() - g
            g = time.perf_counter()
            work = [(text, areas[region_id]) for region_id, text in items]
            parts = pool.map(_prepare, [work[i : i + 2500] for i in range(0, n, 2500)])
            prepared = [p for part in parts for p in part]
            prep_s += time.perf_counter() - g
            g = time.perf_counter()
            rows = []
            for (region_id, text), (sig, place, _) in zip(items, prepared, strict=True):
                next_no += 1
                rows.append(
                    (
                        batch.pk,
                        f"X3GZ20250601{next_no:07d}",
                        next_no,
                        "letter",
                        "2025-06-01",
                        text,
                        region_id,
                        True,
                        "",
                        False,
                        "received",
                        place,
                        sig,
                        1,
                        now,
                    )
                )
            with transaction.atomic(), connection.cursor() as cur:
                first = _insert_complaints(cur, complaint_t, columns, rows, pg)
                bands = [
                    (first + i, key) for i, (_, _, keys) in enumerate(prepared) for key in keys
                ]
                _insert_bands(cur, band_t, bands, pg)
            write_s += time.perf_counter() - g
            done += n
            print(f"  filled {done:,}/{fill:,} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    g = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f'CREATE INDEX cband_key ON {band_t} ("key", "complaint_id")')  # as the model
        if pg:  # as autovacuum would soon after a load; SQLite databases never are
            cur.execute("ANALYZE")
    index_build_s = time.perf_counter() - g
    report["fill"] = {
        "complaints": fill,
        "seconds": round(time.perf_counter() - t0, 1),
        "generate_s": round(gen_s, 1),
        "signatures_s": round(prep_s, 1),
        "write_s": round(write_s, 1),
        "band_key_index_s": round(index_build_s, 1),
    }

    # --- index through index_complaints -------------------------------------------------
    items = [gen.complaint() for _ in range(indexed)]
    rows = []
    for region_id, text in items:
        next_no += 1
        rows.append(
            (
                batch.pk,
                f"X3GZ20250601{next_no:07d}",
                next_no,
                "letter",
                "2025-06-01",
                text,
                region_id,
                True,
                "",
                False,
                "received",
                "",
                None,
                1,
                now,
            )
        )
    with transaction.atomic(), connection.cursor() as cur:
        first = _insert_complaints(cur, complaint_t, columns, rows, pg)
    new = [
        Complaint(pk=first + i, content=text, region_id=region_id)
        for i, (region_id, text) in enumerate(items)
    ]
    g = time.perf_counter()
    sigs = dedupe.signatures([c.content for c in new])
    sig_s = time.perf_counter() - g
    g = time.perf_counter()
    with transaction.atomic():
        dedupe.index_complaints(new)
    index_s = time.perf_counter() - g
    report["index"] = {
        "complaints": indexed,
        "seconds": round(index_s, 2),
        "rows_per_second": round(indexed / index_s),
        "signatures_alone_rows_per_second": round(indexed / sig_s),
    }
    del sigs
    with connection.cursor() as cur:
        if pg:
            cur.execute("ANALYZE")
        cur.execute(f"SELECT COUNT(*) FROM {band_t}")
        report["band_rows"] = cur.fetchone()[0]
        cur.execute(f"SELECT COUNT(*) FROM {complaint_t}")
        report["stored"] = cur.fetchone()[0]
        if not pg:
            cur.execute("PRAGMA page_count")
            pages = cur.fetchone()[0]
            cur.execute("PRAGMA page_size")
            report["database_bytes"] = pages * cur.fetchone()[0]
        else:
            cur.execute("SELECT pg_database_size(current_database())")
            report["database_bytes"] = cur.fetchone()[0]

    # --- lookups ------------------------------------------------------------------------
    report["lookup"] = _lookups(gen, list(gen.history), lookups)
    return report


def _lookups(gen: "Generator", stored_history: list, lookups: int) -> dict:
    """dedupe.candidates_for_text for `lookups` new complaints (a third of them
    re-submissions of `stored_history` entries (county index, _, _, text)) against every
    stored complaint, timed beside the bare band SELECT (the floor)."""
    from django.db import connection

    from rectify.complaints import dedupe
    from rectify.complaints.models import ComplaintBand
    from rectify.orgs.models import Org

    band_t = ComplaintBand._meta.db_table
    regions = {o.pk: o for o in Org.objects.filter(kind="county")}
    probes = []
    for i in range(lookups + 20):
        region_id, text = gen.complaint()
        if i % 3 == 0 and stored_history:  # a repeat of a stored complaint
            ix, _, _, original = gen.rng.choice(stored_history)
            region_id, text = gen.counties[ix][3], gen.rng.choice(resubmissions(original, gen.rng))
        probes.append((regions[region_id], text))
    raw_sql = f'SELECT complaint_id FROM {band_t} WHERE "key" IN ({{}})'
    lookup_ms, floor_ms, hits, found = [], [], [], []
    for i, (region, text) in enumerate(probes):
        connection.queries_log.clear()
        g = time.perf_counter()
        result = dedupe.candidates_for_text(text, region)
        elapsed = (time.perf_counter() - g) * 1000
        area = dedupe.area_code(region.path)
        keys = dedupe.band_keys(dedupe.signature(text)[None, :], area)[0].tolist()
        g = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(raw_sql.format(", ".join(["%s"] * len(keys))), keys)
            n_hits = len(cur.fetchall())
        floor = (time.perf_counter() - g) * 1000
        if i >= 20:  # the first 20 warm the caches
            lookup_ms.append(elapsed)
            floor_ms.append(floor)
            hits.append(n_hits)
            found.append(len(result))

    def q(xs, p):
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(p * len(xs)))], 2)

    return {
        "lookups": len(lookup_ms),
        "median_ms": q(lookup_ms, 0.5),
        "p95_ms": q(lookup_ms, 0.95),
        "floor_median_ms": q(floor_ms, 0.5),
        "floor_p95_ms": q(floor_ms, 0.95),
        "band_hits_median": q(hits, 0.5),
        "band_hits_p95": q(hits, 0.95),
        "candidates_median": q(found, 0.5),
        "with_candidates": sum(1 for f in found if f),
    }


def child_reuse(lookups: int) -> dict:
    """--reuse: the lookups only, against the complaints of an existing database (e.g. one
    `rectify gen` filled), which is read and never written; the re-submitted complaints
    are drawn from the stored ones."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection, transaction

    from rectify.complaints import dedupe
    from rectify.complaints.models import Complaint, ComplaintBand
    from rectify.orgs.models import Org

    report: dict = {
        "engine": connection.vendor,
        "reused": True,
        "parameters": {
            "num_perm": dedupe.NUM_PERM,
            "bands": dedupe.BANDS,
            "rows": dedupe.ROWS,
            "shingle": dedupe.SHINGLE,
            "threshold": dedupe.THRESHOLD,
        },
    }
    counties = []
    for org in Org.objects.filter(kind="county").select_related("parent"):
        counties.append((org.code, org.parent.short_name, org.short_name, org.pk))
    gen = Generator(counties)
    index_of = {c[3]: i for i, c in enumerate(counties)}
    with connection.cursor() as cur:
        cur.execute(f"SELECT MIN(id), MAX(id), COUNT(*) FROM {Complaint._meta.db_table}")
        low, high, report["stored"] = cur.fetchone()
        cur.execute(f"SELECT COUNT(*) FROM {ComplaintBand._meta.db_table}")
        report["band_rows"] = cur.fetchone()[0]
        report["database_bytes"] = _database_bytes(cur, connection.vendor == "postgresql")
    history = []
    if report["stored"]:
        picks = [gen.rng.randint(low, high) for _ in range(400)]
        for region_id, text in Complaint.objects.filter(pk__in=picks).values_list(
            "region_id", "content"
        ):
            if region_id in index_of:
                history.append((index_of[region_id], None, None, text))
    report["resubmission_sources"] = len(history)
    with transaction.atomic():  # read only: whatever happened is rolled back
        report["lookup"] = _lookups(gen, history, lookups)
        transaction.set_rollback(True)
    return report


def _database_bytes(cur, pg: bool) -> int:
    if pg:
        cur.execute("SELECT pg_database_size(current_database())")
        return cur.fetchone()[0]
    cur.execute("PRAGMA page_count")
    pages = cur.fetchone()[0]
    cur.execute("PRAGMA page_size")
    return pages * cur.fetchone()[0]


def _insert_complaints(cur, table: str, columns: str, rows: list[tuple], pg: bool) -> int:
    """Insert rows (ids are consecutive in one transaction); return the first id."""
    if pg:
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return _first_id(cur, table, rows)
    marks = ", ".join(["%s"] * len(rows[0]))
    cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return _first_id(cur, table, rows)


def _first_id(cur, table: str, rows: list[tuple]) -> int:
    """The id of the first row inserted; the ids of one bulk insert are consecutive."""
    cur.execute(
        f"SELECT id, acceptance_no FROM {table} WHERE acceptance_no IN (%s, %s)",
        [rows[0][1], rows[-1][1]],
    )
    ids = dict((no, pk) for pk, no in cur.fetchall())
    first, last = ids[rows[0][1]], ids[rows[-1][1]]
    assert last - first == len(rows) - 1, "ids are not consecutive"
    return first


def _insert_bands(cur, table: str, bands: list[tuple[int, int]], pg: bool) -> None:
    if pg:
        with cur.cursor.copy(f'COPY {table} (complaint_id, "key") FROM STDIN') as copy:
            for row in bands:
                copy.write_row(row)
        return
    cur.executemany(f'INSERT INTO {table} (complaint_id, "key") VALUES (%s, %s)', bands)


# ---------------------------------------------------------------------------------------
# The parent.


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _pg_admin(url: str, sql: str) -> None:
    """Run `sql` on the server's maintenance database (the one named may not exist)."""
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def print_experiment(ex: dict) -> None:
    print("experiment (exact Jaccard of shingle sets, hand-written complaints):")
    kinds = list(ex["ngrams"]["1-grams"])
    print(f"  {'shingles':<10}" + "".join(f"{k[:30]:>32}" for k in kinds))
    for n, row in ex["ngrams"].items():
        cells = "".join(
            "{:>32}".format(
                f"med {r['median']:.2f} max {r['max']:.2f} "
                f"≥T {r['at_or_above_threshold']}/{r['pairs']}"
            )
            for r in row.values()
        )
        print(f"  {n:<10}{cells}")
    print("  rule (bigram J ≥ threshold, or same place key):")
    for kind, r in ex["rule"].items():
        print(f"    {kind:<32} {r['found']:>3}/{r['pairs']:<4} (by place key {r['by_place']})")
    print("  LSH layouts (P(candidate) at J; pairs sharing ≥ 1 band):")
    for name, r in ex["layouts"].items():
        ps = " ".join(f"{j}:{p:.2f}" for j, p in r["p_at"].items())
        print(
            f"    {name:<6} {r['perms']:>3} perms  {ps}  re-submissions "
            f"{r['resubmissions_sharing_a_band']}/{r['resubmissions']}  other "
            f"{r['other_pairs_sharing_a_band']}/{r['other_pairs']}"
        )
    print(f"  mean |estimated − exact J| on re-submissions: {ex['estimate_abs_error_mean']}")


def print_synthetic(syn: dict) -> None:
    print("generated complaints (bigram Jaccard of 2,000 pairs each, to compare):")
    for name, q in syn.items():
        print(f"  {name:<32} " + "  ".join(f"{k} {v:.2f}" for k, v in q.items()))


def reuse(target: str, lookups: int) -> None:
    """The lookups against an existing database; writes var/bench/complaints_dedupe.json
    with the same "lookup" keys (no experiment, fill or index)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.setdefault("RECTIFY_SECRET_KEY", "bench-only")
    if target.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = target
    else:
        if not Path(target).exists():
            raise SystemExit(f"no SQLite database at {target}")
        env["RECTIFY_SQLITE_PATH"] = str(Path(target).resolve())
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child-reuse", "--lookups", str(lookups)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    report = {
        "benchmark": "complaints_dedupe",
        "python": sys.version.split()[0],
        "total_seconds": round(time.perf_counter() - t, 1),
        **r,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "complaints_dedupe.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    print(
        f"repeat lookup benchmark on {r['engine']} (existing database): {r['stored']:,} "
        f"complaints, {r['band_rows']:,} band rows, {r['database_bytes'] / 1e9:.2f} GB"
    )
    _print_lookup(r["lookup"])
    print(f"written to {OUT_DIR / 'complaints_dedupe.json'}")


def _print_lookup(lk: dict) -> None:
    print(
        f"  lookup    {lk['lookups']} new complaints: median {lk['median_ms']} ms "
        f"(target ≤ 20), p95 {lk['p95_ms']} ms · floor (bare band SELECT) median "
        f"{lk['floor_median_ms']} ms, p95 {lk['floor_p95_ms']} ms · band hits median "
        f"{lk['band_hits_median']}, p95 {lk['band_hits_p95']} · {lk['with_candidates']} with "
        "candidates"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--indexed", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--database-url", default="", help="PostgreSQL server (scratch DB)")
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="throwaway SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the filled database")
    parser.add_argument(
        "--reuse",
        default="",
        metavar="DBURL-or-sqlite-path",
        help="only the lookups, against the complaints of this existing database (read only)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.stored, args.indexed, args.lookups)))
        return
    if args.child_reuse:
        print(json.dumps(child_reuse(args.lookups)))
        return
    if args.reuse:
        reuse(args.reuse, args.lookups)
        return

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RECTIFY_SECRET_KEY="bench-only", RECTIFY_VAR_DIR="/tmp/rectify_bench_var")
    scratch = ""
    if args.database_url:
        scratch = f"{urlsplit(args.database_url).path.lstrip('/') or 'rectify'}_bench_dedupe"
        _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{scratch}"')
        _pg_admin(args.database_url, f'CREATE DATABASE "{scratch}"')
        env["DATABASE_URL"] = _with_db(args.database_url, scratch)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite + suffix).unlink(missing_ok=True)
        env["RECTIFY_SQLITE_PATH"] = args.sqlite
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--stored",
                str(args.stored),
                "--indexed",
                str(args.indexed),
                "--lookups",
                str(args.lookups),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        if args.keep:
            print(f"kept {env.get('DATABASE_URL') or args.sqlite}")
        elif scratch:
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(args.sqlite + suffix).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    report = {
        "benchmark": "complaints_dedupe",
        "python": sys.version.split()[0],
        "total_seconds": round(time.perf_counter() - t, 1),
        **r,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "complaints_dedupe.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    print_experiment(r["experiment"])
    print_synthetic(r["synthetic"])
    f, ix, lk = r["fill"], r["index"], r["lookup"]
    print(
        f"\nrepeat lookup benchmark on {r['engine']}: {r['stored']:,} complaints, "
        f"{r['band_rows']:,} band rows, {r['database_bytes'] / 1e9:.2f} GB"
    )
    print(
        f"  fill      {f['complaints']:>9,} in {f['seconds']}s (generate {f['generate_s']}s, "
        f"signatures {f['signatures_s']}s, SQL {f['write_s']}s, key index "
        f"{f['band_key_index_s']}s)"
    )
    print(
        f"  index     {ix['complaints']:>9,} through index_complaints in {ix['seconds']}s: "
        f"{ix['rows_per_second']:,} rows/s (signatures alone "
        f"{ix['signatures_alone_rows_per_second']:,} rows/s; target ≥ 2,000)"
    )
    _print_lookup(lk)
    print(f"written to {OUT_DIR / 'complaints_dedupe.json'}")


if __name__ == "__main__":
    main()
