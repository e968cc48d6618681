"""A publication as Excel, Word, CSV and JSON: title, paragraphs and the 一览表, formulas
neutralised, and none of the complainant's or third parties' personal data in any of them."""

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from rectify.complaints import actions
from rectify.complaints.actions import ComplaintData
from rectify.complaints.models import PollutionType, Publication
from rectify.complaints.publication import (
    check_publish,
    publication_docx,
    publication_json,
    publication_xlsx,
    rows_csv,
)
from rectify.orgs.models import Org
from tests.complaints.test_publication import CANARY, THIRD_PARTY, build_story

pytestmark = pytest.mark.django_db

PRIVATE = (*CANARY.values(), *THIRD_PARTY)


@pytest.fixture
def pub(office_clerk) -> Publication:
    story = build_story(office_clerk)
    actions.check_create_complaint(
        story.batch1,
        actor=office_clerk,
        data=ComplaintData(
            acceptance_no="X1GZ201811060009",
            content='=HYPERLINK("http://evil.example","点我")',
            region=Org.objects.get(code="520304"),
            pollution_types=list(PollutionType.objects.filter(name="其他")),
        ),
    )
    return check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)


def _unzipped_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_nothing_private_is_stored_in_the_frozen_publication(pub):
    stored = json.dumps([pub.title, pub.paragraphs, pub.figures, pub.rows], ensure_ascii=False)
    for private in PRIVATE:
        assert private not in stored


def test_excel_has_title_paragraphs_then_the_table_with_formulas_neutralised(pub):
    data = publication_xlsx(pub)
    raw = _unzipped_text(data)
    for private in PRIVATE:
        assert private not in raw
    assert "<f>" not in raw  # no formula cell anywhere
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == pub.title
    assert [r[0] for r in rows[1:4]] == pub.paragraphs
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[header][1:] == [
        "受理编号",
        "交办问题基本情况",
        "行政区域",
        "污染类型",
        "调查核实情况",
        "是否属实",
        "处理和整改情况",
        "责任人被处理情况",
    ]
    body = rows[header + 1 :]
    assert len(body) == 4
    evil = next(r for r in body if r[1] == "X1GZ201811060009")
    assert evil[2].startswith("'=HYPERLINK")


def test_word_has_title_paragraphs_and_the_attachment_table(pub):
    data = publication_docx(pub)
    for private in PRIVATE:
        assert private not in _unzipped_text(data)
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == pub.title
    assert texts[1:4] == pub.paragraphs
    assert any(t.startswith("附件：中央第五生态环境保护督察组交办第1批") for t in texts)
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "受理编号", "交办问题基本情况"]
    assert len(table.rows) == 1 + 4
    assert doc.sections[1].orientation == 1  # the attachment is landscape


def test_csv_and_json_carry_the_table_as_open_data(pub):
    text = rows_csv(pub)
    assert text.startswith("\ufeff受理编号,交办问题基本情况")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4 and rows[0]["受理编号"] == pub.rows[0]["acceptance_no"]
    assert any(r["交办问题基本情况"].startswith("'=") for r in rows)
    data = json.loads(publication_json(pub))
    assert data["rows"] == pub.rows and data["paragraphs"] == pub.paragraphs
    assert data["columns"][0] == {
        "key": "acceptance_no",
        "zh": "受理编号",
        "en": "Acceptance number",
    }
    assert data["as_of"] == "2018-11-09" and data["batch"] == 1
    for private in PRIVATE:
        assert private not in text and private not in json.dumps(data, ensure_ascii=False)
