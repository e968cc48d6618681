"""The standard 边督边改 paragraphs for given figures: the wording of office-formats.md, zero
clauses left out, grammatical when nothing was enforced, fines in 元 or 万元, the cumulative
range of batches, the area and team words, and the English version."""

import re
import unicodedata
from decimal import Decimal

import pytest

from rectify.complaints.publication import area_words, fine_zh, paragraphs_from, title_from
from rectify.orgs.models import Org

ZERO = {
    "ordered_rectify": 0,
    "penalty_cases": 0,
    "fines_yuan": "0.00",
    "criminal_cases": 0,
    "admin_detained": 0,
    "criminal_detained": 0,
    "interviewed": 0,
    "held_accountable": 0,
}
EVERY = {
    "ordered_rectify": 12,
    "penalty_cases": 5,
    "fines_yuan": "685000.00",
    "criminal_cases": 1,
    "admin_detained": 2,
    "criminal_detained": 3,
    "interviewed": 4,
    "held_accountable": 6,
}


def block(transferred, closed, stage, open_, repeats=0, enforcement=ZERO, **extra):
    return {
        "transferred": transferred,
        "closed": closed,
        "closed_stage": stage,
        "open": open_,
        "repeats": repeats,
        "closure_rate": 0,
        "enforcement": enforcement,
        **extra,
    }


def figures(
    batch, cumulative, *, n=3, area=("省", "province"), level="central", as_of="2018-11-08"
):
    central = level == "central"
    return {
        "inspection": "central-2018-lookback",
        "level": level,
        "team": "中央第五生态环境保护督察组" if central else "",
        "team_words": {
            "zh": "中央督察组" if central else "省委督察组",
            "en": "the central inspection team" if central else "the provincial inspection team",
        },
        "publisher": {"code": "520000", "name": "贵州省"},
        "region": None,
        "area": {"zh": area[0], "en": area[1]},
        "batch_number": n,
        "batch_received_on": "2018-11-08",
        "as_of": as_of,
        "batch": batch,
        "cumulative": cumulative,
    }


def test_every_clause_in_the_order_and_wording_of_the_office_format():
    f = figures(
        block(88, 50, 10, 28, enforcement=EVERY),
        block(300, 200, 40, 60, enforcement=EVERY, first_batch=1),
    )
    first, cumulative, closing = paragraphs_from(f)
    assert unicodedata.normalize("NFKC", first) == (
        "11月8日,全省已对中央督察组交办的第3批88件信访举报件进行调查处理,其中,已办结50件、"
        "阶段性办结10件、未办结28件,责令整改12家,立案处罚5家,罚款68.5万元,立案侦查1件,"
        "行政拘留2人,刑事拘留3人,约谈4人,问责6人。"
    )
    assert "，" in first and "," not in first  # full-width as published
    assert cumulative.startswith(
        "截至11月8日，全省已对第1-3批共300件信访举报件进行调查处理，其中，"
    )
    assert closing == "其余信访举报件正在调查处理中，我省将持续推进，做到件件有着落、事事有回音。"


def test_zero_counts_are_left_out():
    enforcement = {**ZERO, "penalty_cases": 2, "fines_yuan": "8500.00", "held_accountable": 1}
    first, _c, _x = paragraphs_from(
        figures(block(10, 7, 0, 3, enforcement=enforcement), block(10, 7, 0, 3, first_batch=3))
    )
    assert first.endswith("其中，已办结7件、未办结3件，立案处罚2家，罚款8,500元，问责1人。")
    for absent in ("阶段性办结", "责令整改", "立案侦查", "拘留", "约谈"):
        assert absent not in first
    assert not re.search(r"(?<![0-9])0[件家人元]", first)


def test_sentence_stays_grammatical_without_any_enforcement():
    first, _c, _x = paragraphs_from(figures(block(5, 5, 0, 0), block(5, 5, 0, 0, first_batch=3)))
    assert first.endswith("进行调查处理，其中，已办结5件。")
    first, _c, _x = paragraphs_from(figures(block(5, 0, 0, 5), block(5, 0, 0, 5, first_batch=3)))
    assert first.endswith("其中，未办结5件。")


def test_repeats_are_counted_as_transferred_and_named():
    first, cumulative, _x = paragraphs_from(
        figures(block(20, 20, 0, 0, repeats=2), block(50, 50, 0, 0, repeats=3, first_batch=1))
    )
    assert "第3批20件信访举报件（其中重复件2件）进行调查处理" in first
    assert "共50件信访举报件（其中重复件3件）" in cumulative


def test_cumulative_range_starts_at_the_first_batch_with_complaints():
    _f, cumulative, _x = paragraphs_from(
        figures(block(4, 4, 0, 0), block(9, 9, 0, 0, first_batch=2), n=7, area=("市", "city"))
    )
    assert cumulative.startswith("截至11月8日，全市已对第2-7批共9件")
    _f, cumulative, _x = paragraphs_from(
        figures(block(4, 4, 0, 0), block(4, 4, 0, 0, first_batch=1), n=1)
    )
    assert "已对第1批共4件" in cumulative


def test_closing_sentence_claims_no_open_complaint_when_all_are_closed():
    *_p, closing = paragraphs_from(
        figures(block(4, 4, 0, 0), block(9, 9, 0, 0, first_batch=1), area=("州", "prefecture"))
    )
    assert "其余" not in closing and "正在调查处理" not in closing
    assert closing.startswith("我州将持续跟踪已办结信访举报件的整改落实情况")
    *_p, closing = paragraphs_from(figures(block(4, 4, 0, 0), block(9, 8, 1, 0, first_batch=1)))
    assert closing.startswith("其余信访举报件正在调查处理中")  # a stage-closed one owes follow-up


def test_a_provincial_inspection_names_the_provincial_team():
    first, _c, _x = paragraphs_from(
        figures(block(3, 3, 0, 0), block(3, 3, 0, 0, first_batch=1), level="provincial")
    )
    assert "已对省委督察组交办的第3批3件" in first


def test_a_region_without_complaints_in_the_batch_says_so():
    first, *_rest = paragraphs_from(
        figures(block(0, 0, 0, 0), block(0, 0, 0, 0, first_batch=3), area=("县", "county"))
    )
    assert first == "11月8日，中央督察组交办的第3批信访举报件中没有涉及我县的信访举报件。"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0.50", "0.50元"),
        ("8500", "8,500元"),
        ("9999.99", "9,999.99元"),
        ("10000", "1万元"),
        ("12345", "1.23万元"),
        ("685000", "68.5万元"),
        ("1200000", "120万元"),
        ("123456789", "12345.68万元"),
    ],
)
def test_fines_are_printed_in_yuan_below_ten_thousand_and_in_wan_from_there(amount, text):
    assert fine_zh(Decimal(amount)) == text


@pytest.mark.parametrize(
    ("code", "word"),
    [
        ("520000", "省"),
        ("520300", "市"),
        ("522600", "州"),
        ("520304", "区"),
        ("520203", "区"),
        ("520325", "县"),
        ("520382", "市"),
        ("529900", "区"),
    ],
)
def test_the_area_word_follows_the_publishing_region(orgs, code, word):
    assert area_words(Org.objects.get(code=code))[0] == word


def test_english_paragraphs_state_the_same_figures():
    f = figures(
        block(
            88,
            50,
            10,
            28,
            repeats=1,
            enforcement={**ZERO, "fines_yuan": "685000.00", "interviewed": 1},
        ),
        block(300, 200, 40, 60, first_batch=1),
    )
    first, cumulative, closing = paragraphs_from(f, "en")
    assert first == (
        "As of 8 November 2018, the province had taken up for investigation and handling the 88 "
        "complaints (1 of them a repeat) of batch 3 transferred by the central inspection team: "
        "50 closed, 10 closed for this stage and 28 still in progress; fines of CNY 685,000, "
        "1 official interviewed."
    )
    assert "batches 1–3" in cumulative and "300 complaints" in cumulative
    assert closing.startswith("The remaining complaints")
    assert title_from(f, "en").startswith("Complaints of batch 3 transferred by the central")
