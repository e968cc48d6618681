"""Redaction of the public table's texts: every rule removes what it should, and leaves
alone what is public (firms, villages, amounts, acceptance numbers, the 12369 hotline)."""

import pytest

from rectify.complaints.publication import REDACTION_RULES, redact


@pytest.mark.parametrize("rule", REDACTION_RULES, ids=lambda r: r.name)
def test_each_rule_redacts_its_example(rule):
    text, expected = rule.example
    assert rule.apply(text) == expected
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机13985012345", "手机***"),
        ("电话：+86 139 8501 2345。", "电话：***。"),
        ("请拨（0851）86861234", "请拨***"),
        ("座机0852-2811234", "座机***"),
        ("微信号：wx13985", "微信号：wx13985"),  # not a number: left for a human to judge
        ("电话8686123", "电话***"),
        ("身份证号码520102198001011234", "身份证号码***"),
        ("发邮件到li_si@163.com反映", "发邮件到***反映"),
        ("家住南明区花果园5栋3单元1203室", "家住南明区花果园"),
        ("幸福里小区12号楼", "幸福里小区"),
        ("住在1203室", "住在"),
        ("石板村五组12号附3号", "石板村"),
        ("大寨村民组8号", "大寨村"),
        ("中山西路56-2号院内", "中山西路内"),
        ("村民王小明家旁边有猪圈", "村民某户旁边有猪圈"),
        ("张某某家养猪", "某户养猪"),
        ("紧邻刘德华家的厂房", "紧邻某户的厂房"),
        ("村民张三反映", "村民张某反映"),
        ("业主李建华称", "业主李某称"),
        ("负责人吴某某擅自开工", "负责人吴某擅自开工"),
        ("给予副局长陈志强党内警告处分", "给予副局长陈某党内警告处分"),
        ("对王明进行约谈", "对王某进行约谈"),
    ],
)
def test_private_details_are_removed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "D3GZ202505280018",
        "X1GZ201811060001号件",
        "罚款20000000元",
        "拨打12369环保热线",
        "贵州鑫源砂石有限公司",
        "张家湾村石场噪声",
        "周边农家乐油烟扰民",
        "黄果树家具城",
        "厂家、商家和专家",
        "国家级自然保护区",
        "村民饮水困难",
        "村民田地被占",
        "村民小组长",
        "业主委员会",
        "群众多次反映",
        "负责人员到场",
        "2019年第5号公告",
        "住在3楼",
        "G75兰海高速1234公里处",
        "对周边企业进行排查",
    ],
)
def test_public_details_are_kept(text):
    assert redact(text) == text


def test_redaction_is_idempotent():
    text = "村民张三家门口，电话13985012345，住幸福小区3栋2单元501室，负责人李四称已整改。"
    once = redact(text)
    assert redact(once) == once
    assert "张三" not in once and "13985012345" not in once and "李四" not in once
