"""Redaction of the public table's texts (whistle-blower protection, privacy of private
persons): phone and ID-card numbers, e-mail addresses, house and door numbers, and private
persons' names and homes. Each rule carries an example the tests check."""

import re
from collections.abc import Callable
from dataclasses import dataclass

# The most common surnames (and those of Guizhou's Miao, Buyi and Dong families); a private
# person's name is recognised as one of these plus one or two characters in a context that
# announces a person (村民…, …家).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔汤蒙岑班"
)
# Roles that announce a private person (or an official) by name.
PERSON_ROLES = (
    "法定代表人|法人代表|承包人|承包户|养殖户|个体户|经营户|负责人|经营者|举报人|投诉人|"
    "信访人|来信人|来电人|反映人|联系人|当事人|工作人员|网格员|村民|居民|群众|农户|住户|业主|户主|老板|"
    "副镇长|副乡长|副局长|村支书|村主任|镇长|乡长|支书|主任|书记|局长|所长|站长|队长|组长|"
    "科长|股长|干部|法人"
)
HAN = r"[\u4e00-\u9fff]"
# Where a name ends: punctuation, the end, or a word that follows a name in these texts.
NAME_END = (
    r"(?=$|[^\u4e00-\u9fff]|反映|投诉|举报|家|等|的|在|和|与|及|向|对|于|将|把|被|为|是|已|未|"
    r"也|都|所|因|从|自|之|以|称|说|私|擅|违|非|长期|经营|承包|养殖|开办|多次|夫妇|一家|户|"
    r"进行|予以|给予|作出|同志|诫勉|党内|政务|行政)"
)
# Second characters that make "surname + character" a word, not a name (村民田地, 居民林地).
NOT_GIVEN_NAME = "地里间边中头区场业园坝坎土木房屋"
NUM = "0-9一二三四五六七八九十百零〇"


@dataclass(frozen=True)
class Rule:
    """One redaction: what it removes, its pattern and replacement, and an example (input,
    expected output) that the tests check."""

    name: str
    pattern: re.Pattern
    replacement: str | Callable[[re.Match], str]
    example: tuple[str, str]

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def _person(m: re.Match) -> str:
    return f"{m['role']}{m['surname']}某"


REDACTION_RULES: list[Rule] = [
    Rule(
        "email",
        re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
        "***",
        ("邮箱zhang.san@example.com。", "邮箱***。"),
    ),
    Rule(
        "id_card",
        re.compile(
            r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
            r"\d{3}[0-9Xx](?![0-9A-Za-z])"
        ),
        "***",
        ("身份证号52010219800101123X，", "身份证号***，"),
    ),
    Rule(
        "id_card_15",
        re.compile(
            r"(?<![0-9A-Za-z])\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
        ),
        "***",
        ("老身份证520102800101123。", "老身份证***。"),
    ),
    Rule(
        "mobile",
        re.compile(r"(?<![0-9A-Za-z])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![0-9A-Za-z])"),
        "***",
        ("电话138-8501-2345，", "电话***，"),
    ),
    Rule(
        "landline",
        re.compile(
            r"(?<![0-9A-Za-z])(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-－—\s])[2-9]\d{6,7}"
            r"(?:(?:-|转)\d{1,5})?(?![0-9A-Za-z])"
        ),
        "***",
        ("座机0851-86861234转8。", "座机***。"),
    ),
    Rule(
        "labelled_number",
        re.compile(
            r"(?P<label>联系电话|联系方式|电话号码|手机号码|手机号|电话|手机|座机|微信号|微信|QQ号|QQ)"
            r"(?P<sep>[:：为是]?\s*)[0-9][0-9 \-]{4,}[0-9]"
        ),
        lambda m: f"{m['label']}{m['sep']}***",
        ("联系方式：8686123。", "联系方式：***。"),
    ),
    Rule(
        "flat",
        re.compile(
            rf"[{NUM}]+(?:栋|幢|号楼)(?:[{NUM}]+单元)?(?:[0-9]+(?:室|号|户))?|[0-9]+单元[0-9]+(?:室|号)?"
            r"|(?<![0-9])[0-9]{3,4}室"
        ),
        "",
        ("住在幸福小区3栋2单元501室，", "住在幸福小区，"),
    ),
    Rule(
        "group_house",
        re.compile(rf"(?:[{NUM}]+(?:村民)?|(?<=村)民)组[{NUM}]+号(?:附[{NUM}]+号)?"),
        "",
        ("石板村三组45号养猪，", "石板村养猪，"),
    ),
    Rule(
        "door",
        re.compile(rf"(?<=[路街巷弄道寨])[{NUM}]+(?:-[0-9]+)?号(?:附[{NUM}]+号)?(?:院)?"),
        "",
        ("中华北路123号附2号一楼，", "中华北路一楼，"),
    ),
    Rule(
        "door_label",
        re.compile(r"门牌号?[:：]?\s*[0-9A-Za-z\-]+号?"),
        "",
        ("门牌号：A-12，", "，"),
    ),
    Rule(
        "home",
        re.compile(
            rf"(?<![^\s，。、；：,.;:（(村组寨屯民户报映称邻])[{SURNAMES}](?:某某|某|"
            rf"(?![{NOT_GIVEN_NAME}]){HAN}{{1,2}}?)家(?![乐具电属族庭禽畜园用长务人])"
        ),
        "某户",
        ("村民张三家的猪圈污水横流，", "村民某户的猪圈污水横流，"),
    ),
    Rule(
        "person",
        re.compile(
            rf"(?P<role>{PERSON_ROLES})(?P<surname>[{SURNAMES}])(?:某某|某|"
            rf"(?![{NOT_GIVEN_NAME}]){HAN}{{1,2}}?){NAME_END}"
        ),
        _person,
        ("养殖户李建华擅自扩大规模，", "养殖户李某擅自扩大规模，"),
    ),
    Rule(
        "sanctioned",
        re.compile(
            rf"(?P<role>对|给予)(?P<surname>[{SURNAMES}])(?:某某|某|"
            rf"(?![{NOT_GIVEN_NAME}]){HAN}{{1,2}}?)(?=进行|予以|给予|作出|诫勉|党内|政务|同志|等人)"
        ),
        _person,
        ("给予李建国党内警告处分。", "给予李某党内警告处分。"),
    ),
]


def redact(text: str) -> str:
    """`text` fit for the public: REDACTION_RULES applied in order."""
    for rule in REDACTION_RULES:
        text = rule.apply(text)
    return text
