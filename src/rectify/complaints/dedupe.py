"""Finding repeat complaints (重复件) for the office to confirm.

Two signals, both in the database so that every worker shares them:

- similar text: a MinHash signature (datasketch, fixed seed) of the content's character
  bigrams, cut into LSH bands; each band's key (ComplaintBand) mixes the prefecture in, so
  that complaints sharing a key are in the same prefecture. Those are kept when their
  estimated Jaccard similarity reaches THRESHOLD;
- the same place: the enterprise or address the text names (place_key), in the prefecture.

Choices (bench/complaints_dedupe.py measures them on hand-written Guizhou complaints):
- Character bigrams, not jieba words: most Chinese words have two characters; the
  enterprise, village and river names that tell complaints apart are in no dictionary and a
  segmenter cuts them differently from one text to the next; bigrams need no dictionary to
  install or keep in step across workers. Unigrams separate worse (different complaints in
  one county reach 0.50), trigrams no better than bigrams.
- Paraphrases of one complaint by different people share 0.13–0.68 of their bigrams (median
  0.22) and different complaints about the same kind of pollution in the same county up to
  0.31, so no text threshold separates paraphrases: the text signal is for complaints handed
  in again (the same letter or caller: 0.68–0.92, median 0.77) at THRESHOLD 0.5, above the
  other complaints with a margin of four standard errors of the estimate; the place signal
  finds the paraphrases (15 of 22, against none of 233 other pairs).
- 128 permutations (standard error 0.044 at J = 0.5); 16 bands of 4 values, whose S-curve
  turns at (1/16)^(1/4) = 0.5: a pair is a candidate with probability 0.64 at J = 0.5, 0.89
  at 0.6, 0.99 at 0.7, and 0.03 at 0.2. 32 bands would find 0.87 at 0.5 but double the
  index and triple the rows a lookup reads (407 against 133 at 1,000,000 complaints).
- The prefecture in the key: the rule only looks inside the prefecture, and a lookup reads a
  fifth of the rows (142 against 680 at 1,000,000 complaints). A complaint whose region
  moves to another prefecture must be re-indexed.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rectify.complaints.models import Complaint, ComplaintBand, RepeatRejection
from rectify.complaints.routing import NameIndex, name_index
from rectify.complaints.stats import PREFECTURE_PATH_LEN
from rectify.orgs.models import Org, OrgKind

NUM_PERM = 128  # signature length: J estimated with a standard error of 0.044 at 0.5
BANDS = 16  # LSH bands of ROWS values, from the first BANDS × ROWS of the signature
ROWS = 4
SEED = 520000  # fixed: signatures must be identical in every process and on every run
SHINGLE = 2  # characters per shingle
THRESHOLD = 0.5  # estimated Jaccard from which similar text alone makes a likely repeat
# Mixed into every band key: a change of the parameters above makes old keys unmatchable
# (rather than wrongly matching) until index_complaints() has been run over all complaints.
INDEX_VERSION = 1
# Complaints examined per lookup, most shared bands first: at 1,000,000 stored complaints
# a lookup's keys match 142 band rows (median; 1,144 at p95), so the cap only trims the
# rare text made of boilerplate.
MAX_BAND_HITS = 1000
MAX_PLACE_HITS = 500

assert BANDS * ROWS <= NUM_PERM

# --- text → shingles → signature ---------------------------------------------------------

# Dates and times, then bare numbers (quantities, years): two reports of one complaint
# rarely agree on them. Numbers that address something (12号, 3组, 5栋) stay.
_DATE = (
    r"\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?"
    r"|\d{2,4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?"
    r"|\d{1,2}月(?:\d{1,2}[日号])?份?"
    r"|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
    r"|\d{1,2}[点时](?:\d{1,2}分|半)?"
)
_ADDRESS_UNITS = "号|组|栋|幢|单元|楼|层|室|弄|排|队|社"
_NUMBER = rf"\d+(?:[.,]\d+)*%?(?!\d|{_ADDRESS_UNITS})"
_DATE_OR_NUMBER = re.compile(f"{_DATE}|{_NUMBER}")
_SEPARATORS = re.compile(r"[\W_]+")
# NFKC's mapping of full-width ASCII (，：１２Ａ) and the ideographic space, the only
# compatibility characters most complaint texts contain; NFKC proper runs when others are
# there (is_normalized is a quick check).
# (A regular expression finds them: str.translate with a dict looks up every character of
# a Chinese text in Python and took three times as long.)
_FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _half_width(m: re.Match) -> str:
    return _FULL_WIDTH[m.group()]


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), quicker for the usual texts."""
    text = _FULL_WIDTH_RE.sub(_half_width, text or "")
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def segments(text: str) -> list[str]:
    """The clauses of `text` as compared: NFKC, lower case, no dates or bare numbers, split
    at punctuation and whitespace."""
    return _segments(nfkc(text))


def _segments(normal: str) -> list[str]:
    """segments() of a text already through nfkc()."""
    t = _DATE_OR_NUMBER.sub(" ", normal.casefold())
    return [s for s in _SEPARATORS.split(t) if s]


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    """Character n-grams within each clause (a clause shorter than n is one shingle)."""
    out: set[str] = set()
    for seg in segments(text):
        if len(seg) <= n:
            out.add(seg)
        else:
            out.update(seg[i : i + n] for i in range(len(seg) - n + 1))
    return out


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed avalanching bijection on uint64 (wraps by design)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def pack(gram: str) -> int:
    """A shingle as one integer: its code points, 21 bits each (what shingle_hashes mixes)."""
    return sum(ord(ch) << (21 * k) for k, ch in enumerate(gram))


def packed_shingles(
    texts: Sequence[str], n: int = SHINGLE, *, normalised: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """pack(g) for g in shingles(t, n) of many texts at once, as (packed values, index of
    the text each comes from), ordered by text; a text's values may repeat. `normalised`:
    the texts went through nfkc() already."""
    joined, short, short_doc = [], [], []
    split = _segments if normalised else segments
    for i, text in enumerate(texts):
        segs = split(text)
        joined.append("\0".join(segs))
        for seg in segs:
            if len(seg) < n:
                short.append(pack(seg))
                short_doc.append(i)
    # Clauses and texts separated by NUL: a window without NUL is an n-gram in one clause.
    big = "\0".join(joined) + "\0"
    cps = np.frombuffer(big.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    owner = np.repeat(np.arange(len(texts)), [len(j) + 1 for j in joined])
    packed = np.empty(0, dtype=np.uint64)
    doc = np.empty(0, dtype=np.int64)
    if len(cps) >= n:
        windows = np.lib.stride_tricks.sliding_window_view(cps, n)
        valid = np.flatnonzero((windows != 0).all(axis=1))
        shifts = np.arange(n, dtype=np.uint64) * np.uint64(21)
        packed = np.bitwise_or.reduce(windows[valid] << shifts, axis=1)
        doc = owner[valid]
    if short:
        packed = np.concatenate([packed, np.array(short, dtype=np.uint64)])
        doc = np.concatenate([doc, np.array(short_doc, dtype=np.int64)])
        order = np.argsort(doc, kind="stable")
        packed, doc = packed[order], doc[order]
    return packed, doc


def _hash32(packed: np.ndarray) -> np.ndarray:
    """The 32-bit hash of packed shingles (deterministic in every process)."""
    return (_mix64(packed + _GOLDEN) >> np.uint64(32)).astype(np.uint32)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of one text's shingles."""
    return np.unique(_hash32(packed_shingles([text])[0]))


def _prehashed(value):
    """datasketch hash function for values that are already 32-bit hashes."""
    return value


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_prehashed)
assert _TEMPLATE.scheme == "affine32"  # what signatures() computes
_PERM_A, _PERM_B = (np.asarray(p, dtype=np.uint32) for p in _TEMPLATE.permutations)
_FMIX = (np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values) of a text, by datasketch; None for a
    text with nothing to compare (no letters or digits at all)."""
    hashes = shingle_hashes(text)
    if not len(hashes):
        return None
    sketch = _TEMPLATE.copy()
    sketch.update_batch(hashes.tolist())  # uint32 values in, _prehashed passes them on
    return sketch.hashvalues


def signatures(texts: Sequence[str], *, normalised: bool = False) -> list[np.ndarray | None]:
    """signature() of each text, for many texts in a few numpy passes: datasketch's
    affine32 update_batch (MurmurHash3's fmix32, then a·h + b mod 2^32 per permutation,
    then the minimum) with its permutations; tests hold it equal to signature().
    `normalised`: the texts went through nfkc() already."""
    packed, doc = packed_shingles(texts, normalised=normalised)
    h = _hash32(packed)
    h ^= h >> np.uint32(16)
    h *= _FMIX[0]
    h ^= h >> np.uint32(13)
    h *= _FMIX[1]
    h ^= h >> np.uint32(16)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    out: list[np.ndarray | None] = [None] * len(texts)
    present = np.flatnonzero(np.diff(bounds))  # texts with at least one shingle
    # A block of texts at a time: its (NUM_PERM × shingles) products stay a few MB, and
    # minimum.reduceat takes each text's minima along contiguous rows in one call (a call
    # per text cost more than the arithmetic).
    for start in range(0, len(present), _SIGNATURE_BLOCK):
        block = present[start : start + _SIGNATURE_BLOCK]
        lo, hi = bounds[block[0]], bounds[block[-1] + 1]
        products = _PERM_A[:, None] * h[None, lo:hi] + _PERM_B[:, None]
        minima = np.minimum.reduceat(products, bounds[block] - lo, axis=1).T.copy()
        for i, row in zip(block.tolist(), minima, strict=True):
            out[i] = row
    return out


_SIGNATURE_BLOCK = 256  # texts per block: about 15,000 shingles, 8 MB of products


def encode(sig: np.ndarray) -> bytes:
    """A signature as stored (NUM_PERM little-endian uint32)."""
    return np.asarray(sig, dtype="<u4").tobytes()


def decode(data) -> np.ndarray | None:
    """A stored signature, or None when missing or made with other parameters."""
    if data is None:
        return None
    raw = bytes(data)
    if len(raw) != NUM_PERM * 4:
        return None
    return np.frombuffer(raw, dtype="<u4")


def prefecture_path(region_path: str) -> str:
    """The path of the prefecture a region path lies in (the province's for itself)."""
    return region_path[:PREFECTURE_PATH_LEN]


def area_code(region_path: str) -> int:
    """A fixed 64-bit number for the prefecture of a region path (band keys mix it in)."""
    digest = hashlib.blake2b(prefecture_path(region_path).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def band_keys(sigs: np.ndarray, areas) -> np.ndarray:
    """The BANDS keys of each signature (rows of `sigs`) in its prefecture (`areas`: one
    area_code, or one per row): 63-bit non-negative integers mixing the prefecture, the
    band number, INDEX_VERSION and the band's ROWS values."""
    sigs = np.asarray(sigs, dtype=np.uint64)[:, : BANDS * ROWS].reshape(-1, BANDS, ROWS)
    areas = np.asarray(areas, dtype=np.uint64).reshape(-1, 1)
    bands = np.arange(BANDS, dtype=np.uint64) + np.uint64(INDEX_VERSION << 32)
    h = _mix64(bands * _GOLDEN)[None, :] ^ _mix64(areas + _GOLDEN)
    h = np.broadcast_to(h, sigs.shape[:2])
    for r in range(ROWS):
        h = _mix64((h ^ sigs[:, :, r]) + _GOLDEN)
    return (h >> np.uint64(1)).astype(np.int64)


def similarity(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of `sig` with each row of `others`."""
    if len(others) == 0:
        return np.empty(0)
    return (others == sig).mean(axis=1)


# --- the place a complaint names ---------------------------------------------------------

_CJK = "\u4e00-\u9fff"
# Enterprise and site suffixes → the form keys use, so that 砂石厂/砂石场 or 有限公司/公司
# name the same place. Longest first in the pattern.
_SITE_SUFFIXES = {
    "股份有限公司": "公司",
    "有限责任公司": "公司",
    "有限公司": "公司",
    "集团公司": "公司",
    "分公司": "分公司",
    "公司": "公司",
    "养殖小区": "养殖场",
    "养殖场": "养殖场",
    "养猪场": "养猪场",
    "猪场": "养猪场",
    "养鸡场": "养鸡场",
    "鸡场": "养鸡场",
    "养牛场": "养牛场",
    "牛场": "养牛场",
    "养羊场": "养羊场",
    "养鸭场": "养鸭场",
    "屠宰场": "屠宰场",
    "砂石场": "砂石场",
    "砂石厂": "砂石场",
    "沙石场": "砂石场",
    "沙石厂": "砂石场",
    "采石场": "采石场",
    "碎石场": "采石场",
    "石场": "采石场",
    "石厂": "采石场",
    "洗砂场": "砂场",
    "砂场": "砂场",
    "沙场": "砂场",
    "垃圾填埋场": "垃圾填埋场",
    "垃圾场": "垃圾填埋场",
    "填埋场": "填埋场",
    "渣场": "渣场",
    "渣库": "渣场",
    "堆场": "堆场",
    "灰场": "灰场",
    "洗车场": "洗车场",
    "污水处理厂": "污水处理厂",
    "污水厂": "污水处理厂",
    "砖厂": "砖厂",
    "酒厂": "酒厂",
    "厂": "厂",
    "煤矿": "煤矿",
    "矿": "矿",
    "搅拌站": "搅拌站",
    "加油站": "加油站",
    "中转站": "中转站",
    "转运站": "转运站",
    "水电站": "水电站",
    "电站": "电站",
    "酒店": "酒店",
    "宾馆": "宾馆",
    "饭店": "饭店",
    "餐馆": "餐馆",
    "餐厅": "餐厅",
    "农家乐": "农家乐",
    "酒吧": "酒吧",
    "会所": "会所",
    "火锅店": "火锅店",
    "烧烤店": "烧烤店",
    "店": "店",
    "合作社": "合作社",
    "作坊": "作坊",
    "医院": "医院",
    "工地": "工地",
}
# Where a one-character suffix is the start of another word (厂区, 矿山, 店铺 …).
_NOT_AFTER = {"厂": "区房家长里内外界址门", "矿": "山区井渣石业产洞坑主工", "店": "铺面主家员"}
# Generic sites that a place name identifies: a town has one sewage plant or landfill, a
# village one or two farms or quarries but any number of shops and workshops.
_ONE_PER_TOWN = frozenset({"污水处理厂", "垃圾填埋场", "填埋场", "中转站", "转运站", "水电站"})
_MANY_PER_VILLAGE = frozenset({"公司", "分公司", "厂", "店", "矿", "作坊", "工地"})
_SITE = re.compile("|".join(sorted(map(re.escape, _SITE_SUFFIXES), key=len, reverse=True)))
_NUMERAL = r"\d{1,4}|[〇零一二三四五六七八九十]{1,3}"
_STREET_NO = re.compile(rf"(?:大道|大街|路|街|巷)(?P<no>{_NUMERAL})号")
_ESTATE = re.compile(r"小区")
_VILLAGE_GROUP = re.compile(rf"村第?(?P<group>{_NUMERAL})(?:村民)?组")
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9]")
# Words after which a name starts (names do not contain them): reporting verbs,
# prepositions, quantifiers and the verbs of the complaint itself.
_STOPS = sorted(
    [
        "反映",
        "举报",
        "投诉",
        "称",
        "位于",
        "地处",
        "坐落于",
        "坐落在",
        "紧邻",
        "毗邻",
        "靠近",
        "附近的",
        "附近",
        "旁边的",
        "旁边",
        "旁的",
        "旁",
        "楼下",
        "楼上",
        "门口",
        "隔壁",
        "周边的",
        "周边",
        "周围的",
        "周围",
        "对面的",
        "对面",
        "境内的",
        "境内",
        "辖区内的",
        "辖区内",
        "辖区",
        "内的",
        "的",
        "在",
        "与",
        "及",
        "对",
        "将",
        "被",
        "是",
        "有一家",
        "有一个",
        "有个",
        "有家",
        "一家",
        "一个",
        "一处",
        "该",
        "其",
        "这家",
        "那家",
        "这个",
        "这些",
        "多家",
        "几家",
        "排入",
        "流入",
        "进入",
        "排放",
        "偷排",
        "直排",
        "倾倒",
        "堆放",
        "污染",
        "影响",
        "来自",
        "属于",
        "经营",
        "运营",
        "建设",
        "开办",
        "开设",
        "修建",
        "导致",
        "造成",
        "发现",
        "以及",
        "还有",
        "存在",
        "其中",
        "包括",
    ],
    key=len,
    reverse=True,
)
_STOP_RE = re.compile("|".join(_STOPS))
# Places a site name may start with (鸭溪镇…, 金钟村…, 中华路12号…, 3组…); a stem of at
# least two characters, so that 城市, 县城 or 市场 are no units.
_UNIT = re.compile(
    rf"^(?:[{_CJK}]{{2,7}}?(?:街道|社区|镇|乡|村|工业园区|产业园区|园区|开发区|景区|片区)"
    rf"|[{_CJK}0-9]{{1,8}}?(?:大道|大街|路|街|巷)(?:(?:{_NUMERAL})号)?"
    rf"|(?:{_NUMERAL})组)(?!场|民|委|里|道|政|长|级)"
)
# Words that say nothing about which site it is: qualifiers and kinds of business. A name
# made only of them (某化工厂, 一家养猪场, 城市污水处理厂) is no key by itself.
_GENERIC = sorted(
    [
        "某某",
        "某",
        "一家",
        "一个",
        "该",
        "这家",
        "那家",
        "当地",
        "附近",
        "周边",
        "涉事",
        "上述",
        "小型",
        "大型",
        "私人",
        "个体",
        "个人",
        "非法",
        "无证",
        "黑",
        "地下",
        "原",
        "老",
        "新",
        "城市",
        "城镇",
        "生活",
        "工业",
        "化工",
        "磷化工",
        "水泥",
        "砖",
        "石材",
        "钢铁",
        "造纸",
        "纸",
        "纸业",
        "制药",
        "酒",
        "白酒",
        "酿酒",
        "酒业",
        "养猪",
        "养鸡",
        "养殖",
        "生猪",
        "洗煤",
        "选煤",
        "煤",
        "磷",
        "磷肥",
        "锰",
        "电解锰",
        "铝",
        "冶炼",
        "铁合金",
        "火电",
        "电",
        "砂石",
        "采石",
        "碎石",
        "石料",
        "混凝土",
        "沥青",
        "搅拌",
        "污水处理",
        "污水",
        "垃圾",
        "屠宰",
        "食品",
        "饲料",
        "木材",
        "竹木",
        "家具",
        "塑料",
        "橡胶",
        "建材",
        "机械",
        "汽修",
        "修理",
        "印刷",
        "纺织",
        "皮革",
        "电镀",
        "烧烤",
        "火锅",
        "茶",
        "茶叶",
        "茶业",
        "汞",
        "硫磺",
        "化肥",
        "农药",
        "加工",
        "废品",
        "废旧",
        "回收",
        "作坊",
        "小",
        "土",
        "砂",
        "沙",
        "石",
        "铁",
        "钢",
        "建筑",
        "施工",
        "商业",
        "餐饮",
        "娱乐",
        "别墅",
        "一",
    ],
    key=len,
    reverse=True,
)
_GENERIC_RE = re.compile("|".join(_GENERIC))
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def _number(text: str) -> str:
    """Arabic form of a small number (三 → 3, 十二 → 12, 二十 → 20; digits unchanged)."""
    if text.isdigit():
        return str(int(text))
    if "十" in text:
        tens, _, units = text.partition("十")
        return str(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0))
    return "".join(str(_CN_DIGITS.get(c, c)) for c in text)


def _name_before(text: str, end: int, limit: int, regions: NameIndex) -> str:
    """The run of name characters that ends at `end` (at most `limit` of them), after the
    last stop word or region name in it."""
    start = end
    while start > 0 and end - start < limit and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    run = text[start:end]
    cut = 0
    for m in _STOP_RE.finditer(run):
        cut = max(cut, m.end())
    for _start, stop, _entry in regions.scan(run):
        cut = max(cut, stop)
    return run[cut:]


def _units(name: str) -> tuple[list[str], str]:
    """The place units `name` starts with, and what follows them."""
    units = []
    while (m := _UNIT.match(name)) and m.end() <= len(name):
        units.append(m.group(0))
        name = name[m.end() :]
        if not name:
            break
    return units, name


def _is_generic(core: str) -> bool:
    return "某" in core or len(_GENERIC_RE.sub("", core)) < 2


def _sites(text: str, regions: NameIndex) -> Iterable[tuple[str, str]]:
    """(distinctive key, qualified key) of each enterprise or site named: 恒达化工公司 /
    '' for a named one, '' / 青岩镇垃圾填埋场 for a generic one after a place."""
    for m in _SITE.finditer(text):
        suffix = m.group(0)
        if text[m.end() : m.end() + 1] in _NOT_AFTER.get(suffix, ""):
            continue
        units, core = _units(_name_before(text, m.start(), 24, regions))
        canonical = _SITE_SUFFIXES[suffix]
        if core and not _is_generic(core):
            yield core + canonical, ""
            continue
        places = [u for u in units if not re.fullmatch(rf"(?:{_NUMERAL})组", u)]
        if not places:
            continue
        place = places[-1]
        if canonical in _ONE_PER_TOWN or (
            place.endswith("村") and canonical not in _MANY_PER_VILLAGE
        ):
            yield "", place + canonical


def _address(name: str, tail: str) -> str:
    """`name` (without the places it starts with) + `tail`, or '' when too short."""
    units, rest = _units(name)
    if not rest and units:
        rest = units[-1]
    return rest + tail if len(rest) >= 2 else ""


_PLACE_NOISE = re.compile(r"[\s()（）【】\[\]“”\"'‘’《》]")


def place_key(text: str, *, regions: NameIndex | None = None, normalised: bool = False) -> str:
    """The enterprise or address `text` names, normalised ('' when none), most stable
    first: an enterprise (恒达化工公司), a street number (中华北路128号), a residential
    estate (锦绣华府小区), a village group (金钟村3组), a generic site after the place it
    is in (青岩镇垃圾填埋场)."""
    regions = regions or name_index()
    t = _PLACE_NOISE.sub("", text if normalised else nfkc(text))
    sites = list(_sites(t, regions))
    for key, _qualified in sites:
        if key:
            return key[:100]
    for m in _STREET_NO.finditer(t):
        key = _address(_name_before(t, m.start("no"), 12, regions), f"{_number(m['no'])}号")
        if key:
            return key[:100]
    for m in _ESTATE.finditer(t):
        name = _name_before(t, m.start(), 16, regions)
        if not _is_generic(name):
            key = _address(name, "小区")
            if key:
                return key[:100]
    for m in _VILLAGE_GROUP.finditer(t):
        rest = _units(_name_before(t, m.start(), 12, regions))[1]
        if len(rest) >= 2:
            return f"{rest[-4:]}村{_number(m['group'])}组"
    for _distinctive, key in sites:
        if key:
            return key[:100]
    return ""


# --- the index ---------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class IndexEntries:
    """What the index stores for a list of texts, computed before the complaints are
    written (an intake inserts them with their signature and place key, then their bands):
    per text its signature bytes (None: nothing to compare) and place key, and the band
    keys of the texts that have a signature, BANDS per text in their order."""

    signatures: list[bytes | None]
    places: list[str]
    keys: np.ndarray  # (texts with a signature) × BANDS, int64

    def band_rows(self, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(owners, keys) of the band rows of the complaints `ids` (one per text), in key
        order: the key index is then written page after page rather than at random."""
        owners = np.array(
            [pk for pk, sig in zip(ids, self.signatures, strict=True) if sig is not None],
            dtype=np.int64,
        )
        owners = np.repeat(owners, BANDS)
        keys = self.keys.ravel()
        order = np.argsort(keys, kind="stable")
        return owners[order], keys[order]


def index_entries(
    texts: Sequence[str], region_paths: Sequence[str], *, regions: NameIndex | None = None
) -> IndexEntries:
    """Signatures, place keys and band keys of `texts` in the regions at `region_paths`."""
    regions = regions or name_index()
    normal = [nfkc(t) for t in texts]  # both signals start from the NFKC form
    sigs = signatures(normal, normalised=True)
    places = [place_key(t, regions=regions, normalised=True) for t in normal]
    areas: dict[str, int] = {}
    present = []
    for sig, path in zip(sigs, region_paths, strict=True):
        if sig is not None:
            prefecture = prefecture_path(path)
            if prefecture not in areas:
                areas[prefecture] = area_code(path)
            present.append((sig, areas[prefecture]))
    keys = (
        band_keys(np.stack([s for s, _ in present]), [a for _, a in present])
        if present
        else np.empty((0, BANDS), dtype=np.int64)
    )
    return IndexEntries([None if s is None else encode(s) for s in sigs], places, keys)


def insert_bands(ids: Sequence[int], entries: IndexEntries) -> None:
    """Write the band rows of new complaints `ids` (inserted with entries' signatures and
    place keys: nothing to replace); runs in the caller's transaction.

    Written per call (an import's chunk), each call's rows in key order: on SQLite that
    measured faster than one key-ordered insert of a whole 100,000-row file (4.9 s against
    7.5 s of CPU for 1.6 million rows), whose complaint-id index is then written at random."""
    owners, keys = entries.band_rows(ids)
    write_bands(owners, keys)


def write_bands(owners: np.ndarray, keys: np.ndarray) -> None:
    """INSERT band rows (owner complaint, key), best in key order."""
    if not len(keys):
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _insert_bands_postgresql(cur, owners, keys)
        else:
            _insert_bands_sqlite(cur, owners, keys)


def index_complaints(complaints: list[Complaint]) -> None:
    """Compute and store the signature, place key and LSH bands of saved complaints
    (replacing earlier ones); runs in the caller's transaction."""
    complaints = [c for c in complaints if c.pk is not None]
    if not complaints:
        return
    # Bands exist only beside a signature: complaints never indexed need no DELETE (unless
    # their signature was not loaded).
    stale = [c.pk for c in complaints if c.__dict__.get("signature", b"") is not None]
    regions = name_index()
    entries = index_entries(
        [c.content for c in complaints], _region_paths(complaints, regions), regions=regions
    )
    for c, sig, place in zip(complaints, entries.signatures, entries.places, strict=True):
        c.signature, c.place_key = sig, place
    owners, keys = entries.band_rows([c.pk for c in complaints])
    # Plain SQL: the ORM's bulk_update/bulk_create spend far longer building the
    # statements than the database spends running them.
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        write = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
        write(cur, complaints, stale, owners, keys)


def _region_paths(complaints: list[Complaint], regions: NameIndex) -> list[str]:
    """The path of each complaint's region (read in one query where not at hand)."""
    region_ids = {c.pk: c.__dict__.get("region_id") for c in complaints}
    missing = [pk for pk, region_id in region_ids.items() if region_id is None]
    for ids in _chunks(missing, 1000):
        region_ids.update(Complaint.objects.filter(pk__in=ids).values_list("pk", "region_id"))
    paths = dict(regions.paths)
    unknown = set(region_ids.values()) - paths.keys()
    if unknown:  # a region outside the region kinds (none in practice)
        paths.update(Org.objects.filter(pk__in=unknown).values_list("pk", "path"))
    return [paths[region_ids[c.pk]] for c in complaints]


_COMPLAINT_T = Complaint._meta.db_table
_BAND_T = ComplaintBand._meta.db_table


def _write_postgresql(cur, complaints, stale, owners, keys) -> None:
    cur.execute(
        f'UPDATE "{_COMPLAINT_T}" AS c SET signature = v.sig, place_key = v.place '  # noqa: S608
        "FROM unnest(%s::bigint[], %s::bytea[], %s::text[]) AS v(id, sig, place) "
        "WHERE c.id = v.id",
        [
            [c.pk for c in complaints],
            [c.signature for c in complaints],
            [c.place_key for c in complaints],
        ],
    )
    if stale:
        sql = f'DELETE FROM "{_BAND_T}" WHERE complaint_id = ANY(%s::bigint[])'  # noqa: S608
        cur.execute(sql, [stale])
    _insert_bands_postgresql(cur, owners, keys)


def _insert_bands_postgresql(cur, owners: np.ndarray, keys: np.ndarray) -> None:
    # COPY in PostgreSQL's binary format, built by numpy: 1.6 million rows of two int8
    # columns are a few array operations, with no Python object per row.
    rows = np.empty(
        len(keys), dtype=[("n", ">i2"), ("l1", ">i4"), ("v1", ">i8"), ("l2", ">i4"), ("v2", ">i8")]
    )
    rows["n"], rows["l1"], rows["l2"] = 2, 8, 8
    rows["v1"], rows["v2"] = owners, keys
    sql = f'COPY "{_BAND_T}" (complaint_id, "key") FROM STDIN (FORMAT BINARY)'
    with cur.cursor.copy(sql) as copy:
        copy.write(_PGCOPY_HEADER + rows.tobytes() + _PGCOPY_TRAILER)


# PostgreSQL's binary COPY: signature, flags, header extension length; -1 fields at the end.
_PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_PGCOPY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def _write_sqlite(cur, complaints, stale, owners, keys) -> None:
    cur.executemany(
        f'UPDATE "{_COMPLAINT_T}" SET signature = %s, place_key = %s WHERE id = %s',  # noqa: S608
        [(c.signature, c.place_key, c.pk) for c in complaints],
    )
    for chunk in _chunks(stale, 500):
        marks = ", ".join(["%s"] * len(chunk))
        sql = f'DELETE FROM "{_BAND_T}" WHERE complaint_id IN ({marks})'  # noqa: S608
        cur.execute(sql, list(chunk))
    _insert_bands_sqlite(cur, owners, keys)


def _insert_bands_sqlite(cur, owners: np.ndarray, keys: np.ndarray) -> None:
    # A large batch writes all over the key index: a 64 MB page cache for the while
    # (SQLite's default is 2 MB) makes it 40 % faster.
    cur.execute("PRAGMA cache_size")
    cache_size = int(cur.fetchone()[0])
    if len(keys) > 50_000 and cache_size > -65536:
        cur.execute("PRAGMA cache_size = -65536")
    try:
        cur.executemany(
            f'INSERT INTO "{_BAND_T}" (complaint_id, "key") VALUES (%s, %s)',  # noqa: S608
            zip(owners.tolist(), keys.tolist(), strict=True),
        )
    finally:
        cur.execute(f"PRAGMA cache_size = {cache_size}")


# --- lookups -----------------------------------------------------------------------------


@dataclass
class Candidate:
    """A complaint that the one looked up likely repeats: the original of its group (the
    complaint repeats are linked to), how similar, and why (translated, short)."""

    complaint: Complaint
    similarity: float  # estimated Jaccard similarity of the texts, 0–1
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Hit:
    pk: int
    root: int
    similarity: float
    same_place: bool
    region_id: int
    acceptance_no: str


# What a lookup reads of each complaint found.
_FOUND = "c.id, c.repeat_of_id, c.signature, c.region_id, c.acceptance_no"


def _hits(
    sig: np.ndarray | None, place: str, region: Org, exclude: set[int], regions: NameIndex
) -> list[_Hit]:
    """Complaints in `region`'s prefecture sharing a band with `sig` at ≥ THRESHOLD, or
    naming `place`: one indexed query for each signal."""
    area = regions.regions_under(prefecture_path(region.path))
    if not area:
        return []
    # "+c.region_id" keeps SQLite (no statistics unless ANALYZE ran) from reading the
    # prefecture's complaints through their region index instead of the few rows found.
    in_area = f"+c.region_id IN ({', '.join(['%s'] * len(area))})"
    rows: dict[int, tuple] = {}
    place_ids: set[int] = set()
    with connection.cursor() as cur:
        if sig is not None:
            keys = band_keys(sig[None, :], area_code(region.path))[0].tolist()
            cur.execute(
                f'SELECT {_FOUND}, COUNT(*) AS n FROM "{_BAND_T}" b '  # noqa: S608
                f'JOIN "{_COMPLAINT_T}" c ON c.id = b.complaint_id '
                f'WHERE b."key" IN ({", ".join(["%s"] * len(keys))}) AND {in_area} '
                "GROUP BY c.id ORDER BY n DESC LIMIT %s",
                [*keys, *area, MAX_BAND_HITS],
            )
            rows.update((r[0], r[:5]) for r in cur.fetchall())
        if place:
            cur.execute(
                f'SELECT {_FOUND} FROM "{_COMPLAINT_T}" c '  # noqa: S608
                f"WHERE c.place_key = %s AND {in_area} LIMIT %s",
                [place, *area, MAX_PLACE_HITS],
            )
            for r in cur.fetchall():
                rows[r[0]] = r
                place_ids.add(r[0])
    found = [r for pk, r in rows.items() if pk not in exclude]
    sims = np.zeros(len(found))
    if sig is not None and found:
        stored = [decode(r[2]) for r in found]
        have = [i for i, s in enumerate(stored) if s is not None]
        if have:
            sims[have] = similarity(sig, np.stack([stored[i] for i in have]))
    hits = []
    for (pk, repeat_of, _sig, region_id, no), sim in zip(found, sims, strict=True):
        same_place = pk in place_ids
        if sim >= THRESHOLD or same_place:
            hits.append(_Hit(pk, repeat_of or pk, float(sim), same_place, region_id, no))
    return hits


def _candidates(
    hits: list[_Hit], *, place: str, region: Org, exclude_roots: set[int], limit: int
) -> list[Candidate]:
    """Hits grouped by the original they repeat, best first."""
    groups: dict[int, list[_Hit]] = {}
    for h in hits:
        if h.root not in exclude_roots:
            groups.setdefault(h.root, []).append(h)
    originals = Complaint.objects.select_related("region", "batch").in_bulk(list(groups))
    ranked = []
    for root, members in groups.items():
        original = originals.get(root)
        if original is None:
            continue
        best = max(members, key=lambda h: h.similarity)
        reasons = []
        if best.similarity >= THRESHOLD:
            reasons.append(_("Similar text %(pct)d%%") % {"pct": round(best.similarity * 100)})
        if any(h.same_place for h in members):
            reasons.append(_("Same enterprise/address: %(place)s") % {"place": place})
        if region.kind == OrgKind.COUNTY and any(h.region_id == region.pk for h in members):
            reasons.append(_("Same county"))
        if best.pk != root:
            reasons.append(_("Through its repeat %(no)s") % {"no": best.acceptance_no})
        ranked.append(Candidate(original, best.similarity, reasons))
    ranked.sort(key=lambda c: (-c.similarity, c.complaint.received_on, c.complaint.pk))
    return ranked[:limit]


def candidates(complaint: Complaint, *, limit: int = 10) -> list[Candidate]:
    """The likely originals of a stored complaint: not itself, not complaints already
    linked with it, not pairs the office said are no repeat."""
    regions = name_index()
    sig = decode(complaint.signature)
    place = complaint.place_key
    if sig is None and complaint.signature is None:  # not indexed (yet)
        sig, place = signature(complaint.content), place_key(complaint.content, regions=regions)
    root = complaint.repeat_of_id or complaint.pk
    rejected = RepeatRejection.objects.filter(
        Q(complaint_id=complaint.pk) | Q(other_id=complaint.pk)
    ).values_list("complaint_id", "other_id")
    exclude = {complaint.pk, *(a if b == complaint.pk else b for a, b in rejected)}
    hits = _hits(sig, place, complaint.region, exclude, regions)
    return _candidates(
        hits,
        place=place,
        region=complaint.region,
        exclude_roots={root, *exclude},
        limit=limit,
    )


def candidates_for_text(
    text: str, region: Org, *, limit: int = 10, exclude_ids: Iterable[int] = ()
) -> list[Candidate]:
    """The likely originals of a complaint being entered (not yet saved) in `region`."""
    exclude = set(exclude_ids)
    regions = name_index()
    place = place_key(text, regions=regions)
    hits = _hits(signature(text), place, region, exclude, regions)
    return _candidates(hits, place=place, region=region, exclude_roots=exclude, limit=limit)
