"""What every oversight route shares: the router, role checks, versions, small serialisers,
and the reference data and figures routes."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.responses import Status as Reply

from rectify.core.scoping import scope_of
from rectify.oversight import stats
from rectify.oversight.models import (
    MeetingKind,
    Rank,
    SanctionClass,
)
from rectify.oversight.permissions import can_manage, can_view
from rectify.oversight.refs import OversightRefs
from rectify.oversight.schemas import (
    ReferenceOut,
)
from rectify.problems.api import _expected_version
from rectify.problems.schemas import ErrorOut

router = Router(tags=["oversight"])

READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 428}): ErrorOut}
IF_MATCH = Header(None, description='"<version>" as read')


def today() -> date:
    return timezone.localdate()


def viewer(request: HttpRequest):
    user = request.auth
    if not can_view(user):
        raise PermissionDenied
    return user


def manager(request: HttpRequest):
    user = viewer(request)
    if not can_manage(user):
        raise PermissionDenied
    return user


def version_from(changes: dict, if_match: str | None) -> int | Reply:
    expected = _expected_version(changes.pop("version", None), if_match)
    if expected is None:
        return Reply(
            428,
            {
                "code": "version_required",
                "message": _('Send the version you read, as "version" in the body or as If-Match.'),
            },
        )
    return expected


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def org_ref(org) -> dict[str, str] | None:
    return {"code": org.code, "name": org.name} if org is not None else None


def problem_ref(p) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.pk, "inspection": p.inspection.code, "number": p.number, "title": p.title}


def documents_out(qs) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "name": d.file.original_name,
            "caption": d.caption,
            "sha256": d.file.sha256,
            "uploaded_at": d.uploaded_at,
        }
        for d in qs.select_related("file")
    ]


# --- reference and figures -----------------------------------------------------------------


@router.get(
    "/oversight/reference",
    response={200: ReferenceOut, **READ_ERRORS},
    summary="Ranks, sanction classes and kinds of meeting in use",
)
def reference(request: HttpRequest):
    viewer(request)
    return {
        "ranks": dict(Rank.objects.values_list("code", "label")),
        "sanction_classes": list(
            SanctionClass.objects.filter(is_active=True).values_list("name", flat=True)
        ),
        "meeting_kinds": list(
            MeetingKind.objects.filter(is_active=True).values_list("name", flat=True)
        ),
    }


@router.get(
    "/oversight/figures",
    response={200: dict, **READ_ERRORS},
    summary="Accountability, supervision, meetings, teams and letters of an inspection as of "
    "a date (office and leaders)",
    description=(
        "`disclosure` has exactly the keys the disclosure report uses; `details` adds "
        "typical and provincial cases, findings, listed problems and visits. With "
        "`followups=true` the inspection's follow-up inspections count too."
    ),
)
def figures(
    request: HttpRequest, inspection: str, as_of: date | None = None, followups: bool = False
):
    user = viewer(request)
    if not scope_of(user).all:
        raise PermissionDenied  # province-wide aggregates: the office and leaders
    refs = OversightRefs()
    found = refs.inspection("inspection", inspection, user)
    refs.check()
    day = as_of or today()
    return {
        "inspection": found.code,
        "as_of": day.isoformat(),
        "followups": followups,
        "disclosure": stats.disclosure_figures(found, day, followups=followups),
        "details": {
            k: v for k, v in stats.figures(found, day, followups=followups).items() if k != "as_of"
        },
    }
