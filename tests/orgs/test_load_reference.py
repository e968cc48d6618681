import pytest
from django.core.management import call_command

from rectify.orgs.models import Org, OrgKind
from rectify.orgs.reference import do_load_reference, short_name

PREFECTURES = {
    "520100": "贵阳市",
    "520200": "六盘水市",
    "520300": "遵义市",
    "520400": "安顺市",
    "520500": "毕节市",
    "520600": "铜仁市",
    "522300": "黔西南州",
    "522600": "黔东南州",
    "522700": "黔南州",
}


def test_guizhou_tree_has_province_nine_prefectures_guian_and_88_counties(orgs):
    province = Org.objects.get(code="520000")
    assert province.name == "贵州省" and province.kind == OrgKind.PROVINCE
    prefectures = {o.code: o.short_name for o in Org.objects.filter(kind=OrgKind.PREFECTURE)}
    assert prefectures == PREFECTURES
    assert Org.objects.get(kind=OrgKind.NEW_AREA).name == "贵安新区"
    assert Org.objects.filter(kind=OrgKind.COUNTY).count() == 88
    assert all(c.parent.kind == OrgKind.PREFECTURE for c in Org.objects.filter(kind="county"))


def test_counties_carry_current_names_and_codes(orgs):
    assert Org.objects.get(code="520281").name == "盘州市"
    assert Org.objects.get(code="520304").parent.code == "520300"
    assert Org.objects.get(code="520304").path == "/520000/520300/520304/"


def test_provincial_departments_sit_under_the_province(orgs):
    names = set(Org.objects.filter(kind=OrgKind.DEPARTMENT).values_list("short_name", flat=True))
    assert {
        "省生态环境厅",
        "省自然资源厅",
        "省住房城乡建设厅",
        "省农业农村厅",
        "省水利厅",
        "省林业局",
    } <= names


def test_reloading_changes_nothing(orgs):
    before = list(Org.objects.values_list("code", "name", "path"))
    result = do_load_reference("520000")
    assert (result.created, result.updated) == (0, 0)
    assert list(Org.objects.values_list("code", "name", "path")) == before


def test_another_province_loads_the_same_way(orgs):
    call_command("load-reference", province="510000")
    sichuan = Org.objects.get(code="510000")
    assert sichuan.name == "四川省"
    assert Org.objects.get(code="510100").parent == sichuan
    assert Org.objects.filter(path__startswith=sichuan.path, kind="county").count() > 150


def test_unknown_province_is_refused(db):
    with pytest.raises(ValueError):
        do_load_reference("990000")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("黔西南布依族苗族自治州", "黔西南州"),
        ("黔东南苗族侗族自治州", "黔东南州"),
        ("威宁彝族回族苗族自治县", "威宁县"),
        ("三都水族自治县", "三都县"),
        ("遵义市", "遵义市"),
    ],
)
def test_short_names_follow_everyday_usage(name, short):
    assert short_name(name) == short
