"""The sign-off notice: its sections, dates and contact, with no personal data, as HTML and
as a Word document in the official layout (A4, GB/T 9704 margins and fonts)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from rectify.signoff import notice, queries
from rectify.signoff.notice import notice_data, notice_docx

from .conftest import NOTICE, walk

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CONTACT = {
    "office": "贵州省生态环境保护督察整改工作领导小组办公室",
    "phone": "0851-85550000",
    "email": "dczg@sthj.guizhou.gov.cn",
    "address": "贵州省贵阳市观山湖区林城东路1号",
}


@pytest.fixture(autouse=True)
def zh_and_frozen(settings):
    settings.RECTIFY_NOTICE_CONTACT = CONTACT
    with time_machine.travel(NOW, tick=False), translation.override("zh-hans"):
        yield


@pytest.fixture
def app(problem, cast):
    return walk(problem, cast, "notice_ended")


def test_the_notice_has_the_six_sections_in_order_with_the_problem_s_facts(app):
    n = notice_data(app)
    headings = [s.heading for s in n.sections]
    assert headings == [
        translation.gettext("1. The problem"),
        translation.gettext("2. Who carried out the rectification"),
        translation.gettext("3. Key measures"),
        translation.gettext("4. Target"),
        translation.gettext("5. Deadline"),
        translation.gettext("6. What was done"),
    ]
    problem, subject, measures, target, deadline, done = (s.paragraphs for s in n.sections)
    assert problem[0] == "遵义市播州区乌江支流沿岸养殖场粪污直排问题"
    assert "遵义市" in subject[0] and "贵州省生态环境厅" in subject[1]
    assert "关停搬迁禁养区内养殖场12家" in measures[0] and measures[1].startswith("2")
    assert target == ["2026年底前完成沿岸养殖场粪污治理，乌江支流断面水质稳定达到Ⅲ类。"]
    assert "2026年12月31日" in deadline[0]
    assert "沿岸12家养殖场已全部关停搬迁" in done[0] and "2026年9月24日" in done[-1]


def test_the_period_names_both_dates_and_the_working_days(app):
    n = notice_data(app)
    assert (n.start, n.end, n.working_days) == (*NOTICE, 10)
    assert "2026年9月28日" in n.period and "2026年10月15日" in n.period and "10" in n.period
    assert n.issued_on == "2026年9月28日" and n.published


def test_objections_go_to_the_configured_phone_mail_and_address(app):
    n = notice_data(app)
    text = " ".join(n.contact_lines)
    for value in ("0851-85550000", "dczg@sthj.guizhou.gov.cn", "林城东路1号"):
        assert value in text
    assert CONTACT["office"] in n.objection and n.issuer == CONTACT["office"]


def test_without_settings_the_contact_is_the_province_office_and_12369(app, settings):
    del settings.RECTIFY_NOTICE_CONTACT
    n = notice_data(app)
    assert any("12369" in line for line in n.contact_lines)
    assert "贵州省" in n.issuer


def test_the_notice_carries_no_personal_data(app, problem, cast, login):
    page = login(cast["office"], Client()).get(reverse("signoff:notice", args=[app.pk]))
    html = page.content.decode()
    article = html[html.index('id="notice"') :]
    for private in (
        "王某某",  # responsible leader
        "李某某",  # responsible person
        "张建华",  # signer
        cast["applicant"].display_name,
        cast["county"].display_name,
        "同意通过验收",  # internal opinion
        "未发现粪污直排",  # on-site record
    ):
        assert private not in article, private
    assert "遵义市播州区乌江支流沿岸养殖场粪污直排问题" in article
    assert 'data-start="2026-09-28"' in article and 'data-end="2026-10-15"' in article


def test_published_notices_are_those_under_notice_or_signed_off(problem, cast, orgs):
    ended = walk(problem, cast, "notice_ended")
    assert list(queries.published_notices(date(2026, 11, 28))) == [ended]
    assert list(queries.published_notices(date(2026, 9, 27))) == []  # not begun yet


def _docx(app) -> Document:
    return Document(io.BytesIO(notice_docx(app)))


def test_the_word_file_is_a4_with_the_official_margins(app):
    section = _docx(app).sections[0]

    def mm(length) -> float:
        return round(length.mm, 1)  # Word stores twentieths of a point

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)


def _east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_word_file_uses_the_official_fonts_sizes_and_spacing(app):
    doc = _docx(app)
    title, *body = [p for p in doc.paragraphs if p.text.strip()]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    headings = [p for p in body if p.runs and _east_asian(p.runs[0]) == "黑体"]
    assert [p.text for p in headings] == [s.heading for s in notice_data(app).sections]
    assert all(p.runs[0].font.size == Pt(16) for p in headings)
    prose = [p for p in body if p not in headings]
    assert prose and all(_east_asian(p.runs[0]) == "仿宋_GB2312" for p in prose)
    assert all(p.runs[0].font.size == Pt(16) for p in prose)
    for p in body:
        assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert p.paragraph_format.line_spacing == Pt(28)


def test_the_word_file_says_what_the_page_says(app):
    text = "\n".join(p.text for p in _docx(app).paragraphs)
    n = notice_data(app)
    assert n.title in text and n.period in text and n.closing in text
    assert "0851-85550000" in text and "2026年9月28日" in text
    assert "王某某" not in text and "张建华" not in text


def test_the_footer_numbers_pages_as_dash_page_dash_with_a_page_field(app):
    footer = _docx(app).sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    xml = footer._element.xml
    assert "PAGE" in "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
    assert xml.count('w:fldCharType="begin"') == 1 and 'w:fldCharType="end"' in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")


def test_the_word_download_is_a_docx_attachment(app, cast, login):
    response = login(cast["office"], Client()).get(reverse("signoff:notice_docx", args=[app.pk]))
    assert response["Content-Type"] == notice.DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert Document(io.BytesIO(response.content)).paragraphs
