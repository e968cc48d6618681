"""What the portal tests publish: a ledger with private details that must never show,
disclosures in every state, complaint-handling publications, and an HTML checker for the
accessibility landmarks.

The ledger (as of TODAY, 2020-09-10):
- problem 1, 播州区 (遵义), led by 遵义市: on schedule; carries a responsible leader and
  person, an internal note on its progress event, an evidence file and a yellow warning
  record — all private (PRIVATE lists the strings);
- problem 2, 贵阳市: signed off;
- problem 3, 遵义市: overdue;
- problem 4: starts after TODAY, so it is not on the ledger yet and never public.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from rectify.complaints.models import ComplaintBatch, Publication
from rectify.core.models import StoredFile
from rectify.orgs.models import Org
from rectify.problems.models import Evidence, Measure, WarningRecord
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event
from rectify.reports import actions
from rectify.reports.models import Disclosure

TODAY = date(2020, 9, 10)
AS_OF = date(2020, 8, 31)
PUBLISHED_AT = datetime(2020, 9, 10, 6, 44, tzinfo=UTC)

PRIVATE = (
    "遵义市人民政府副市长 赵某某",  # responsible leader
    "钱某某",  # responsible person
    "内部备注：园区负责人周某某承认夜间偷排",  # note on a progress event
    "偷排现场取证照片",  # evidence caption
    "evidence-internal-0001.jpg",  # evidence file name
    "连续两月进度滞后",  # warning reason
)


@dataclass
class Published:
    inspection: object
    problems: list
    disclosure: Disclosure
    draft: Disclosure
    withdrawn: Disclosure
    publication: Publication | None = None
    withdrawn_publication: Publication | None = None
    extra: dict = field(default_factory=dict)


def seed_ledger(office):
    """The inspection and its four problems (see the module docstring)."""
    inspection = InspectionFactory()
    zunyi, bozhou, guiyang = (Org.objects.get(code=c) for c in ("520300", "520304", "520100"))
    p1 = ProblemFactory(
        inspection=inspection,
        number="1",
        title="播州区乌江支流沿岸养殖场粪污直排问题",
        region=bozhou,
        lead_unit=zunyi,
        responsible_leader=PRIVATE[0],
        responsible_person=PRIVATE[1],
        target="2020年底前完成沿岸养殖场粪污治理。",
        original_deadline=date(2020, 12, 31),
        deadline=date(2020, 12, 31),
    )
    Measure.objects.create(problem=p1, seq=1, text="关停搬迁禁养区内养殖场12家。")
    add_event(p1, EventKind.PROGRESS, date(2020, 8, 20), percent=85, note=PRIVATE[2])
    stored = StoredFile.objects.create(
        sha256="0" * 64,
        size=10,
        content_type="image/jpeg",
        kind="image",
        original_name=PRIVATE[4],
        storage_name="evidence/portal-test-0001.jpg",
        uploaded_by=office,
        uploaded_at=PUBLISHED_AT,
        purpose="evidence",
    )
    Evidence.objects.create(problem=p1, file=stored, caption=PRIVATE[3], uploaded_by=office)
    WarningRecord.objects.create(
        problem=p1, colour="yellow", effective_date=date(2020, 8, 31), reason=PRIVATE[5]
    )
    p2 = ProblemFactory(
        inspection=inspection,
        number="2",
        title="贵阳市南明河城区段黑臭水体整治不到位问题",
        region=guiyang,
        lead_unit=guiyang,
    )
    add_event(p2, EventKind.PROGRESS, date(2020, 3, 1), percent=100)
    add_event(p2, EventKind.ACCEPTED, date(2020, 4, 1))
    add_event(p2, EventKind.SIGNED_OFF, date(2020, 5, 1))
    p3 = ProblemFactory(
        inspection=inspection,
        number="3",
        title="遵义市中心城区生活垃圾填埋场渗滤液超标排放问题",
        region=zunyi,
        lead_unit=zunyi,
        original_deadline=date(2020, 6, 30),
        deadline=date(2020, 6, 30),
    )
    add_event(p3, EventKind.PROGRESS, date(2020, 5, 1), percent=60)
    p4 = ProblemFactory(
        inspection=inspection,
        number="4",
        title="尚未列入台账的问题",
        start_date=date(2020, 10, 1),
        original_deadline=date(2021, 6, 30),
        deadline=date(2021, 6, 30),
    )
    return inspection, [p1, p2, p3, p4]


NARRATIVE = "省委常委会专题研究督察整改工作，压实生态环境保护党政同责、一岗双责。"


def seed_disclosures(inspection, office) -> tuple[Disclosure, Disclosure, Disclosure]:
    """Through the reports actions: a disclosure published as of AS_OF with the office's
    narrative, a draft as of 2020-09-05, and one as of 2020-07-31 published then withdrawn."""
    draft = actions.check_create_disclosure(inspection, AS_OF, "zh", actor=office, today=TODAY)
    draft = actions.check_update_narratives(
        draft, {"responsibility": NARRATIVE}, expected_version=draft.version, actor=office
    )
    published = actions.check_publish_disclosure(
        draft, expected_version=draft.version, actor=office
    )
    gone = actions.check_create_disclosure(
        inspection, date(2020, 7, 31), "zh", actor=office, today=TODAY
    )
    gone = actions.check_publish_disclosure(gone, expected_version=gone.version, actor=office)
    gone = actions.check_withdraw_disclosure(
        gone, reason="数据有误", expected_version=gone.version, actor=office
    )
    draft = actions.check_create_disclosure(
        inspection, date(2020, 9, 5), "zh", actor=office, today=TODAY
    )
    published.refresh_from_db()  # the figures as stored (JSON keys are strings)
    return published, draft, gone


ROW = {
    "acceptance_no": "D3GZ201811050012",
    "content": "播州区某养殖场粪污直排河道。",
    "region": "遵义市播州区",
    "pollution_types": "水",
    "investigation": "经查，情况属实。",
    "verdict": "属实",
    "handling": "责令停产整改。",
    "accountability": "无",
}


def seed_publications(inspection, office) -> tuple[Publication, Publication]:
    """A complaint-handling publication in force and a withdrawn one."""
    batch = ComplaintBatch.objects.create(
        inspection=inspection, number=1, received_on=date(2018, 11, 5), stated_count=1
    )
    live = Publication.objects.create(
        inspection=inspection,
        batch=batch,
        as_of=date(2018, 11, 20),
        title="第1批信访举报件办理情况",
        paragraphs=["已办结1件。"],
        figures={"assigned": 1},
        rows=[ROW],
        published_by=office,
    )
    withdrawn = Publication.objects.create(
        inspection=inspection,
        batch=batch,
        as_of=date(2018, 11, 10),
        title="第1批（撤回）",
        rows=[{**ROW, "acceptance_no": "X3GZ201811050099", "handling": "撤回的办理情况"}],
        published_by=office,
        withdrawn_at=datetime(2018, 11, 12, tzinfo=UTC),
        withdrawn_reason="更正",
    )
    return live, withdrawn


def seed_all(office) -> Published:
    inspection, problems = seed_ledger(office)
    published, draft, withdrawn = seed_disclosures(inspection, office)
    live, gone = seed_publications(inspection, office)
    return Published(inspection, problems, published, draft, withdrawn, live, gone)


class Outline(HTMLParser):
    """What an accessibility review looks at first: lang, landmarks, headings, tables."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self._in_table: list[bool] = []  # a caption seen in each open table

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th" and attrs.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            self.th_without_scope += 1

    def has(self, tag: str, **attrs) -> bool:
        return any(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self.tags)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def assert_accessible(html: str) -> Outline:
    """lang on <html>; skip link to <main id="main">; banner, navigation, contentinfo;
    one h1 and no skipped heading level; every table captioned, every th scoped."""
    o = outline(html)
    assert o.lang, "no lang attribute on <html>"
    assert o.has("a", href="#main", **{"class": "skip-link"}), "no skip link"
    assert o.has("main", id="main"), "no <main id=main>"
    assert o.has("header") and o.has("nav") and o.has("footer")
    assert o.headings and o.headings[0] == 1 and o.headings.count(1) == 1, o.headings
    for before, after in zip(o.headings, o.headings[1:], strict=False):
        assert after <= before + 1, f"heading level skipped: {o.headings}"
    assert o.captions == o.tables, f"{o.tables} tables, {o.captions} captions"
    assert o.th_without_scope == 0
    return o
