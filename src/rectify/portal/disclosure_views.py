"""The public archive of published disclosures (公开): the list, a page per disclosure with its
frozen text and figures, its Word document, and the figures as JSON.

Everything shown comes from what was frozen on publication, rendered by the reports app's
own renderers (reports.render.frozen_document: the same text and figure table as the Word
file and the CLI): nothing is recomputed, so the page reads the same whatever happens to
the ledger later. Drafts and withdrawn disclosures answer 404 like missing ones.
"""

import json
from typing import Any

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render as render_page

from rectify.portal.ratelimit import rate_limited
from rectify.reports import render
from rectify.reports.models import Disclosure, DisclosureState

# Keys describing the disclosure rather than a figure (the open data has them as columns).
META_KEYS = ("inspection", "as_of")


def published_disclosures() -> QuerySet[Disclosure]:
    """Disclosures the public may read: published and not withdrawn, newest first."""
    return (
        Disclosure.objects.filter(state=DisclosureState.PUBLISHED, published_at__isnull=False)
        .select_related("inspection")
        .order_by("-published_at", "-pk")
    )


def _published(pk: int) -> Disclosure:
    disclosure = published_disclosures().filter(pk=pk).first()
    if disclosure is None:
        raise Http404
    return disclosure


def content_lang(disclosure: Disclosure) -> str:
    """The BCP 47 tag of the disclosure's own language, for the lang attribute."""
    return "en" if (disclosure.lang or "").startswith("en") else "zh-Hans"


def flatten_figures(figures: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """The frozen figures as (key path, scalar) pairs with the contract's own keys, e.g.
    ("problems.by_category.思想认识类", 8); follow-up records are keyed by their inspection."""
    pairs: list[tuple[str, Any]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}" if path else str(k), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                name = v.get("inspection", i) if isinstance(v, dict) else i
                walk(f"{path}.{name}", v)
        else:
            pairs.append((path, value))

    walk("", {k: v for k, v in (figures or {}).items() if k not in META_KEYS})
    return pairs


def disclosure_data(disclosure: Disclosure) -> dict[str, Any]:
    """A published disclosure as open data: what identifies it and its frozen figures."""
    return {
        "id": disclosure.pk,
        "title": disclosure.title,
        "inspection": disclosure.inspection.code,
        "inspection_name": disclosure.inspection.name,
        "as_of": disclosure.as_of,
        "published_at": disclosure.published_at,
        "lang": disclosure.lang,
        "figures": disclosure.figures or {},
    }


@rate_limited(per_minute=60, scope="portal")
def disclosure_list(request):
    page = Paginator(published_disclosures().defer("figures", "paragraphs"), 20).get_page(
        request.GET.get("page")
    )
    return render_page(request, "portal/disclosures/list.html", {"page": page})


@rate_limited(per_minute=60, scope="portal")
def disclosure_detail(request, pk: int):
    document = render.frozen_document(_published(pk))
    return render_page(
        request,
        "portal/disclosures/detail.html",
        {
            "disclosure": document.disclosure,
            "doc": document,
            "content_lang": content_lang(document.disclosure),
            "rows": render.figure_rows(document.figures, document.lang),
            "caption": render.figures_caption(document),
        },
    )


@rate_limited(per_minute=30, scope="portal")
def disclosure_docx(request, pk: int):
    document = render.frozen_document(_published(pk))
    response = HttpResponse(
        render.render(document, "docx"), content_type=render.CONTENT_TYPES["docx"]
    )
    response["Content-Disposition"] = f'attachment; filename="{render.filename(document, "docx")}"'
    return response


@rate_limited(per_minute=30, scope="portal")
def disclosure_json(request, pk: int):
    disclosure = _published(pk)
    body = json.dumps(
        disclosure_data(disclosure), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"disclosure-{disclosure.inspection.code}-{disclosure.as_of.isoformat()}.json"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
