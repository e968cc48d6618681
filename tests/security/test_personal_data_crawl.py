"""Whistle-blower protection, proven by looking everywhere: canary complainant names, phone
numbers and addresses are seeded through the real intake, then every page reachable by
following links (from every parameterless route and every object page), every GET route of
the API, every download (xlsx/docx unzipped), the application log and a raw dump of every
database table are searched, as every role and as the public. Zero hits.

The only sanctioned exit — the office's reveal with a reason — is a POST, which the crawl
never sends; it is checked on its own at the end, so the test would notice if the canaries
were not in the database at all.

Officials held accountable are canaries too, for everybody but the office and the leaders
(the only roles with VIEW_OFFICIAL_NAMES): their names and posts must reach no unit,
reviewer, team member, sysadmin, auditor or the public. And the raw database — the SQLite
image (plus its WAL when on disk), or on PostgreSQL a COPY of every table as pg_dump would
write it — holds no complainant value in plaintext.
"""

import io
import logging
import re
import zipfile
from collections import deque
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rectify.complaints import actions
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import PollutionType
from rectify.complaints.states import Step, Verdict
from rectify.orgs.models import Org
from rectify.oversight import actions as oversight
from rectify.oversight.models import Rank, SanctionClass
from rectify.problems.testing import InspectionFactory, ProblemFactory

pytestmark = pytest.mark.django_db(transaction=False)

CANARIES = [
    PersonalData(name="柯雨桐", phone="18608512345", address="云岩区虚构巷77号"),
    PersonalData(name="欧阳青禾", phone="0851-86669999", address="播州区鸭溪镇金沙村九组"),
    PersonalData(name="Zed Canaryman", phone="+86 139 0000 4242", address="Nowhere Lane 9"),
]
# Officials held accountable in a 播州区 case: (name, post). Names and posts are shown only
# to roles with VIEW_OFFICIAL_NAMES (office, leader).
OFFICIALS = [
    ("甄守仁", "鸭溪镇环保专干兼副镇长"),
    ("Quinn Officialdom", "Deputy Director of Canary Affairs"),
]
SEES_OFFICIALS = {"office_clerk", "leader"}
PAGE_LIMIT = 600
VARIANTS_PER_PATH = 3
SKIP = re.compile(r"^/(static/|accounts/logout|i18n/|jsi18n/|media/)")
HREF = re.compile(r"""(?:href|hx-get|src)\s*=\s*["']([^"'#]+)""")


def _needles() -> list[bytes]:
    """Each canary value as UTF-8, as JSON-escaped text, and as the hex of its bytes (how a
    database dump writes an unencrypted BLOB)."""
    out: set[bytes] = set()
    for data in CANARIES:
        for value in data.values():
            raw = value.encode()
            out.add(raw)
            out.add(value.encode("unicode_escape").replace(b"\\u", b"\\\\u"))
            out.add(value.encode("unicode_escape"))
            out.add(raw.hex().encode())
            out.add(raw.hex().upper().encode())
    return [n for n in out if len(n) >= 4]


NEEDLES = _needles()
OFFICIAL_NEEDLES = [
    n
    for value in (v for pair in OFFICIALS for v in pair)
    for n in (value.encode(), value.encode("unicode_escape"))
    if len(n) >= 4
]


def _expand(body: bytes) -> bytes:
    """The bytes to search: zip-based downloads (xlsx, docx) are searched inside."""
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return b"".join(z.read(name) for name in z.namelist())
        except zipfile.BadZipFile:
            return body
    return body


def _hits(body: bytes, needles: list[bytes] = NEEDLES) -> list[bytes]:
    data = _expand(body)
    return [n for n in needles if n in data]


@pytest.fixture
def seeded(office_clerk, bozhou_clerk, zunyi_clerk):
    """Complaints carrying canary complainants, handled, closed and published."""
    inspection = InspectionFactory(code="central-canary", feedback_date=date(2025, 8, 1))
    ProblemFactory(inspection=inspection, lead_unit=Org.objects.get(code="520304"))
    bozhou = Org.objects.get(code="520304")
    air = PollutionType.objects.filter(name__in=["大气", "水"])
    with time_machine.travel(date(2025, 6, 10)):
        batch = actions.check_create_batch(
            actor=office_clerk,
            inspection=inspection,
            number=1,
            received_on=date(2025, 6, 1),
            stated_count=len(CANARIES),
        )
        complaints = []
        for i, canary in enumerate(CANARIES, start=1):
            complaints.append(
                actions.check_create_complaint(
                    batch,
                    actor=office_clerk,
                    data=ComplaintData(
                        acceptance_no=f"D3GZ2025060100{i:02d}",
                        # Complainants often sign their own text: intake must scrub it.
                        content=f"{canary.name}反映鸭溪镇某化工厂夜间排放刺鼻废气,"
                        f"联系电话{canary.phone},住{canary.address}。",
                        region=bozhou,
                        pollution_types=list(air),
                        personal=canary,
                    ),
                )
            )
        actions.check_assign_batch(
            batch, actor=office_clerk, effective_date=date(2025, 6, 1), deadline=date(2025, 6, 16)
        )
        for c in complaints[:2]:
            c.refresh_from_db()
            actions.check_file_result(
                c,
                actor=bozhou_clerk,
                effective_date=date(2025, 6, 5),
                data=ResultData(
                    investigation="经现场核查,该厂废气收集设施未正常运行。",
                    verdict=Verdict.TRUE,
                    handling="责令立即整改,立案处罚。",
                    ordered_rectify=1,
                    penalty_cases=1,
                    fines_yuan=Decimal("80000"),
                ),
                close=Step.CLOSE,
            )
        try:
            from rectify.complaints.publication import check_publish
        except ImportError:  # pragma: no cover - the publication module is part of the app
            raise
        check_publish(batch, date(2025, 6, 8), actor=office_clerk)
    _seed_officials(office_clerk, inspection, bozhou)
    return complaints


def _seed_officials(office, inspection, org: Org) -> None:
    """An accountability case of 播州区 naming the canary officials."""
    case = oversight.check_create_case(
        actor=office,
        data={
            "inspection": inspection,
            "number": "1",
            "title": "鸭溪镇化工厂废气问题责任追究",
            "source": "transferred",
            "received_date": date(2025, 7, 1),
        },
    )
    for name, post in OFFICIALS:
        oversight.check_add_held_person(
            case,
            actor=office,
            data={
                "name": name,
                "post": post,
                "unit_name": "播州区人民政府",
                "org": org,
                "rank": Rank.objects.get(code="division"),
                "sanction": SanctionClass.objects.get(name="诫勉谈话"),
                "decision_date": date(2025, 8, 1),
            },
        )


def _start_urls(complaint_ids: list[int]) -> list[str]:
    """Every route without parameters, and every route with integer parameters filled with
    the seeded complaints' ids (other objects' pages are reached through links)."""
    urls: list[str] = ["/"]

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                full = prefix + route
                if full.startswith("^") or "(?P" in full:
                    continue
                if "<" not in full:
                    urls.append("/" + full)
                else:
                    for pk in complaint_ids[:1]:
                        urls.append("/" + re.sub(r"<(?:int:)?\w+>", str(pk), full))

    walk(get_resolver().url_patterns, "")
    return [u for u in dict.fromkeys(urls) if not SKIP.match(u) and "<" not in u]


def _crawl(
    client: Client,
    starts: list[str],
    findings: list,
    who: str,
    visited: set,
    needles: list[bytes] = NEEDLES,
) -> int:
    seen_variants: dict[str, int] = {}
    queue = deque(starts)
    pages = 0
    while queue and pages < PAGE_LIMIT:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        path = urlsplit(url).path
        if url != path:
            seen_variants[path] = seen_variants.get(path, 0) + 1
            if seen_variants[path] > VARIANTS_PER_PATH:
                continue
        response = client.get(url, HTTP_HX_REQUEST="false")
        pages += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for needle in _hits(body, needles):
            findings.append((who, url, needle))
        header_blob = str(response.headers).encode()
        for needle in _hits(header_blob, needles):
            findings.append((who, url + " [headers]", needle))
        if response.status_code in (301, 302) and response.get("Location"):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(body.decode("utf-8", "replace")):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local.startswith("/") and not SKIP.match(local) and local not in visited:
                queue.append(local)
    return pages


def _api_paths(client: Client, complaint_ids: list[int]) -> list[str]:
    spec = client.get("/api/v1/openapi.json").json()
    out = []
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        filled = re.sub(r"\{[^}]+\}", str(complaint_ids[0]), path)
        out.append(filled)
        if "{" in path:
            out.append(re.sub(r"\{[^}]+\}", str(complaint_ids[-1]), path))
    return out


def _raw_database() -> bytes:
    """The database as stored: on SQLite the database image (the file and its WAL when on
    disk, else the in-memory image), on PostgreSQL every table in COPY text format, which
    is what pg_dump writes (COPY runs inside this test's transaction, so it sees the rows)."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        path = Path(name)
        if not connection.is_in_memory_db() and path.exists():
            wal = path.with_name(path.name + "-wal")
            return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        return bytes(raw.serialize())
    chunks: list[bytes] = []
    with raw.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            with cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


def _database_dump() -> bytes:
    """Every row of every table, as text (bytea/BLOB columns appear as hex)."""
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value))
                        chunks.append(bytes(value).hex().encode())
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


@pytest.fixture
def cast_users(
    office_clerk,
    leader,
    zunyi_clerk,
    bozhou_clerk,
    guiyang_outsider,
    dept_clerk,
    zunyi_reviewer,
    team_member,
    sysadmin,
    auditor,
):
    return [
        office_clerk,
        leader,
        zunyi_clerk,
        bozhou_clerk,
        guiyang_outsider,
        dept_clerk,
        zunyi_reviewer,
        team_member,
        sysadmin,
        auditor,
        None,  # the public
    ]


def test_no_complainant_data_leaves_the_system_by_any_page_api_export_log_or_dump(
    seeded, cast_users, settings, caplog
):
    settings.RECTIFY_REQUIRE_2FA = False
    caplog.set_level(logging.DEBUG)
    ids = [c.pk for c in seeded]
    starts = _start_urls(ids)
    findings: list = []
    crawled = 0
    api_calls = 0
    office_saw: set[str] = set()
    for user in cast_users:
        client = Client()
        who = "public"
        if user is not None:
            client.force_login(user)
            who = user.username
        visited: set[str] = set()
        needles = NEEDLES if who in SEES_OFFICIALS else NEEDLES + OFFICIAL_NEEDLES
        crawled += _crawl(client, starts, findings, who, visited, needles)
        if user is cast_users[0]:
            office_saw = visited
        for path in _api_paths(client, ids):
            response = client.get(path)
            api_calls += 1
            for needle in _hits(response.content, needles):
                findings.append((who, path, needle))
    # The auditor reads who changed which official's record in the audit log: auditing a
    # name quietly dropped from a case needs the name. Its audit pages are exempt for
    # officials (never for complainants, whose data the log does not hold in clear).
    findings = [
        f
        for f in findings
        if not (f[0] == "auditor" and f[1].startswith("/audit/") and f[2] in OFFICIAL_NEEDLES)
    ]
    log_text = "\n".join(r.getMessage() for r in caplog.records).encode()
    findings += [("log", "-", n) for n in _hits(log_text)]
    findings += [("database", "-", n) for n in _hits(_database_dump())]
    raw_dump = _raw_database()
    findings += [("raw database", connection.vendor, n) for n in _hits(raw_dump)]

    print(f"canary crawl: {crawled} pages, {api_calls} API answers, 11 callers")
    assert findings == [], "\n".join(
        f"{w} {u} {n.decode(errors='replace')}" for w, u, n in findings[:40]
    )
    # The crawl really went places: every role saw pages, and the office's complaint pages.
    assert crawled > 200 and api_calls > 50, (crawled, api_calls)

    # The office's crawl reached every seeded complaint's page and the downloads.
    for pk in ids:
        assert f"/complaints/{pk}/" in office_saw
    assert any(u.endswith(".xlsx") or "xlsx" in u for u in office_saw), sorted(office_saw)[:50]
    assert any(u.endswith(".docx") or "docx" in u for u in office_saw)

    # The raw dump really holds the complaints (their acceptance numbers are plain data).
    assert b"D3GZ2025060100" in raw_dump, len(raw_dump)
    # Officials' names are there for those who may see them: the office and the leader.
    pages = _official_pages(cast_users[:2])
    for name, _post in OFFICIALS:
        forms = (name.encode(), name.encode("unicode_escape"))  # HTML and JSON text
        assert sum(any(f in page for f in forms) for page in pages) == len(pages), name

    # And the data is really there, for the office's audited reveal only: the same search
    # finds it in the reveal's answer (so the search itself works).
    office = Client()
    office.force_login(cast_users[0])
    page = office.post(f"/complaints/{ids[0]}/reveal/", {"reason": "回访核实办理结果"})
    assert page.status_code == 200 and page["Cache-Control"].find("no-store") >= 0
    assert _hits(page.content)
    api = office.post(
        f"/api/v1/complaints/{ids[1]}/reveal",
        {"reason": "回访核实办理结果"},
        content_type="application/json",
    )
    assert api.status_code == 200 and _hits(api.content)


def _official_pages(users) -> list[bytes]:
    """The accountability pages (HTML and API) of the canary case as seen by `users`."""
    from rectify.oversight.models import AccountabilityCase

    case = AccountabilityCase.objects.get(title="鸭溪镇化工厂废气问题责任追究")
    pages = []
    for user in users:
        client = Client()
        client.force_login(user)
        for url in (f"/oversight/accountability/{case.pk}/", f"/api/v1/oversight/cases/{case.pk}"):
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            pages.append(response.content)
    return pages
