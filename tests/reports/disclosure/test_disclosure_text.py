"""The disclosure's wording stays true for any figures: the article's sentences for its
figures, no zero clauses, no "全部办结"/"其余正在整改" unless so, nothing claimed before the
feedback, sections numbered without gaps, the office's text in its place, English too."""

import re
from datetime import date

import pytest

from rectify.problems.models import Inspection
from rectify.reports.text import (
    REFERENCE_NARRATIVES,
    disclosure_paragraphs,
    plain_text,
    title_for,
    zh_as_of,
)
from tests.reports.disclosure import support
from tests.reports.disclosure.figures_dicts import article, zero

pytestmark = pytest.mark.django_db

# A count of zero followed by its measure word: what must never be printed.
ZERO_CLAUSE = re.compile(r"(?<![\d.])0(项|个|件|次|人|份|部|家|类)")
ARTICLE_TITLE = (
    "贵州省公开中央生态环境保护督察“回头看”及长江流域生态问题专项督察反馈意见整改落实情况"
)


@pytest.fixture
def inspection(orgs):
    central = support.lookback()
    central.name = (
        "中央第五生态环境保护督察组对贵州省第一轮中央环境保护督察整改情况“回头看”"
        "及长江流域生态问题专项督察"
    )
    central.save()
    support.followup_inspection(central)
    return central


def text(figures, inspection, narratives=None, lang="zh") -> str:
    sections = disclosure_paragraphs(
        figures, narratives=narratives, inspection=inspection, lang=lang
    )
    return plain_text(title_for(inspection, lang), sections, lang=lang)


def keys(figures, inspection, **kw) -> list[str]:
    return [s.key for s in disclosure_paragraphs(figures, inspection=inspection, **kw)]


def test_the_title_is_built_from_the_inspection_as_the_article_has_it(inspection):
    assert title_for(inspection) == ARTICLE_TITLE
    recent = support.InspectionFactory(
        code="central-2024-round3",
        name="第三轮中央生态环境保护督察",
        kind="routine",
        team="中央第三生态环境保护督察组",
    )
    assert title_for(recent) == "贵州省公开第三轮中央生态环境保护督察反馈意见整改落实情况"
    assert title_for(inspection, "en").startswith("Guizhou Province: progress in rectifying")


def test_the_article_figures_are_stated_in_the_article_sentences(inspection):
    out = text(article(), inspection)
    for sentence in (
        "2018年11月4日至12月4日，中央第五生态环境保护督察组对贵州省开展",
        "2019年5月10日，督察组向贵州省反馈了督察意见。",
        "截至2020年8月底，贵州省梳理形成的42项问题，30项已完成整改，12项达到时序进度要求；"
        "交办贵州省的2688件群众举报问题已全部办结。",
        "先后召开省委常委会会议、省政府常务会议和专题会共计24次",
        "截至2020年8月底，省委生态环境保护督察“回头看”反馈的184个问题，已整改完成63个，"
        "其余正在整改。",
        "向有关地方和部门致函14次、约谈3次、通报2次。",
        "针对督察组移交的5个责任追究案件，及时移交督办和跟踪问责。",
        "对19个党组织、81名责任人员（厅级干部11人、处级干部37人、科级及以下干部33人）"
        "进行责任追究。",
        "被处理人员中，党纪政务处分48人、党纪政务处分并组织处理9人、组织处理2人、诫勉谈话17人、"
        "书面检查1人、约谈3人、批评教育1人。",
        "针对“回头看”反馈意见指出贵州省在贯彻落实国家生态环境保护决策部署、推进重点难点问题整改、"
        "自然保护区管理等3个方面存在的7类、42个突出问题",
        "按问题类别梳理出思想认识类问题8个、城市基础设施类问题11个、自然保护地类问题6个、"
        "“三磷”污染类问题4个、环境生态类问题5个、畜禽养殖类问题3个、其他类问题5个。",
        "省督察办派出9个督战队",
    ):
        assert sentence in out, sentence
    assert out.startswith(ARTICLE_TITLE + "\n")
    assert not ZERO_CLAUSE.search(out), ZERO_CLAUSE.search(out)
    assert "移送司法机关" not in out and "领导小组会议" not in out


def test_headings_follow_the_article_parts_numbered_without_gaps(inspection):
    sections = disclosure_paragraphs(article(), inspection=inspection)
    headings = [s.heading for s in sections if s.heading]
    assert headings == [
        "一、坚决扛起中央生态环境保护督察整改政治责任",
        "（一）加强组织领导",
        "（二）开展省级督察“回头看”",
        "（三）强化调度督办",
        "（四）严肃责任追究",
        "二、强力推进中央生态环境保护督察问题整改落实",
        "三、扎实办理群众举报问题",
        "四、统筹推进中央生态环境保护督察反馈问题整改和污染防治攻坚战",
    ]
    assert sections[0].key == "opening" and sections[0].heading is None
    assert sections[-1].key == "next_steps" and sections[-1].heading is None


def test_all_zero_figures_after_the_feedback_claim_nothing_and_print_no_zero(inspection):
    out = text(zero(), inspection)
    assert "截至2020年8月底，督察反馈意见问题尚在梳理，尚未纳入整改台账。" in out
    assert "全部办结" not in out and "其余正在整改" not in out and "已完成整改" not in out
    assert not ZERO_CLAUSE.search(out)
    # Nothing but the opening, the empty ledger and the next steps: no oversight sections.
    assert keys(zero(), inspection) == ["opening", "ledger", "next_steps"]
    assert "一、强力推进" in out and "（一）" not in out


def test_before_the_inspection_the_text_says_it_has_not_begun(inspection):
    out = text(zero("2018-10-01"), inspection)
    assert "截至2018年10月1日，中央第五生态环境保护督察组尚未对贵州省开展" in out
    assert "尚无督察反馈意见和整改任务" in out
    for claim in ("反馈了督察意见", "整改", "办结"):
        assert claim not in out.split("尚无督察反馈意见和整改任务")[1].split("下一步")[0]
    assert "已完成整改" not in out and "予以公布" not in out
    assert keys(zero("2018-10-01"), inspection) == ["opening", "next_steps"]


def test_during_the_inspection_complaints_are_counted_without_claiming_feedback(inspection):
    f = zero("2018-11-29")
    f["complaints"].update(assigned=100, closed=40, closed_stage=10, in_progress=50)
    f["complaints"]["closure_rate"] = 0.4
    out = text(f, inspection)
    assert "2018年11月4日起，中央第五生态环境保护督察组对贵州省开展" in out
    assert (
        "截至2018年11月29日，督察组正在进驻督察，尚未反馈督察意见；交办贵州省的100件群众举报问题，"
        "已办结40件、阶段性办结10件、正在办理50件。"
    ) in out
    assert "办结率40.0%" in out
    assert "全部办结" not in out and "反馈了督察意见" not in out
    assert "强力推进" not in out  # no ledger section before the feedback


def test_between_the_inspection_and_the_feedback_the_feedback_is_awaited(inspection):
    f = zero("2019-03-31")
    f["complaints"].update(assigned=5, closed=5, closure_rate=1.0)
    out = text(f, inspection)
    assert "2018年11月4日至12月4日，中央第五生态环境保护督察组对贵州省开展" in out
    assert "截至2019年3月底，督察组尚未反馈督察意见；交办贵州省的5件群众举报问题已全部办结。" in out


def test_mixed_figures_name_only_what_is_there(inspection):
    f = zero()
    f["problems"].update(
        total=10,
        completed=3,
        on_schedule=2,
        behind_schedule=2,
        overdue=1,
        not_started=2,
        by_category={"环境生态类": 10},
        by_aspect={"推进重点难点问题整改": 10},
        by_deadline_year={"2020": 10},
    )
    f["complaints"].update(assigned=20, closed=15, in_progress=5, closure_rate=0.75)
    f["complaints"]["enforcement"].update(ordered_rectify=3, fines_yuan="125000.00")
    f["followup"] = [
        {
            "inspection": "provincial-2019-lookback",
            "name": "2019年省委生态环境保护督察“回头看”",
            "total": 8,
            "completed": 0,
        }
    ]
    f["accountability"].update(
        persons=5, person_times=5, by_rank={"厅级": 0, "处级": 5, "科级及以下": 0}
    )
    f["accountability"]["by_sanction"].update(诫勉谈话=5)
    f["supervision"].update(interviews=3, secret_visits=2)
    f["meetings"] = 1
    f["meetings_by_kind"] = {"省委常委会会议": 0, "专题会": 1}
    out = text(f, inspection)
    assert (
        "贵州省梳理形成的10项问题，3项已完成整改，2项达到时序进度要求，2项未达到时序进度要求，"
        "1项逾期未完成整改，2项尚未启动整改；交办贵州省的20件群众举报问题，已办结15件、正在办理5件。"
    ) in out
    assert "反馈的8个问题正在整改。" in out and "其余正在整改" not in out
    assert "对5名责任人员（处级干部5人）进行责任追究。被处理人员中，诫勉谈话5人。" in out
    assert "党组织" not in out and "移交的" not in out
    assert "向有关地方和部门约谈3次。开展暗访暗查2次。" in out and "致函" not in out
    assert "召开专题会1次" in out and "先后" not in out
    assert "在推进重点难点问题整改方面存在的1类、10个突出问题" in out
    assert "办理过程中，责令整改3家，罚款12.5万元。" in out
    assert "全部办结" not in out and "督战队" not in out
    assert "对尚未完成整改的7项问题逐项跟踪督办" in out
    assert not ZERO_CLAUSE.search(out)


def test_all_done_figures_say_all_done_and_nothing_remains(inspection):
    f = article()
    f["problems"].update(completed=42, on_schedule=0, signed_off=42)
    f["followup"][0]["completed"] = 184
    out = text(f, inspection)
    assert (
        "贵州省梳理形成的42项问题已全部完成整改；交办贵州省的2688件群众举报问题已全部办结。" in out
    )
    assert "反馈的184个问题已全部整改完成。" in out
    assert "其余正在整改" not in out and "尚未完成整改" not in out
    assert "持续巩固整改成效" in out


def test_sanctions_counted_per_person_time_say_so(inspection):
    f = article()
    f["accountability"]["person_times"] = 83
    out = text(f, inspection)
    assert "党纪政务处分48人次" in out and "81名责任人员" in out


def test_the_offices_text_goes_into_its_section(inspection):
    narratives = {
        "opening": "贵州省委、省政府高度重视。",
        "responsibility": "把整改作为重大政治任务。\n压实党政同责。",
        "ledger": "实行月调度、季督查、季报告。",
        "next_steps": "下一步，贵州将坚持方向不变。",
    }
    sections = {
        s.key: s
        for s in disclosure_paragraphs(article(), narratives=narratives, inspection=inspection)
    }
    assert (
        "反馈了督察意见。贵州省委、省政府高度重视。截至2020年8月底"
        in sections["opening"].paragraphs[0]
    )
    assert sections["responsibility"].paragraphs == ["把整改作为重大政治任务。", "压实党政同责。"]
    assert sections["ledger"].paragraphs[-1] == "实行月调度、季督查、季报告。"
    assert sections["ledger"].paragraphs[0].startswith("针对“回头看”反馈意见")
    assert sections["next_steps"].paragraphs == ["下一步，贵州将坚持方向不变。"]


def test_a_section_without_figures_appears_when_the_office_writes_it(inspection):
    sections = disclosure_paragraphs(
        zero(), narratives={"battle_teams": "制定挂牌督战工作方案。"}, inspection=inspection
    )
    battle = next(s for s in sections if s.key == "battle_teams")
    assert battle.paragraphs == ["制定挂牌督战工作方案。"] and battle.heading.startswith("二、")


def test_the_reference_narratives_make_the_article_paragraphs(inspection):
    out = text(article(), inspection, narratives=REFERENCE_NARRATIVES)
    assert (
        "督察组向贵州省反馈了督察意见。贵州省委、省政府高度重视，认真落实党中央、国务院要求，"
        "制定整改方案，建立措施清单，强化组织推进，全面推动反馈意见整改落实。截至2020年8月底，"
        "贵州省梳理形成的42项问题"
    ) in out
    assert "奋力推动实现百姓富、生态美的多彩贵州新未来。" in out


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 8, 31), "2020年8月底"),
        (date(2020, 8, 30), "2020年8月30日"),
        (date(2020, 2, 29), "2020年2月底"),
        (date(2019, 2, 28), "2019年2月底"),
        (date(2019, 12, 31), "2019年12月底"),
        (date(2018, 10, 1), "2018年10月1日"),
    ],
)
def test_as_of_dates_are_written_as_chinese_disclosures_write_them(day, expected):
    assert zh_as_of(day) == expected


def test_the_english_version_has_the_same_sections_and_numbers(inspection):
    zh_keys = keys(article(), inspection)
    assert keys(article(), inspection, lang="en") == zh_keys
    out = text(article(), inspection, lang="en")
    assert "As of the end of August 2020, of the 42 problems on Guizhou Province's ledger" in out
    assert "30 had been rectified and 12 were on schedule" in out
    assert "all 2,688 public complaints transferred to Guizhou Province had been closed" in out
    assert "19 Party organisations and 81 officials (11 bureau level" in out
    assert "14 supervision letters, 3 interviews and 2 public notifications" in out
    assert "of the 184 problems it found, 63 had been rectified and the rest" in out
    assert not re.search(r"(?<![\d,.])0 [a-z]", out)
    one = zero()
    one["problems"].update(total=2, completed=1, on_schedule=1)
    one["complaints"].update(assigned=3, closed=1, in_progress=2)
    out = text(one, inspection, lang="en")
    assert "1 had been rectified and 1 was on schedule" in out
    assert (
        "of the 3 public complaints transferred to Guizhou Province, 1 had been closed and 2 "
        "were still being handled" in out
    )


def test_an_unknown_language_is_refused(inspection):
    with pytest.raises(ValueError, match="language"):
        disclosure_paragraphs(article(), inspection=inspection, lang="fr")


def test_the_followup_inspection_is_left_out_before_it_began(inspection):
    f = zero("2019-06-30")
    f["followup"] = [
        {"inspection": "provincial-2019-lookback", "name": "x", "total": 0, "completed": 0}
    ]
    assert "省委生态环境保护督察" not in text(f, inspection)
    f["as_of"] = "2019-09-30"
    assert (
        "2019年7月15日至8月15日，组织开展2019年省委生态环境保护督察“回头看”，截至2019年9月底尚未反馈督察意见。"
        in text(f, inspection)
    )
    assert Inspection.objects.count() == 2
