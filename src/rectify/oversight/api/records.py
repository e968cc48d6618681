"""Meeting and responsibility-letter routes."""

from typing import Any

from django.http import HttpRequest
from ninja.responses import Status as Reply

from rectify.oversight import actions, queries
from rectify.oversight.api.common import (
    IF_MATCH,
    READ_ERRORS,
    WRITE_ERRORS,
    manager,
    org_ref,
    router,
    version_from,
    viewer,
)
from rectify.oversight.models import (
    Meeting,
    ResponsibilityLetter,
)
from rectify.oversight.refs import OversightRefs
from rectify.oversight.schemas import (
    LetterIn,
    LetterOut,
    LetterPatch,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
)
from rectify.problems.schemas import VERSION_HELP

# --- meetings --------------------------------------------------------------------------------


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "date": m.date,
        "kind": m.kind.name,
        "topic": m.topic,
        "inspection": m.inspection.code if m.inspection_id else None,
        "chaired_by": m.chaired_by,
        "notes": m.notes,
        "version": m.version,
    }


def _meeting_fields(data: dict, refs: OversightRefs, user) -> dict:
    if "kind" in data:
        data["kind"] = refs.meeting_kind("kind", data["kind"])
    if "inspection" in data:
        data["inspection"] = refs.inspection("inspection", data["inspection"], user)
    return data


@router.get(
    "/oversight/meetings",
    response={200: list[MeetingOut], **READ_ERRORS},
    summary="Meetings that heard rectification work",
)
def list_meetings(request: HttpRequest, inspection: str | None = None, kind: str | None = None):
    user = viewer(request)
    qs = queries.visible_meetings(user)
    if inspection:
        qs = qs.filter(inspection__code=inspection)
    if kind:
        qs = qs.filter(kind__name=kind)
    return [_meeting(m) for m in qs]


@router.post(
    "/oversight/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Record a meeting (office)",
)
def create_meeting(request: HttpRequest, payload: MeetingIn):
    user = manager(request)
    refs = OversightRefs()
    data = _meeting_fields(payload.dict(), refs, user)
    refs.check()
    return Reply(201, _meeting(actions.check_create_meeting(actor=user, data=data)))


@router.patch(
    "/oversight/meetings/{int:meeting_id}",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Edit a meeting (office)",
    description=VERSION_HELP,
)
def update_meeting(
    request: HttpRequest, meeting_id: int, payload: MeetingPatch, if_match: str | None = IF_MATCH
):
    user = manager(request)
    meeting = queries.access_meeting(user, meeting_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _meeting_fields(changes, refs, user)
    refs.check()
    meeting = actions.check_update_meeting(
        meeting, actor=user, expected_version=expected, changes=changes
    )
    return _meeting(meeting)


# --- responsibility letters ------------------------------------------------------------------


def _letter(letter: ResponsibilityLetter) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "year": letter.year,
        "org": org_ref(letter.org),
        "inspection": letter.inspection.code if letter.inspection_id else None,
        "title": letter.title,
        "signed_on": letter.signed_on,
        "signatory": letter.signatory,
        "targets": [t.text for t in letter.targets.all()],
        "version": letter.version,
    }


def _letter_fields(data: dict, refs: OversightRefs, user) -> dict:
    if "org" in data:
        data["org"] = refs.org("org", data["org"])
    if data.get("inspection") is not None:
        data["inspection"] = refs.inspection("inspection", data["inspection"], user)
    return data


@router.get(
    "/oversight/letters",
    response={200: list[LetterOut], **READ_ERRORS},
    summary="Responsibility letters (units: their own)",
)
def list_letters(request: HttpRequest, year: int | None = None):
    user = viewer(request)
    qs = queries.visible_letters(user).prefetch_related("targets")
    if year:
        qs = qs.filter(year=year)
    return [_letter(letter) for letter in qs]


@router.post(
    "/oversight/letters",
    response={201: LetterOut, **WRITE_ERRORS},
    summary="Record a responsibility letter (office)",
)
def create_letter(request: HttpRequest, payload: LetterIn):
    user = manager(request)
    refs = OversightRefs()
    data = _letter_fields(payload.dict(), refs, user)
    refs.check()
    return Reply(201, _letter(actions.check_create_letter(actor=user, data=data)))


@router.patch(
    "/oversight/letters/{int:letter_id}",
    response={200: LetterOut, **WRITE_ERRORS},
    summary="Edit a letter, e.g. record its signing (office)",
    description=VERSION_HELP,
)
def update_letter(
    request: HttpRequest, letter_id: int, payload: LetterPatch, if_match: str | None = IF_MATCH
):
    user = manager(request)
    letter = queries.access_letter(user, letter_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _letter_fields(changes, refs, user)
    refs.check()
    letter = actions.check_update_letter(
        letter, actor=user, expected_version=expected, changes=changes
    )
    return _letter(letter)
