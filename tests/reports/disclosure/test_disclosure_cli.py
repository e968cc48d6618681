"""`rectify report disclosure`: json (the figures), text, html and docx, to stdout or -o;
a published disclosure is printed as published; bad input is a CommandError saying what."""

import io
import json
from datetime import date

import docx
import pytest
from django.core.management import CommandError, call_command

from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from rectify.reports import actions
from rectify.reports.render import compute_figures

CODE = "central-2018-lookback"


def report(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "disclosure", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_json_is_the_report_contract_of_the_date(world):
    data = json.loads(report("--inspection", CODE, "--as-of", "2020-06-30", "--format", "json"))
    assert data == compute_figures(world, date(2020, 6, 30))
    assert data["problems"]["total"] == 6 and data["complaints"]["assigned"] == 3


def test_text_is_the_chinese_disclosure_by_default_and_english_on_request(world):
    text = report("--inspection", CODE, "--as-of", "2020-06-30")
    assert text.startswith("贵州省公开中央生态环境保护督察“回头看”")
    # The plain text keeps the reference article's half-width web punctuation.
    assert "截至2020年6月底,贵州省梳理形成的6项问题,2项已完成整改" in text
    english = report("--inspection", CODE, "--as-of", "2020-06-30", "--lang", "en")
    assert english.startswith("Guizhou Province: progress") and "6 problems" in english


def test_html_is_a_standalone_semantic_page(world):
    page = report("--inspection", CODE, "--as-of", "2020-06-30", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<article" in page and '<table class="data rp-figures" id="figures">' in page
    assert "<h2" in page and "贵州省梳理形成的6项问题" in page
    assert "<script" not in page and "style=" not in page


def test_docx_needs_a_file_name_and_writes_a_word_file(world, tmp_path):
    with pytest.raises(CommandError, match="-o"):
        report("--inspection", CODE, "--as-of", "2020-06-30", "--format", "docx")
    target = tmp_path / "d.docx"
    report("--inspection", CODE, "--as-of", "2020-06-30", "--format", "docx", "-o", str(target))
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert paragraphs[0].startswith("贵州省公开") and any("6项问题" in p for p in paragraphs)


def test_text_can_go_to_a_file(world, tmp_path):
    target = tmp_path / "d.txt"
    assert report("--inspection", CODE, "--as-of", "2020-06-30", "-o", str(target)) == ""
    assert "6项问题" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--inspection", "nope", "--as-of", "2020-06-30"), "no inspection with the code nope"),
        (("--inspection", CODE, "--as-of", "2020-6-30"), "2020-6-30 is not a date"),
        (("--inspection", CODE, "--as-of", "2020-13-01"), "YYYY-MM-DD"),
        (("--inspection", CODE, "--as-of", "2021-01-01"), "after today"),
    ],
)
def test_bad_input_says_what_is_wrong(world, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


def test_a_published_disclosure_is_printed_as_published(world, office_clerk, ledger):
    d = actions.check_create_disclosure(world, date(2020, 6, 30), "zh", actor=office_clerk)
    d = actions.check_publish_disclosure(d, expected_version=1, actor=office_clerk)
    add_event(ledger["idle"], EventKind.ACCEPTED, date(2020, 6, 1))  # backdated, recorded now
    data = json.loads(report("--inspection", CODE, "--as-of", "2020-06-30", "--format", "json"))
    assert data == d.figures and data["problems"]["completed"] == 2
    assert compute_figures(world, date(2020, 6, 30))["problems"]["completed"] == 3
    assert "2项已完成整改" in report("--inspection", CODE, "--as-of", "2020-06-30")
