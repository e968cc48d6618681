"""The public portal's complaint-handling publications (边督边改公开): the list by inspection and
batch, each publication's page, its Word and Excel files and its table as open data (CSV,
JSON).

No login; rate-limited like the rest of the portal. Only frozen Publication rows that are
published and not withdrawn are served (complaints.publication.published): never a live
query of complaints, so what the public reads is exactly what the office published.
"""

from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from rectify.complaints import publication as pubs
from rectify.complaints.models import Publication
from rectify.portal.ratelimit import rate_limited


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _published(pk: int) -> Publication:
    pub = pubs.published().filter(pk=pk).first()
    if pub is None:
        raise Http404
    return pub


@rate_limited(per_minute=60, scope="portal")
def complaint_publications(request):
    items = (
        pubs.published()
        .defer("paragraphs", "figures", "rows")
        .order_by("-inspection__feedback_date", "inspection__code", "-batch__number", "-as_of")
    )
    inspections = []
    for inspection, of_inspection in groupby(items, key=lambda p: p.inspection):
        batches = [
            (batch, list(group)) for batch, group in groupby(of_inspection, lambda p: p.batch)
        ]
        inspections.append((inspection, batches))
    return render(request, "portal/complaints/list.html", {"inspections": inspections})


@rate_limited(per_minute=60, scope="portal")
def complaint_publication(request, pk: int):
    pub = _published(pk)
    english = _english()
    context = {
        "pub": pub,
        "title": pubs.title_from(pub.figures, "en") if english else pub.title,
        "paragraphs": pubs.paragraphs_from(pub.figures, "en") if english else pub.paragraphs,
        "table": pubs.table(pub.rows),
        "headers": pubs.headers("en" if english else "zh"),
        "attachment_title": pubs.attachment_title(pub.inspection, pub.batch.number),
        "rows_lang": "zh-Hans" if english else "",
    }
    return render(request, "portal/complaints/detail.html", context)


def _attachment(body, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@rate_limited(per_minute=30, scope="portal")
def publication_xlsx(request, pk: int):
    pub = _published(pk)
    return _attachment(
        pubs.publication_xlsx(pub), pubs.XLSX_CONTENT_TYPE, pubs.filename(pub, "xlsx")
    )


@rate_limited(per_minute=30, scope="portal")
def publication_docx(request, pk: int):
    pub = _published(pk)
    return _attachment(
        pubs.publication_docx(pub), pubs.DOCX_CONTENT_TYPE, pubs.filename(pub, "docx")
    )


@rate_limited(per_minute=30, scope="portal")
def rows_csv(request, pk: int):
    pub = _published(pk)
    body = pubs.rows_csv(pub).encode("utf-8")
    return _attachment(body, "text/csv; charset=utf-8", pubs.filename(pub, "csv"))


@rate_limited(per_minute=30, scope="portal")
def rows_json(request, pk: int):
    pub = _published(pk)
    response = HttpResponse(pubs.publication_json(pub), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{pubs.filename(pub, "json")}"'
    return response
