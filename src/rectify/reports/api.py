"""Disclosure API: the disclosure of an inspection as of a date (figures and text), the
published disclosures, and the office's drafts: create, narratives, publish, withdraw,
compare with a recomputation.

Thin: rows from reports.queries (out of scope → 404), every write from reports.actions,
every format from reports.render. Errors follow rectify/api.py: 403 a role that may not
act, 404 out of scope or unknown, 409 a stale version, 422 bad input naming the field.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status as Reply

from rectify.core.dbrouter import reporting_reads
from rectify.problems.models import Inspection
from rectify.problems.schemas import ErrorOut
from rectify.reports import actions, permissions, queries
from rectify.reports import render as formats
from rectify.reports.models import Disclosure
from rectify.reports.schemas import (
    CompareOut,
    CreateIn,
    DisclosureOut,
    DisclosureSummaryOut,
    NarrativesIn,
    TextFormat,
    VersionIn,
    WithdrawIn,
)
from rectify.reports.text import LANGS

router = Router(tags=["reports"])

READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422}): ErrorOut}


def _require_view(user) -> None:
    if not permissions.can_view(user):
        raise PermissionDenied


def _out(document: formats.DisclosureDocument) -> dict[str, Any]:
    d = document.disclosure
    return {
        "id": d.pk if d is not None else None,
        "inspection": document.inspection.code,
        "as_of": document.as_of,
        "lang": document.lang,
        "state": document.state,
        "title": document.title,
        "version": d.version if d is not None else None,
        "published_at": document.published_at,
        "withdrawn_reason": document.withdrawn_reason,
        "narratives": (d.narratives or {}) if d is not None and not document.frozen else None,
        "sections": [s.as_dict() for s in document.sections],
        "figures": document.figures,
    }


def _summary(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.pk,
        "inspection": d.inspection.code,
        "as_of": d.as_of,
        "lang": d.lang,
        "state": d.state,
        "title": d.title,
        "published_at": d.published_at,
        "version": d.version,
    }


def _respond(document: formats.DisclosureDocument, fmt: str):
    if fmt == "text":
        body = formats.render(document, "text")
        return HttpResponse(body, content_type=formats.CONTENT_TYPES["text"])
    return _out(document)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValidationError({"lang": _("The language must be zh or en.")})


@router.get(
    "/reports/disclosure",
    response={200: DisclosureOut, **READ_ERRORS},
    summary="The disclosure of an inspection as of a date: figures and text",
    description=(
        "The published disclosure of that inspection, date and language if there is one "
        "(frozen as published, for every business role); otherwise computed now from the "
        "ledger, for inspections the caller can see. `format=text` answers the plain text."
    ),
)
def disclosure(
    request: HttpRequest,
    inspection: str,
    as_of: dt.date,
    lang: str = "zh",
    format: TextFormat = "json",
):
    user = request.auth
    _require_view(user)
    _check_lang(lang)
    today = timezone.localdate()
    if as_of > today:
        raise ValidationError(
            {
                "as_of": _("The figures cannot be as of a date after today (%(today)s).")
                % {"today": today.isoformat()}
            }
        )
    # A published disclosure is for every business role; computing one now needs an
    # inspection the caller can see.
    published = queries.published_disclosures(user).filter(
        inspection__code=inspection, as_of=as_of, lang=lang
    )
    if published.exists():
        return _respond(formats.frozen_document(published.get()), format)
    found = queries.access_inspection(user, inspection)
    with reporting_reads():
        document = formats.live_document(found, as_of, lang)
    return _respond(document, format)


@router.get(
    "/reports/disclosures",
    response={200: list[DisclosureSummaryOut], **READ_ERRORS},
    summary="Published disclosures, latest first (the office may ask for drafts too)",
)
def list_disclosures(
    request: HttpRequest,
    inspection: str | None = None,
    state: str = "published",
):
    user = request.auth
    _require_view(user)
    qs = queries.visible_disclosures(user)
    if state != "all":
        qs = qs.filter(state=state)
    if inspection:
        qs = qs.filter(inspection__code=inspection)
    return [_summary(d) for d in qs.order_by("-as_of", "inspection__code", "lang", "-pk")]


@router.get(
    "/reports/disclosures/{int:disclosure_id}",
    response={200: DisclosureOut, **READ_ERRORS},
    summary="One disclosure: frozen when published, computed now for a draft",
)
def get_disclosure(request: HttpRequest, disclosure_id: int, format: TextFormat = "json"):
    user = request.auth
    _require_view(user)
    d = queries.access_disclosure(user, disclosure_id)
    return _respond(formats.document_of(d), format)


@router.post(
    "/reports/disclosures",
    response={201: DisclosureOut, **WRITE_ERRORS},
    summary="Create a draft disclosure (office)",
)
def create_disclosure(request: HttpRequest, payload: CreateIn):
    user = request.auth
    _require_view(user)
    if not permissions.can_manage(user):
        raise PermissionDenied
    inspection = Inspection.objects.filter(code=payload.inspection).first()
    if inspection is None:
        raise ValidationError({"inspection": _("There is no inspection with this code.")})
    d = actions.check_create_disclosure(inspection, payload.as_of, payload.lang, actor=user)
    return Reply(201, _out(formats.document_of(queries.access_disclosure(user, d.pk))))


@router.post(
    "/reports/disclosures/{int:disclosure_id}/narratives",
    response={200: DisclosureOut, **WRITE_ERRORS},
    summary="Set the office's text of some sections of a draft (send its version)",
)
def update_narratives(request: HttpRequest, disclosure_id: int, payload: NarrativesIn):
    user = request.auth
    _require_view(user)
    d = queries.access_disclosure(user, disclosure_id, for_write=True)
    d = actions.check_update_narratives(
        d, payload.narratives, expected_version=payload.version, actor=user
    )
    return _out(formats.document_of(d))


@router.post(
    "/reports/disclosures/{int:disclosure_id}/publish",
    response={200: DisclosureOut, **WRITE_ERRORS},
    summary="Publish a draft: its figures and text are frozen",
)
def publish_disclosure(request: HttpRequest, disclosure_id: int, payload: VersionIn):
    user = request.auth
    _require_view(user)
    d = queries.access_disclosure(user, disclosure_id, for_write=True)
    d = actions.check_publish_disclosure(d, expected_version=payload.version, actor=user)
    return _out(formats.document_of(d))


@router.post(
    "/reports/disclosures/{int:disclosure_id}/withdraw",
    response={200: DisclosureOut, **WRITE_ERRORS},
    summary="Withdraw a published disclosure, with the reason",
)
def withdraw_disclosure(request: HttpRequest, disclosure_id: int, payload: WithdrawIn):
    user = request.auth
    _require_view(user)
    d = queries.access_disclosure(user, disclosure_id, for_write=True)
    d = actions.check_withdraw_disclosure(
        d, reason=payload.reason, expected_version=payload.version, actor=user
    )
    return _out(formats.document_of(d))


@router.get(
    "/reports/disclosures/{int:disclosure_id}/compare",
    response={200: CompareOut, **READ_ERRORS},
    summary="Recompute a published disclosure's figures for its date and list differences",
)
def compare_disclosure(request: HttpRequest, disclosure_id: int):
    user = request.auth
    _require_view(user)
    d = queries.access_disclosure(user, disclosure_id)
    if not permissions.can_compare(user, d):
        raise ValidationError({"state": _("Only a published disclosure has figures to compare.")})
    differences = actions.recompute_diff(d)
    return {
        "id": d.pk,
        "as_of": d.as_of,
        "same": not differences,
        "differences": [
            {"path": path, "published": frozen, "recomputed": now}
            for path, frozen, now in differences
        ],
    }
