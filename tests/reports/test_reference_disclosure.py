"""After `rectify demo`, the disclosure of the 2018 look-back as of 2020-08-31 has exactly
the reference article's figures (guizhou-2020-disclosure.txt) and states them in the
article's sentences; as of 2019-12-31 smaller, consistent figures; as of 2018-10-01 zeros
and a text that says the inspection had not begun.

The article as published online prints half-width punctuation (",", ";", "()"); the
system writes the full-width punctuation of Chinese official documents, so the article's
sentences are compared after mapping its punctuation to full width.
"""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from rectify.accounts.models import User
from rectify.problems.models import Inspection
from rectify.reports import actions
from rectify.reports.models import Disclosure
from rectify.reports.render import document_for, render
from rectify.reports.text import REFERENCE_NARRATIVES

pytestmark = pytest.mark.django_db

CODE = "central-2018-lookback"
FULL_WIDTH = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）", ":": "："})

# Sentences of the article, as printed there.
ARTICLE_TITLE = (
    "贵州省公开中央生态环境保护督察“回头看”及长江流域生态问题专项督察反馈意见整改落实情况"
)
ARTICLE_SENTENCES = [
    "截至2020年8月底,贵州省梳理形成的42项问题,30项已完成整改,12项达到时序进度要求;"
    "交办贵州省的2688件群众举报问题已全部办结。",
    "先后召开省委常委会会议、省政府常务会议和专题会共计24次,听取中央生态环境保护督察问题"
    "整改工作情况汇报,研究推进整改工作。",
    "截至2020年8月底,省委生态环境保护督察“回头看”反馈的184个问题,已整改完成63个,其余正在整改。",
    "向有关地方和部门致函14次、约谈3次、通报2次。",
    "对19个党组织、81名责任人员(厅级干部11人、处级干部37人、科级及以下干部33人)进行责任追究。"
    "被处理人员中,党纪政务处分48人、党纪政务处分并组织处理9人、组织处理2人、诫勉谈话17人、"
    "书面检查1人、约谈3人、批评教育1人。",
    "在贯彻落实国家生态环境保护决策部署、推进重点难点问题整改、自然保护区管理等3个方面存在的"
    "7类、42个突出问题,实行台账管理,细化清单、分类施策。其中,按问题类别梳理出思想认识类问题8个、"
    "城市基础设施类问题11个、自然保护地类问题6个、“三磷”污染类问题4个、环境生态类问题5个、"
    "畜禽养殖类问题3个、其他类问题5个。",
    "9个督战队",
]
# With the article's own words as the office's narratives, its opening reads as published.
ARTICLE_OPENING = (
    "2019年5月10日,督察组向贵州省反馈了督察意见。贵州省委、省政府高度重视,认真落实党中央、"
    "国务院要求,制定整改方案,建立措施清单,强化组织推进,全面推动反馈意见整改落实。截至2020年8月底,"
    "贵州省梳理形成的42项问题,30项已完成整改,12项达到时序进度要求;交办贵州省的2688件群众举报问题"
    "已全部办结。"
)


def report(as_of: str, fmt: str = "json", lang: str = "zh") -> str:
    out = io.StringIO()
    call_command(
        "report",
        "disclosure",
        "--inspection",
        CODE,
        "--as-of",
        as_of,
        "--format",
        fmt,
        "--lang",
        lang,
        stdout=out,
    )
    return out.getvalue()


def test_the_demo_reproduces_the_reference_disclosure(orgs):
    """One demo load (it takes a while), then every check below."""
    call_command("demo", stdout=io.StringIO())
    the_json_has_exactly_the_article_figures()
    the_text_states_them_in_the_article_sentences()
    the_article_narratives_make_the_article_opening()
    at_the_end_of_2019_the_figures_are_smaller_and_consistent()
    before_the_inspection_the_figures_are_zero_and_the_text_sensible()
    the_office_can_publish_it_and_a_recomputation_matches()


def the_json_has_exactly_the_article_figures():
    f = json.loads(report("2020-08-31"))
    p = f["problems"]
    assert (p["total"], p["completed"], p["on_schedule"]) == (42, 30, 12)
    assert (p["behind_schedule"], p["overdue"], p["not_started"]) == (0, 0, 0)
    assert p["by_category"] == {
        "思想认识类": 8,
        "城市基础设施类": 11,
        "自然保护地类": 6,
        "“三磷”污染类": 4,
        "环境生态类": 5,
        "畜禽养殖类": 3,
        "其他类": 5,
    }
    assert len(p["by_aspect"]) == 3 and sum(p["by_aspect"].values()) == 42
    q = f["complaints"]
    assert (q["assigned"], q["closed"], q["closure_rate"]) == (2688, 2688, 1.0)
    assert [(b["inspection"], b["total"], b["completed"]) for b in f["followup"]] == [
        ("provincial-2019-lookback", 184, 63)
    ]
    a = f["accountability"]
    assert (a["cases_transferred"], a["organizations"], a["persons"]) == (5, 19, 81)
    assert a["by_rank"] == {"厅级": 11, "处级": 37, "科级及以下": 33}
    sanctions = {k: v for k, v in a["by_sanction"].items() if v}
    assert sanctions == {
        "党纪政务处分": 48,
        "党纪政务处分并组织处理": 9,
        "组织处理": 2,
        "诫勉谈话": 17,
        "书面检查": 1,
        "约谈": 3,
        "批评教育": 1,
    }
    s = f["supervision"]
    assert (s["letters"], s["interviews"], s["notifications"]) == (14, 3, 2)
    assert f["meetings"] == 24 and f["battle_teams"] == 9


def the_text_states_them_in_the_article_sentences():
    text = report("2020-08-31", "text")
    assert text.splitlines()[0] == ARTICLE_TITLE
    for sentence in ARTICLE_SENTENCES:  # word for word, punctuation included
        assert sentence in text, sentence


def the_article_narratives_make_the_article_opening():
    inspection = Inspection.objects.get(code=CODE)
    document = document_for(inspection, date(2020, 8, 31), narratives=REFERENCE_NARRATIVES)
    text = render(document, "text")
    assert ARTICLE_OPENING in text
    assert "奋力推动实现百姓富、生态美的多彩贵州新未来。" in text


def at_the_end_of_2019_the_figures_are_smaller_and_consistent():
    f = json.loads(report("2019-12-31"))
    aug = json.loads(report("2020-08-31"))
    p = f["problems"]
    assert p["total"] == 42 and 0 < p["completed"] < 30
    assert (
        p["completed"] + p["on_schedule"] + p["behind_schedule"] + p["overdue"] + p["not_started"]
        == 42
    )
    assert f["followup"][0]["total"] == 184 and f["followup"][0]["completed"] < 63
    a = f["accountability"]
    assert 0 < a["persons"] < 81 and a["persons"] == sum(a["by_rank"].values())
    assert a["person_times"] == sum(a["by_sanction"].values())
    assert 0 < f["meetings"] < 24 and f["meetings"] == sum(f["meetings_by_kind"].values())
    for key in ("letters", "interviews", "notifications"):
        assert f["supervision"][key] <= aug["supervision"][key]
    assert f["complaints"]["assigned"] == 2688
    text = report("2019-12-31", "text")
    assert f"截至2019年12月底,贵州省梳理形成的42项问题,{p['completed']}项已完成整改" in text
    done = f["followup"][0]["completed"]
    if done:
        assert f"反馈的184个问题,已整改完成{done}个,其余正在整改" in text
    else:  # none yet: no "已整改完成0个"
        assert "反馈的184个问题正在整改。" in text and "已整改完成" not in text


def before_the_inspection_the_figures_are_zero_and_the_text_sensible():
    f = json.loads(report("2018-10-01"))
    assert f["problems"]["total"] == 0 and f["complaints"]["assigned"] == 0
    assert f["followup"][0]["total"] == 0 and f["accountability"]["persons"] == 0
    assert f["meetings"] == 0 and f["battle_teams"] == 0 and f["supervision"]["letters"] == 0
    text = report("2018-10-01", "text")
    assert "截至2018年10月1日,中央第五生态环境保护督察组尚未对贵州省开展" in text
    assert "反馈了督察意见" not in text and "已完成整改" not in text and "办结" not in text
    english = report("2018-10-01", "text", "en")
    assert "had not yet begun" in english


def the_office_can_publish_it_and_a_recomputation_matches():
    office = User.objects.get(username="office")
    inspection = Inspection.objects.get(code=CODE)
    d = Disclosure.objects.filter(
        inspection=inspection, as_of=date(2020, 8, 31), lang="zh", state="published"
    ).first()  # the demo may publish it already
    if d is None:
        d = actions.check_create_disclosure(
            inspection, date(2020, 8, 31), "zh", actor=office, today=timezone.localdate()
        )
        d = actions.check_update_narratives(
            d, REFERENCE_NARRATIVES, expected_version=d.version, actor=office
        )
        d = actions.check_publish_disclosure(d, expected_version=d.version, actor=office)
    assert actions.recompute_diff(d) == []
    assert d.figures["problems"]["completed"] == 30
    text = report("2020-08-31", "text")
    assert "贵州省委、省政府高度重视" in text  # now the published one, narratives and all
