"""Repeat complaints: what the office is shown as the likely original of a complaint, from
the MinHash bands and place keys kept in the database."""

import json
import os
import subprocess
import sys
from datetime import date

import numpy as np
import pytest
import time_machine

from rectify.complaints import actions, dedupe
from rectify.complaints.actions import ComplaintData
from rectify.complaints.models import Complaint, ComplaintBand, PollutionType
from rectify.orgs.models import Org
from rectify.problems.testing import InspectionFactory

pytestmark = pytest.mark.django_db

# From hand-written complaints (bench/complaints_dedupe.py holds more of them).
CHUNXIANG = "仁怀市茅台镇贵州醇香酒业有限公司酿酒废水未经处理偷排赤水河，河水发黑发臭。"
CHUNXIANG_AGAIN = "反映仁怀市茅台镇醇香酒业公司夜间偷排酿酒废水到赤水河，污染河水，群众反映强烈。"
MAOTAI_WORKSHOPS = "仁怀市茅台镇多家小作坊酒厂酒糟乱堆乱放，渗滤液流入河沟。"
SAND = "黎平县八舟河非法采砂，河道被挖乱，破坏河床生态，鱼类明显减少，河水常年浑浊。"
SAND_AGAIN = (
    "来电反映：黎平县八舟河非法采砂，河道被挖乱，破坏河床生态，鱼类明显减少，河水常年浑浊。"
    "2025年5月以来情况更加严重，此前已多次反映，至今未得到解决。"
)
SAND_ELSEWHERE = "黎平县德凤街道一家洗车场污水直排八舟河，河水常年浑浊，鱼类明显减少。"


@pytest.fixture
def batch(office_clerk):
    inspection = InspectionFactory(code="central-dedupe")
    with time_machine.travel(date(2025, 6, 1)):
        return actions.check_create_batch(
            actor=office_clerk,
            inspection=inspection,
            number=1,
            received_on=date(2025, 5, 30),
            stated_count=20,
        )


@pytest.fixture
def intake(batch, office_clerk):
    """Create a complaint through the office's action: intake(text, county_code)."""
    serial = iter(range(1, 1000))

    def _intake(content: str, region: str) -> Complaint:
        return actions.check_create_complaint(
            batch,
            actor=office_clerk,
            data=ComplaintData(
                acceptance_no=f"X3GZ20250528{next(serial):04d}",
                content=content,
                region=Org.objects.get(code=region),
                pollution_types=list(PollutionType.objects.filter(name="水")),
            ),
        )

    return _intake


def _found(complaint: Complaint) -> list[str]:
    fresh = Complaint.objects.select_related("region").get(pk=complaint.pk)
    return [c.complaint.acceptance_no for c in dedupe.candidates(fresh)]


def test_a_repeat_in_other_words_naming_the_same_enterprise_is_a_likely_repeat(intake):
    original = intake(CHUNXIANG, "520382")
    repeat = intake(CHUNXIANG_AGAIN, "520382")
    (candidate,) = dedupe.candidates(Complaint.objects.get(pk=repeat.pk))
    assert candidate.complaint == original
    assert original.place_key == repeat.place_key == "醇香酒业公司"
    # The texts alone would not say so: other words, different length.
    assert candidate.similarity < dedupe.THRESHOLD
    assert any("醇香酒业公司" in reason for reason in candidate.reasons)
    assert len(candidate.reasons) == 2  # the place, and the same county


def test_a_complaint_handed_in_again_is_found_by_its_text_alone(intake):
    original = intake(SAND, "522631")
    again = intake(SAND_AGAIN, "522631")
    assert original.place_key == again.place_key == ""
    (candidate,) = dedupe.candidates(Complaint.objects.get(pk=again.pk))
    assert candidate.complaint == original
    assert candidate.similarity >= dedupe.THRESHOLD
    assert any(f"{round(candidate.similarity * 100)}%" in r for r in candidate.reasons)


def test_a_different_complaint_about_the_same_kind_of_pollution_in_the_county_is_not(intake):
    intake(CHUNXIANG, "520382")
    intake(SAND, "522631")
    workshops = intake(MAOTAI_WORKSHOPS, "520382")
    sand_elsewhere = intake(SAND_ELSEWHERE, "522631")
    assert _found(workshops) == []
    assert _found(sand_elsewhere) == []


def test_the_same_text_or_enterprise_in_another_prefecture_is_not_a_repeat(intake):
    intake(SAND, "522631")  # 黎平县, 黔东南州
    intake(CHUNXIANG, "520382")  # 仁怀市, 遵义市
    same_text_in_guiyang = intake(SAND, "520102")
    same_firm_in_anshun = intake(CHUNXIANG_AGAIN, "520402")
    assert _found(same_text_in_guiyang) == []
    assert _found(same_firm_in_anshun) == []
    # In the same prefecture but another county it is one, and says so.
    in_bozhou = intake(SAND, "520304")
    in_tongzi = intake(SAND_AGAIN, "520322")
    (candidate,) = dedupe.candidates(Complaint.objects.get(pk=in_tongzi.pk))
    assert candidate.complaint == in_bozhou
    assert len(candidate.reasons) == 1  # similar text; not the same county


def test_a_pair_the_office_said_is_no_repeat_is_not_suggested_again(intake, office_clerk):
    original = intake(CHUNXIANG, "520382")
    repeat = intake(CHUNXIANG_AGAIN, "520382")
    actions.check_reject_repeat(repeat, actor=office_clerk, other=original)
    assert _found(repeat) == []
    assert _found(original) == []  # either way round
    third = intake(CHUNXIANG_AGAIN + "去年已反映过。", "520382")
    assert set(_found(third)) == {original.acceptance_no, repeat.acceptance_no}


def test_complaints_already_linked_are_not_suggested_and_the_original_is_shown(
    intake, office_clerk
):
    original = intake(SAND, "522631")
    repeat = intake(SAND_AGAIN, "522631")
    actions.check_mark_repeat(
        repeat, actor=office_clerk, original=original, expected_version=repeat.version
    )
    assert _found(repeat) == []
    assert _found(original) == []
    # A third one matches both; the office is shown the original once.
    third = intake(SAND_AGAIN + "请求查处。", "522631")
    (candidate,) = dedupe.candidates(Complaint.objects.get(pk=third.pk))
    assert candidate.complaint == original


def test_changing_the_content_reindexes_the_complaint(intake, office_clerk):
    original = intake(CHUNXIANG, "520382")
    other = intake(MAOTAI_WORKSHOPS, "520382")
    before = set(ComplaintBand.objects.filter(complaint=other).values_list("key", flat=True))
    assert _found(other) == []
    other.refresh_from_db()
    actions.check_update_complaint(
        other, actor=office_clerk, expected_version=other.version, content=CHUNXIANG_AGAIN
    )
    after = set(ComplaintBand.objects.filter(complaint=other).values_list("key", flat=True))
    assert len(after) == dedupe.BANDS and not before & after
    assert Complaint.objects.get(pk=other.pk).place_key == "醇香酒业公司"
    assert _found(other) == [original.acceptance_no]


def test_moving_a_complaint_to_another_prefecture_reindexes_it(intake, office_clerk):
    in_zunyi = intake(SAND, "520304")
    moved = intake(SAND_AGAIN, "520102")  # entered under 南明区 (贵阳) by mistake
    assert _found(in_zunyi) == []
    moved.refresh_from_db()
    actions.check_update_complaint(
        moved,
        actor=office_clerk,
        expected_version=moved.version,
        region=Org.objects.get(code="520322"),  # 桐梓县, 遵义
    )
    # Found from its new prefecture both ways: by its lookup and by the others'.
    assert _found(moved) == [in_zunyi.acceptance_no]
    assert _found(in_zunyi) == [moved.acceptance_no]


def test_the_index_is_in_the_database_and_the_same_in_every_process(intake):
    stored = intake(SAND, "522631")
    row = Complaint.objects.select_related("region").get(pk=stored.pk)
    keys = sorted(ComplaintBand.objects.filter(complaint=stored).values_list("key", flat=True))
    sig = dedupe.decode(row.signature)
    area = dedupe.area_code(row.region.path)
    assert keys == sorted(dedupe.band_keys(sig[None, :], area)[0].tolist())
    assert all(0 <= k < 2**63 for k in keys)
    # Another worker, with its own hash seed, computes the same signature and keys.
    code = (
        "import django, json, sys; django.setup()\n"
        "from rectify.complaints import dedupe\n"
        "s, area = dedupe.signature(sys.argv[1]), dedupe.area_code(sys.argv[2])\n"
        "keys = dedupe.band_keys(s[None, :], area)[0].tolist()\n"
        "print(json.dumps([dedupe.encode(s).hex(), keys]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "rectify.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code, SAND, row.region.path],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    hex_sig, other_keys = json.loads(out.stdout.strip().splitlines()[-1])
    assert bytes.fromhex(hex_sig) == bytes(row.signature)
    assert sorted(other_keys) == keys
    # A lookup reads only the database: a complaint being entered finds the stored one.
    (candidate,) = dedupe.candidates_for_text(SAND_AGAIN, Org.objects.get(code="522631"))
    assert candidate.complaint == stored


def test_a_complaint_being_entered_is_checked_before_it_is_saved(intake):
    original = intake(CHUNXIANG, "520382")
    renhuai = Org.objects.get(code="520382")
    assert [c.complaint for c in dedupe.candidates_for_text(CHUNXIANG_AGAIN, renhuai)] == [original]
    assert dedupe.candidates_for_text(CHUNXIANG_AGAIN, renhuai, exclude_ids=[original.pk]) == []
    assert dedupe.candidates_for_text(MAOTAI_WORKSHOPS, renhuai) == []
    assert dedupe.candidates_for_text("", renhuai) == []


def test_candidates_come_best_first_and_at_most_limit(intake):
    texts = [SAND, SAND + "请求查处。", SAND_AGAIN]
    made = [intake(t, "522631") for t in texts]
    found = dedupe.candidates_for_text(SAND, Org.objects.get(code="522631"))
    assert found[0].complaint == made[0]  # the identical text
    assert [c.similarity for c in found] == sorted((c.similarity for c in found), reverse=True)
    assert found[0].similarity == 1.0
    assert len(dedupe.candidates_for_text(SAND, Org.objects.get(code="522631"), limit=2)) == 2


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (CHUNXIANG, "醇香酒业公司"),
        ("安顺市西秀区七眼桥镇安顺恒达化工有限公司夜间排放刺鼻气体", "恒达化工公司"),
        ("六盘水市水城区发耳镇鑫源砂石厂非法采石", "鑫源砂石场"),
        ("遵义市汇川区高坪街道宏达砖厂烟囱冒黑烟", "宏达砖厂"),
        ("云岩区中华北路128号一楼的烧烤摊油烟扰民", "中华北路128号"),
        ("贵阳市云岩区中华北路128号楼下烧烤店油烟直排", "中华北路128号"),
        ("都匀市剑江中路锦绣华府小区旁建筑工地夜间施工", "锦绣华府小区"),
        ("举报播州区鸭溪镇金钟村三组养猪场粪水直排河沟", "金钟村3组"),
        ("大方县羊场镇大坪村五组附近采石场爆破", "大坪村5组"),
        ("贵阳市花溪区青岩镇垃圾填埋场渗滤液外溢", "青岩镇垃圾填埋场"),
        ("花溪区青岩镇垃圾场臭气熏天", "青岩镇垃圾填埋场"),
        ("七星关区撒拉溪镇龙场村一养牛场粪污排进倒天河", "龙场村养牛场"),
        # Nothing that tells one place from another.
        ("某化工厂夜间偷排废水", ""),
        ("遵义市播州区三合镇某养鸡场鸡粪随意堆放", ""),
        ("织金县珠藏镇一洗煤厂洗煤废水直排", ""),
        ("平坝区夏云镇工业园区一企业将危险废物填埋在厂区后山", ""),
        ("", ""),
    ],
)
def test_the_place_key_is_the_enterprise_or_address_named(orgs, text, key):
    assert dedupe.place_key(text) == key


def test_shingles_leave_out_dates_bare_numbers_and_punctuation_but_not_house_numbers():
    segs = dedupe.segments("２０２５年５月２８日晚上10点，中华路12号排放300多吨废水！3组 村民")
    assert segs == ["晚上", "中华路12号排放", "多吨废水", "3组", "村民"]
    assert dedupe.shingles("臭，很臭") == {"臭", "很臭"}


def test_bulk_signatures_are_the_datasketch_signatures(orgs):
    texts = [CHUNXIANG, CHUNXIANG_AGAIN, SAND, SAND_AGAIN, "臭", "！？", "", "a b c 1"]
    bulk = dedupe.signatures(texts)
    for text, sig in zip(texts, bulk, strict=True):
        single = dedupe.signature(text)
        assert (sig is None) == (single is None) == (not dedupe.shingles(text))
        if sig is not None:
            assert sig.dtype == np.uint32 and (sig == single).all()
    packed, doc = dedupe.packed_shingles(texts)
    for i, text in enumerate(texts):
        assert set(packed[doc == i].tolist()) == {dedupe.pack(g) for g in dedupe.shingles(text)}


def test_complaints_loaded_without_their_region_are_indexed_in_their_prefecture(intake):
    stored = intake(SAND, "522631")
    ComplaintBand.objects.filter(complaint=stored).delete()
    partial = list(Complaint.objects.filter(pk=stored.pk).only("id", "content"))
    dedupe.index_complaints(partial)
    (candidate,) = dedupe.candidates_for_text(SAND_AGAIN, Org.objects.get(code="522631"))
    assert candidate.complaint == stored


def test_bulk_signatures_span_blocks_and_texts_without_shingles(orgs):
    # More texts than one numpy block (dedupe computes 256 at a time), with texts that have
    # nothing to compare between them: each still gets exactly its own signature.
    base = [CHUNXIANG, CHUNXIANG_AGAIN, MAOTAI_WORKSHOPS, SAND, SAND_AGAIN, SAND_ELSEWHERE]
    texts = [f"{base[i % 6]}第{i}号" if i % 7 else ("" if i % 2 else "！") for i in range(600)]
    bulk = dedupe.signatures(texts)
    assert sum(s is None for s in bulk) == sum(1 for i in range(600) if i % 7 == 0)
    for text, sig in zip(texts, bulk, strict=True):
        single = dedupe.signature(text)
        assert (sig is None) == (single is None)
        if sig is not None:
            assert (sig == single).all()


@pytest.mark.parametrize(
    "text",
    ["ＡＢＣ１２３，：", "全角\u3000空格", "Ａ\u0301", "ｶﾀｶﾅ①", "仁怀市茅台镇", ""],
)
def test_nfkc_is_unicode_nfkc(text):
    import unicodedata

    assert dedupe.nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_new_complaint_is_indexed_as_reindexing_would(intake):
    # Intake writes signature, place key and bands with the row (no UPDATE after); they
    # must be exactly what index_complaints computes for a stored complaint.
    stored = [intake(SAND, "522631"), intake(CHUNXIANG, "520382"), intake("！？", "520382")]
    ids = [c.pk for c in stored]

    def index_state():
        rows = Complaint.objects.filter(pk__in=ids).order_by("pk")
        bands = ComplaintBand.objects.filter(complaint_id__in=ids)
        return (
            [
                (bytes(s) if s is not None else None, p)
                for s, p in rows.values_list("signature", "place_key")
            ],
            sorted(bands.values_list("complaint_id", "key")),
        )

    at_intake = index_state()
    assert at_intake[0][2] == (None, "") and len(at_intake[1]) == 2 * dedupe.BANDS
    dedupe.index_complaints(list(Complaint.objects.filter(pk__in=ids)))
    assert index_state() == at_intake
