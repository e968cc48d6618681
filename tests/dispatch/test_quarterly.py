"""The quarterly report (季报告): completed, behind and overdue, reports missing, warnings
and rebounds of a quarter, as a page and as a Word document in the official layout."""

import io
from datetime import date

import pytest
import time_machine
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from rectify.dispatch import reports
from rectify.problems.models import Problem, WarningRecord
from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from tests.dispatch.conftest import at, open_period, write, zunyi_problem

TODAY = date(2025, 7, 10)


@pytest.fixture
def ledger(office_clerk, zunyi_clerk):
    p = {
        "c1": zunyi_problem("1", title="红花岗区垃圾填埋场渗滤液超标"),
        "c2": zunyi_problem("2", title="汇川区餐饮油烟扰民"),
        "c3": zunyi_problem("3", title="播州区乌江支流养殖粪污直排"),
        "o1": zunyi_problem(
            "4", title="仁怀市白酒企业废水超标排放", original_deadline=date(2025, 6, 15)
        ),
        "b1": zunyi_problem("5", title="桐梓县小水电站未下泄生态流量"),
        "s1": zunyi_problem("6", title="赤水市城镇污水管网建设滞后"),
        "r1": zunyi_problem("7", title="湄潭县茶园面源污染反弹", start_date=date(2024, 1, 1)),
    }
    add_event(p["c1"], EventKind.ACCEPTED, date(2025, 5, 10))
    add_event(p["c2"], EventKind.ACCEPTED, date(2025, 3, 20))  # Q1: not this quarter
    add_event(p["c3"], EventKind.ACCEPTED, date(2025, 4, 2))
    # An objection during the notice reopens it: not a rebound.
    add_event(p["c3"], EventKind.REOPENED, date(2025, 4, 20), origin="signoff")
    add_event(p["c3"], EventKind.ACCEPTED, date(2025, 6, 1))
    add_event(p["o1"], EventKind.PROGRESS, date(2025, 5, 1), percent=50)
    add_event(p["b1"], EventKind.PROGRESS, date(2025, 6, 1), percent=10)
    add_event(p["s1"], EventKind.PROGRESS, date(2025, 6, 1), percent=60)
    add_event(p["r1"], EventKind.ACCEPTED, date(2024, 10, 1))
    add_event(p["r1"], EventKind.SIGNED_OFF, date(2024, 12, 1))
    add_event(p["r1"], EventKind.REOPENED, date(2025, 5, 15), origin="signoff", note="反弹")
    for problem, colour, day in [
        ("b1", "yellow", date(2025, 6, 29)),
        ("b1", "yellow", date(2025, 6, 30)),
        ("o1", "red", date(2025, 6, 30)),
        ("o1", "blue", date(2025, 3, 31)),  # Q1
        ("s1", "blue", date(2025, 4, 15)),
    ]:
        WarningRecord.objects.create(problem=p[problem], colour=colour, effective_date=day)
    open_period(office_clerk, 2025, 5)
    june = open_period(office_clerk, 2025, 6)
    write(p["b1"], june, zunyi_clerk, when=at(2025, 6, 25), percent=10)
    write(p["s1"], june, zunyi_clerk, when=at(2025, 6, 25), percent=60)
    write(p["o1"], june, zunyi_clerk, when=at(2025, 7, 8), on=date(2025, 6, 30), percent=50)
    return p


def test_the_quarter_figures_match_the_hand_made_ledger(ledger):
    q = reports.quarterly(Problem.objects.all(), 2025, 2, today=TODAY)
    assert (q.start, q.end, q.as_of) == (date(2025, 4, 1), date(2025, 6, 30), date(2025, 6, 30))
    assert [(c.problem.number, c.accepted_on) for c in q.completed] == [
        ("3", date(2025, 4, 2)),
        ("1", date(2025, 5, 10)),
    ]
    assert [p.number for p in q.overdue] == ["4"]
    assert [p.number for p in q.behind] == ["5"]
    assert [
        (
            f.period.month,
            f.totals["owed"],
            f.totals["submitted"],
            f.totals["late"],
            f.totals["missing"],
        )
        for f in q.periods
    ] == [(5, 5, 0, 0, 5), (6, 4, 3, 1, 1)]
    assert [(r.period.month, r.unit_name, r.missing, r.late) for r in q.missing] == [
        (5, "遵义市", 5, 0),
        (6, "遵义市", 1, 1),
    ]
    assert q.missing_total == 6 and q.late_total == 1
    assert q.warnings == {
        "red": {"records": 1, "problems": 1},
        "yellow": {"records": 2, "problems": 1},
        "blue": {"records": 1, "problems": 1},
    }
    assert [(r.problem.number, r.reopened_on) for r in q.rebounds] == [("7", date(2025, 5, 15))]


def test_a_running_quarter_is_read_as_of_today(ledger):
    q = reports.quarterly(Problem.objects.all(), 2025, 3, today=TODAY)
    assert q.as_of == TODAY and q.completed == [] and q.rebounds == []


def _fonts(run) -> dict:
    fonts = run._element.rPr.rFonts
    return {k: fonts.get(qn(f"w:{k}")) for k in ("ascii", "eastAsia")}


def test_the_word_document_has_the_official_layout_and_the_figures(ledger):
    q = reports.quarterly(Problem.objects.all(), 2025, 2, today=TODAY)
    doc = Document(io.BytesIO(reports.quarterly_docx(q)))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]

    title, *body = [p for p in doc.paragraphs if p.text.strip()]
    assert title.text == "Report on inspection rectification, second quarter of 2025"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert _fonts(title.runs[0]) == {"ascii": "方正小标宋简体", "eastAsia": "方正小标宋简体"}

    headings = [p for p in body if p.runs and _fonts(p.runs[0])["eastAsia"] == "黑体"]
    assert [h.text for h in headings] == [
        "一、Overall",
        "二、Problems completed in the quarter",
        "三、Problems behind schedule or overdue",
        "四、Progress reports",
        "五、Warnings",
        "六、Rebounds",
    ]
    paragraph = next(p for p in body if "passed acceptance in the quarter" in p.text)
    assert paragraph.text == "2 problems passed acceptance in the quarter."
    assert _fonts(paragraph.runs[0]) == {"ascii": "仿宋_GB2312", "eastAsia": "仿宋_GB2312"}
    assert paragraph.runs[0].font.size == Pt(16)
    fmt = paragraph.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28)
    text = "\n".join(p.text for p in body)
    assert "红花岗区垃圾填埋场渗滤液超标" in text and "汇川区餐饮油烟扰民" not in text
    assert "仁怀市白酒企业废水超标排放" in text and "湄潭县茶园面源污染反弹" in text
    assert "red 1 (1 problems), yellow 2 (1 problems), blue 1 (1 problems)" in text
    assert "6/2025: 4 reports owed, 3 submitted (1 late), 1 missing." in text

    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert " PAGE " in [i.text for i in footer._element.iter(qn("w:instrText"))]


def test_office_and_leader_read_it_units_may_not(
    ledger, login, client, office_clerk, leader, zunyi_clerk, sysadmin
):
    with time_machine.travel(at(2025, 7, 10), tick=False):
        for user in (office_clerk, leader):
            login(user)
            page = client.get("/dispatch/quarterly/?year=2025&quarter=2")
            assert page.status_code == 200
            html = page.content.decode()
            assert 'data-figure="completed">2<' in html and 'data-figure="rebounds">1<' in html
            word = client.get("/dispatch/quarterly.docx?year=2025&quarter=2")
            assert word.status_code == 200
            assert word["Content-Disposition"] == (
                'attachment; filename="quarterly-report-2025-Q2.docx"'
            )
            assert word.content.startswith(b"PK")
            client.logout()
        login(zunyi_clerk)
        assert client.get("/dispatch/quarterly/?year=2025&quarter=2").status_code == 403
        assert client.get("/dispatch/quarterly.docx?year=2025&quarter=2").status_code == 403
        client.logout()
        login(sysadmin)
        assert client.get("/dispatch/quarterly/").status_code == 404
        client.logout()
        login(office_clerk)
        bad = client.get("/dispatch/quarterly/?year=2025&quarter=5")
        assert bad.status_code == 400
