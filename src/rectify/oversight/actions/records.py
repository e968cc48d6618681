"""Meetings (会议) and responsibility letters (目标责任书). Office only."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import audit
from rectify.orgs.models import OrgKind
from rectify.oversight.actions.common import (
    Errors,
    add,
    check_model,
    lock,
    not_future,
    raise_if,
    require,
    state,
    touch,
)
from rectify.oversight.models import LetterTarget, Meeting, ResponsibilityLetter

MEETING_FIELDS = ["date", "kind", "topic", "inspection", "chaired_by", "notes"]
LETTER_FIELDS = ["year", "org", "inspection", "title", "signed_on", "signatory"]
LETTER_EDITABLE = set(LETTER_FIELDS) - {"year", "org"} | {"targets"}
LETTER_ORG_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.DEPARTMENT, OrgKind.COUNTY)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


# --- meetings ------------------------------------------------------------------------------------


def _validate_meeting(meeting: Meeting, errors: Errors, today: date) -> None:
    check_model(meeting, errors)
    not_future(errors, "date", meeting.date, today)
    if meeting.kind_id and not meeting.kind.is_active:
        previous = Meeting.objects.filter(pk=meeting.pk).values_list("kind_id", flat=True)
        if meeting.kind_id not in previous:
            add(errors, "kind", _("This kind of meeting is no longer in use."))
    duplicate = Meeting.objects.filter(
        date=meeting.date, kind_id=meeting.kind_id, topic=meeting.topic
    ).exclude(pk=meeting.pk)
    if meeting.topic and duplicate.exists():
        add(errors, "topic", _("This meeting is recorded already."))


@transaction.atomic
def check_create_meeting(*, actor, data: dict[str, Any], today: date | None = None) -> Meeting:
    require(actor)
    today = today or timezone.localdate()
    meeting = Meeting(**{k: v for k, v in _clean(data).items() if k in MEETING_FIELDS})
    errors: Errors = {}
    _validate_meeting(meeting, errors, today)
    raise_if(errors)
    meeting.save()
    audit.record("oversight.create_meeting", actor=actor, obj=meeting, after=state(meeting))
    return meeting


@transaction.atomic
def check_update_meeting(
    meeting: Meeting,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> Meeting:
    require(actor)
    today = today or timezone.localdate()
    locked = lock(meeting, expected_version)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = state(locked)
    for key, value in _clean(changes).items():
        setattr(locked, key, value)
    errors: Errors = {}
    _validate_meeting(locked, errors, today)
    raise_if(errors)
    touch(locked)
    locked.save()
    audit.record(
        "oversight.update_meeting", actor=actor, obj=locked, before=before, after=state(locked)
    )
    return locked


# --- responsibility letters ----------------------------------------------------------------


def letter_state(letter: ResponsibilityLetter) -> dict[str, Any]:
    data = state(letter)
    data["targets"] = list(letter.targets.order_by("seq").values_list("text", flat=True))
    return data


def _validate_letter(letter: ResponsibilityLetter, targets, errors: Errors, today: date) -> None:
    check_model(letter, errors)
    if letter.year and not 2000 <= letter.year <= today.year + 1:
        add(errors, "year", _("The year is out of range."))
    if letter.org_id and letter.org.kind not in LETTER_ORG_KINDS:
        add(errors, "org", _("Letters are signed with prefectures, counties or departments."))
    not_future(errors, "signed_on", letter.signed_on, today)
    if letter.signed_on and letter.year and abs(letter.signed_on.year - letter.year) > 1:
        add(errors, "signed_on", _("The signing date is far from the letter's year."))
    if letter.signed_on and not letter.signatory:
        add(errors, "signatory", _("Say who signed the letter."))
    duplicate = ResponsibilityLetter.objects.filter(year=letter.year, org_id=letter.org_id)
    if letter.org_id and duplicate.exclude(pk=letter.pk).exists():
        add(errors, "org", _("This unit has a letter for that year already."))
    for i, text in enumerate(targets or [], start=1):
        if not str(text).strip():
            add(errors, f"targets[{i}]", _("A target needs its text."))


def _write_targets(letter: ResponsibilityLetter, targets) -> None:
    letter.targets.all().delete()
    LetterTarget.objects.bulk_create(
        LetterTarget(letter=letter, seq=i, text=str(t).strip())
        for i, t in enumerate(targets or [], start=1)
    )


@transaction.atomic
def check_create_letter(
    *, actor, data: dict[str, Any], today: date | None = None
) -> ResponsibilityLetter:
    require(actor)
    today = today or timezone.localdate()
    data = _clean(data)
    letter = ResponsibilityLetter(**{k: data[k] for k in LETTER_FIELDS if k in data})
    errors: Errors = {}
    _validate_letter(letter, data.get("targets"), errors, today)
    raise_if(errors)
    letter.save()
    _write_targets(letter, data.get("targets"))
    audit.record("oversight.create_letter", actor=actor, obj=letter, after=letter_state(letter))
    return letter


@transaction.atomic
def check_update_letter(
    letter: ResponsibilityLetter,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> ResponsibilityLetter:
    """Edit a letter, e.g. record its signing; its year and unit are fixed."""
    require(actor)
    today = today or timezone.localdate()
    locked = lock(letter, expected_version)
    unknown = set(changes) - LETTER_EDITABLE
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = letter_state(locked)
    changes = _clean(changes)
    for key, value in changes.items():
        if key != "targets":
            setattr(locked, key, value)
    errors: Errors = {}
    _validate_letter(locked, changes.get("targets"), errors, today)
    raise_if(errors)
    touch(locked)
    locked.save()
    if "targets" in changes:
        _write_targets(locked, changes["targets"])
    audit.record(
        "oversight.update_letter",
        actor=actor,
        obj=locked,
        before=before,
        after=letter_state(locked),
    )
    return locked
