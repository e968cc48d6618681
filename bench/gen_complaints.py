"""Writes an N-row complaints workbook in the office layout (信访举报件交办清单).

    python bench/gen_complaints.py --rows 100000 -o var/bench/complaints_100000.xlsx

Realistic rows: 受理编号 as teams issue them (D3GZ / X3GZ + date + sequence, over the
inspection's 30 days on site), complaint text naming a place, an enterprise and what people
complain of, every county and prefecture of Guizhou (written 遵义市播州区, 播州区 or
贵州省遵义市播州区), one to three pollution types in the spellings offices use (水污染、噪声,
大气/扬尘), the seven industry types, key-case flags, coordinates near the county seat, and
for about one row in five the complainant's name, phone and address (that the import must
encrypt). A 调查核实情况 column is present and empty, as in real transfer lists.

Regions come from the reference code table (rectify.orgs.reference), so no database is
needed; Django is set up only to import it.
"""

import argparse
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "原始排序编码",
    "受理编号",
    "交办问题基本情况",
    "行政区域",
    "污染类型",
    "行业类型",
    "是否重点件",
    "经度",
    "纬度",
    "举报人",
    "联系电话",
    "举报人地址",
    "调查核实情况",
]
FIRST_DAY = date(2025, 5, 6)  # first day on site
DAYS = 30
TYPES = [
    "水",
    "水污染",
    "大气",
    "大气污染",
    "扬尘",
    "油烟污染",
    "噪声",
    "噪音污染",
    "土壤",
    "重金属",
    "生态",
    "生态破坏",
    "辐射",
    "其他",
    "垃圾污染",
]
INDUSTRIES = [
    "工业类",
    "矿山类",
    "畜禽养殖类",
    "城市管理类",
    "农村环境类",
    "自然保护区类",
    "其他类",
]
TOWNS = ["城关镇", "龙坑街道", "鸭溪镇", "南白街道", "新场镇", "茅坝镇", "石板镇", "双河乡"]
PLACES = ["工业园区", "小区", "村民组", "河段", "水库上游", "国道旁", "农贸市场", "学校附近"]
FIRMS = [
    "某某化工有限公司",
    "某建材厂",
    "某砂石加工场",
    "某生猪养殖场",
    "某混凝土搅拌站",
    "某洗煤厂",
    "某餐饮店",
    "某采石场",
    "某磷化工企业",
    "某污水处理厂",
]
GRIEVANCES = [
    "长期向河道偷排生产废水，河水发黑发臭",
    "夜间生产噪声扰民，严重影响周边居民休息",
    "粉尘污染严重，周边农作物和房屋表面覆盖厚厚一层灰",
    "露天堆放废渣，雨天渗滤液流入农田",
    "废气直排，散发刺鼻气味，周边群众出现咳嗽等症状",
    "未批先建，破坏林地和植被",
    "养殖废水未经处理直排，污染饮用水源",
    "油烟直排，影响楼上住户开窗通风",
    "非法采砂，破坏河道生态",
    "生活垃圾随意倾倒焚烧，烟雾弥漫",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国明华丽芳军勇伟强敏静秀英磊洋艳杰娟涛斌超霞平刚桂兰玉梅德福志红"


def regions() -> list[tuple[str, list[str], float, float]]:
    """(name, ways offices write it, longitude, latitude) of every prefecture and county."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from rectify.orgs.reference import region_rows

    rows = region_rows("520000")
    names = {r.code: r.name for r in rows}
    out = []
    for r in rows:
        if r.code == "520000" or r.longitude is None:
            continue
        if r.code.endswith("00"):
            spellings = [r.name, f"贵州省{r.name}"]
        else:
            parent = names.get(r.code[:4] + "00", "")
            spellings = [r.name, f"{parent}{r.name}", f"贵州省{parent}{r.name}"]
        out.append((r.name, spellings, float(r.longitude), float(r.latitude)))
    return out


def generate(path: Path, rows: int, *, seed: int = 2025) -> Path:
    """Write the workbook; returns its path."""
    import xlsxwriter

    rng = random.Random(seed)
    places = regions()
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("交办清单")
    for col, h in enumerate(HEADER):
        ws.write_string(0, col, h)
    sequence: dict[tuple[str, date], int] = {}
    for i in range(1, rows + 1):
        name, spellings, lon, lat = (
            places[i % len(places)] if i <= len(places) else rng.choice(places)
        )
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        channel = "D" if rng.random() < 0.6 else "X"
        seq = sequence[(channel, day)] = sequence.get((channel, day), 0) + 1
        number = f"{channel}3GZ{day:%Y%m%d}{seq:04d}"
        firm = rng.choice(FIRMS)
        text = (
            f"{name}{rng.choice(TOWNS)}{rng.choice(PLACES)}{firm}"
            f"{rng.choice(GRIEVANCES)}；{rng.choice(GRIEVANCES)}。群众多次反映未得到解决，"
            f"要求依法查处。"
        )
        complainant = rng.random() < 0.2
        person = phone = address = ""
        if complainant:
            person = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            address = f"{name}{rng.choice(TOWNS)}{rng.randrange(1, 30)}组{rng.randrange(1, 99)}号"
            if rng.random() < 0.5:
                text = f"{person}反映：{text}联系电话{phone}。"
        types = "、".join(rng.sample(TYPES, rng.choice([1, 1, 2, 2, 3])))
        cells = [
            i,
            number,
            text,
            rng.choice(spellings),
            types,
            rng.choice(INDUSTRIES),
            "是" if rng.random() < 0.1 else "否",
            round(lon + rng.uniform(-0.2, 0.2), 6),
            round(lat + rng.uniform(-0.2, 0.2), 6),
            person,
            phone,
            address,
            "",
        ]
        for col, value in enumerate(cells):
            if value == "":
                continue
            if isinstance(value, int | float):
                ws.write_number(i, col, value)
            else:
                ws.write_string(i, col, value)
    wb.close()
    return path


def last_day() -> date:
    """The last acceptance date the generator uses (a batch received then holds them all)."""
    return FIRST_DAY + timedelta(days=DAYS - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("-o", "--output", help="default var/bench/complaints_<rows>.xlsx")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    out = Path(args.output or ROOT / "var" / "bench" / f"complaints_{args.rows}.xlsx")
    generate(out, args.rows, seed=args.seed)
    print(f"{args.rows} complaints written to {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
