"""Suggesting the region of a complaint from its text (the office confirms it)."""

import pytest

from rectify.complaints.routing import suggest_region
from rectify.orgs.models import Org, OrgKind
from rectify.orgs.reference import do_load_reference

pytestmark = pytest.mark.django_db


def code(text: str, **kwargs) -> str | None:
    org = suggest_region(text, **kwargs)
    return org.code if org else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("遵义市播州区鸭溪镇金钟村3组养殖场粪污直排", "520304"),
        ("举报播州鸭溪镇一砂石场粉尘大", "520304"),  # without its suffix
        ("仁怀市茅台镇醇香酒业偷排废水", "520382"),  # a county-level city
        ("威宁县草海保护区内违规建设", "520526"),  # short form of 威宁彝族回族苗族自治县
        ("黔东南苗族侗族自治州凯里市开怀街道污水处理厂超标", "522601"),
        ("遵义县鸭溪镇某化工厂", "520304"),  # the former name of 播州区
        ("赤水市某纸业公司废水排入赤水河", "520381"),
        ("六盘水城区某工地夜间施工", "520200"),  # 六盘水 + 城区, not 水城
        ("遵义市仁怀市茅台镇贵阳某酒业公司", "520382"),  # 贵阳 only names the firm
    ],
)
def test_the_county_named_is_suggested(orgs, text, expected):
    assert code(text) == expected
    assert Org.objects.get(code=expected).kind in (OrgKind.COUNTY, OrgKind.PREFECTURE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("遵义市某工业园区企业夜间排放废气", "520300"),
        ("黔东南州某县城污水直排", "522600"),
        ("黔西南布依族苗族自治州某煤矿矸石乱堆", "522300"),
        ("贵安新区某工地扬尘", "529900"),
        ("毕节某地采石场放炮", "520500"),
        ("遵义市观山湖区某小区", "520300"),  # 观山湖区 is in 贵阳: only the prefecture agrees
    ],
)
def test_the_prefecture_is_suggested_when_no_county_is_named(orgs, text, expected):
    assert code(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "某化工厂夜间偷排废水，臭味扰民",
        "沿河两岸群众反映河水发臭，还我蓝天白云",  # 沿河, 白云: words, not 沿河县/白云区
        "赤水河水质变差，南明河发黑",  # rivers named after regions
        "",
    ],
)
def test_nothing_is_suggested_when_no_region_is_named(orgs, text):
    assert suggest_region(text) is None


def test_a_county_name_two_prefectures_share_needs_the_prefecture(orgs):
    assert code("白云区某小区餐馆油烟扰民") == "520113"
    do_load_reference("440000", actor="tests")  # Guangdong: 广州市白云区 too
    assert suggest_region("白云区某小区餐馆油烟扰民") is None
    assert code("贵阳市白云区某小区餐馆油烟扰民") == "520113"
    assert code("广州市白云区某小区餐馆油烟扰民") == "440111"
    assert code("白云区某小区餐馆油烟扰民", within=Org.objects.get(code="520000")) == "520113"


def test_the_names_follow_changes_to_the_org_tree(orgs):
    assert code("新蒲新区某工地扬尘") is None
    Org.objects.create(
        code="520399",
        name="新蒲新区",
        short_name="新蒲新区",
        kind=OrgKind.COUNTY,
        parent=Org.objects.get(code="520300"),
    )
    assert code("新蒲新区某工地扬尘") == "520399"
    assert code("新蒲某工地扬尘") == "520399"
    bozhou = Org.objects.get(code="520304")
    bozhou.is_active = False
    bozhou.save()
    assert code("遵义市播州区鸭溪镇") == "520300"


def test_within_limits_the_suggestion_to_a_subtree(orgs):
    zunyi = Org.objects.get(code="520300")
    assert code("仁怀市茅台镇", within=zunyi) == "520382"
    assert suggest_region("贵阳市云岩区中华北路", within=zunyi) is None
