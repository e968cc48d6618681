"""Open data (开放数据): what the portal publishes, as CSV and JSON, with an index page
describing each dataset and its fields.

- problems: each inspection's problem list with its status as of today (the public rows
  of problem_views, nothing more);
- disclosures: the frozen figures of every published disclosure, one row per figure;
- complaint handling: the frozen rows of every complaint-handling publication that is
  published and not withdrawn (already without personal data when frozen).

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly, with
Chinese headers, and text a spreadsheet would take for a formula is neutralised. JSON has
the fields' keys. Both are built from the same rows.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.complaints import publication as pubs
from rectify.complaints.models import Publication
from rectify.portal.disclosure_views import flatten_figures, published_disclosures
from rectify.portal.problem_views import (
    PROBLEM_FIELDS,
    Field,
    public_inspection,
    public_inspections,
    public_problems,
    public_rows,
)
from rectify.portal.ratelimit import rate_limited
from rectify.problems.excel.cells import neutralise
from rectify.problems.states import Status

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

PROBLEM_DATASET_FIELDS = [
    *PROBLEM_FIELDS,
    Field("url", "网址", _("Address of the problem's page on this portal.")),
]
DISCLOSURE_FIELDS = [
    Field("disclosure", "公开编号", _("Number of the disclosure on this portal.")),
    Field("title", "标题", _("Title of the disclosure.")),
    Field("inspection", "督察", _("Code of the inspection.")),
    Field("as_of", "数据截至", _("Date the figures are as of (YYYY-MM-DD).")),
    Field("published_at", "公开时间", _("When the disclosure was published.")),
    Field(
        "figure",
        "指标",
        _("Key of the figure, e.g. problems.completed or problems.by_category.思想认识类."),
    ),
    Field("value", "数值", _("The figure as published (frozen on publication).")),
]
COMPLAINT_META_FIELDS = [
    Field("publication", "公开编号", _("Number of the publication on this portal.")),
    Field("inspection", "督察", _("Code of the inspection.")),
    Field("batch", "交办批次", _("Number of the batch the complaint was transferred in.")),
    Field("as_of", "办理情况截至", _("Date the handling is reported as of (YYYY-MM-DD).")),
    Field("published_at", "公开时间", _("When the publication was published.")),
]


def complaint_fields() -> list[Field]:
    """Publication metadata, then the columns of the complaint-handling table."""
    return [*COMPLAINT_META_FIELDS, *(Field(c.key, c.zh, c.en) for c in pubs.COLUMNS)]


def cell(value: Any) -> str:
    """A value as a CSV cell: dates ISO, booleans 是/否, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(fields: list[Field], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV text, line by line: BOM and Chinese headers, then one line per row."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM + writer.writerow([f.zh for f in fields])
    for row in rows:
        yield writer.writerow([cell(row.get(f.key)) for f in fields])


def csv_response(name: str, fields: list[Field], rows: Iterable[dict[str, Any]]):
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(fields, rows)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def json_response(name: str, data: dict[str, Any]) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _field_docs(fields: list[Field]) -> list[dict[str, str]]:
    return [{"key": f.key, "zh": f.zh, "description": str(f.description)} for f in fields]


# --- problems ---------------------------------------------------------------------------


def _problem_rows(request, code: str) -> tuple[date, Iterator[dict[str, Any]]]:
    today = timezone.localdate()
    inspection = public_inspection(code, today)

    def rows():
        for row in public_rows(public_problems(today, inspection=inspection), today):
            row["url"] = request.build_absolute_uri(reverse("portal:problem", args=[row["id"]]))
            yield row

    return today, rows()


@rate_limited(per_minute=30, scope="portal")
def problems_csv(request, code: str):
    today, rows = _problem_rows(request, code)
    return csv_response(f"problems-{code}-{today.isoformat()}.csv", PROBLEM_DATASET_FIELDS, rows)


@rate_limited(per_minute=30, scope="portal")
def problems_json(request, code: str):
    today, rows = _problem_rows(request, code)
    keys = [f.key for f in PROBLEM_DATASET_FIELDS]
    return json_response(
        f"problems-{code}-{today.isoformat()}.json",
        {
            "dataset": "problems",
            "inspection": code,
            "as_of": today,
            "fields": _field_docs(PROBLEM_DATASET_FIELDS),
            "rows": [{k: row[k] for k in keys} for row in rows],
        },
    )


# --- disclosures ------------------------------------------------------------------------


def _disclosure_rows() -> Iterator[dict[str, Any]]:
    for disclosure in published_disclosures().order_by("published_at", "pk").iterator():
        for figure, value in flatten_figures(disclosure.figures):
            yield {
                "disclosure": disclosure.pk,
                "title": disclosure.title,
                "inspection": disclosure.inspection.code,
                "as_of": disclosure.as_of,
                "published_at": disclosure.published_at,
                "figure": figure,
                "value": value,
            }


@rate_limited(per_minute=30, scope="portal")
def disclosures_csv(request):
    return csv_response("disclosures-figures.csv", DISCLOSURE_FIELDS, _disclosure_rows())


@rate_limited(per_minute=30, scope="portal")
def disclosures_json(request):
    items = [
        {
            "disclosure": d.pk,
            "title": d.title,
            "inspection": d.inspection.code,
            "as_of": d.as_of,
            "published_at": d.published_at,
            "lang": d.lang,
            "url": request.build_absolute_uri(reverse("portal:disclosure", args=[d.pk])),
            "figures": d.figures or {},
        }
        for d in published_disclosures().order_by("published_at", "pk")
    ]
    return json_response(
        "disclosures-figures.json", {"dataset": "disclosures", "disclosures": items}
    )


# --- complaint handling -----------------------------------------------------------------


def _publications(request) -> QuerySet[Publication]:
    """Published, not withdrawn; `?inspection=CODE` narrows to one inspection."""
    qs = pubs.published().order_by("inspection__code", "batch__number", "as_of", "pk")
    code = request.GET.get("inspection")
    if code:
        qs = qs.filter(inspection__code=code)
        if not qs.exists():
            raise Http404
    return qs


def _complaint_rows(publications: QuerySet[Publication]) -> Iterator[dict[str, Any]]:
    for pub in publications.iterator(chunk_size=20):
        meta = {
            "publication": pub.pk,
            "inspection": pub.inspection.code,
            "batch": pub.batch.number,
            "as_of": pub.as_of,
            "published_at": pub.published_at,
        }
        for item in pub.rows:
            yield {**meta, **{c.key: item.get(c.key, "") for c in pubs.COLUMNS}}


@rate_limited(per_minute=30, scope="portal")
def complaints_csv(request):
    publications = _publications(request)
    code = request.GET.get("inspection")
    name = f"complaint-handling-{code}.csv" if code else "complaint-handling.csv"
    return csv_response(name, complaint_fields(), _complaint_rows(publications))


@rate_limited(per_minute=30, scope="portal")
def complaints_json(request):
    publications = _publications(request)
    code = request.GET.get("inspection")
    return json_response(
        f"complaint-handling-{code}.json" if code else "complaint-handling.json",
        {
            "dataset": "complaint_handling",
            "fields": _field_docs(complaint_fields()),
            "rows": list(_complaint_rows(publications)),
        },
    )


# --- the index --------------------------------------------------------------------------


@rate_limited(per_minute=60, scope="portal")
def index(request):
    today = timezone.localdate()
    complaint_inspections = (
        pubs.published()
        .order_by("inspection__code")
        .values_list("inspection__code", "inspection__name")
        .distinct()
    )
    return render(
        request,
        "portal/opendata/index.html",
        {
            "today": today,
            "inspections": public_inspections(today),
            "problem_fields": PROBLEM_DATASET_FIELDS,
            "statuses": [(s.value, s.label) for s in Status],
            "disclosure_fields": DISCLOSURE_FIELDS,
            "disclosure_count": published_disclosures().count(),
            "complaint_fields": complaint_fields(),
            "complaint_inspections": list(complaint_inspections),
        },
    )
