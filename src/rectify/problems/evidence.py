"""Evidence on problems: attaching files and removing them, scope-checked and audited.

Who may do what (templates get the flags from `can_attach` / `can_remove`):
- attach: the office on any problem; a unit (REPORT_PROGRESS) on problems its org, or one
  of its descendants, leads (the same rule as progress reports in `actions.py`);
- remove: the office only, with a reason; removal is a soft delete and the file stays;
- see and download: anyone who sees the problem (`queries.visible_problems`); evidence
  the office removed stays visible to the office only.

Flags for the reviewer, computed once at upload from the photo's EXIF:
- `possibly_old_photo` (可能为旧照片): the capture time is before the day the problem was
  listed (`Problem.start_date`: a photo from before cannot show its rectification), or
  more than RECTIFY_EVIDENCE_PHOTO_MAX_AGE_DAYS (default 60) days before the upload;
- `possibly_elsewhere` (可能为异地照片): the photo's GPS position is more than
  RECTIFY_EVIDENCE_MAX_DISTANCE_KM (default 5) km from the problem's point, when the
  problem has both coordinates. Phones record WGS-84; Chinese web maps use GCJ-02, which
  is offset by at most about 0.7 km, far inside the threshold.
A photo without EXIF time or GPS gets no flag: the list shows the facts as unknown.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit, files
from rectify.core.models import StoredFile
from rectify.core.scoping import scoped
from rectify.problems.actions import _require_lead_scope
from rectify.problems.models import Evidence, Problem, StatusEvent
from rectify.problems.queries import PROBLEM_SCOPE_FIELDS, PROBLEM_WRITE_FIELDS

PURPOSE = "evidence"
MAX_FILES_PER_UPLOAD = 20
CAPTION_MAX = 200
EARTH_RADIUS_KM = 6371.0088
DEFAULT_PHOTO_MAX_AGE_DAYS = 60
DEFAULT_MAX_DISTANCE_KM = 5

EVIDENCE_SCOPE_FIELDS = tuple(f"problem__{f}" for f in PROBLEM_SCOPE_FIELDS)


# --- permissions -----------------------------------------------------------------------------


def can_remove(user) -> bool:
    """Only the office removes evidence."""
    return has_cap(user, Cap.EDIT_LEDGER)


def can_attach(user, problem: Problem) -> bool:
    """The office anywhere; a unit on problems its org (or a descendant) leads."""
    if has_cap(user, Cap.EDIT_LEDGER):
        return True
    if not has_cap(user, Cap.REPORT_PROGRESS):
        return False
    return scoped(Problem.objects.filter(pk=problem.pk), user, *PROBLEM_WRITE_FIELDS).exists()


def _require_attach(actor, problem: Problem) -> None:
    if has_cap(actor, Cap.EDIT_LEDGER):
        return
    if not has_cap(actor, Cap.REPORT_PROGRESS):
        raise PermissionDenied
    _require_lead_scope(actor, problem)


# --- read side -------------------------------------------------------------------------------


def visible_evidence(user) -> QuerySet[Evidence]:
    """Evidence on problems the user sees; removed evidence only for the office."""
    qs = Evidence.objects.select_related("file", "problem", "event", "uploaded_by", "removed_by")
    if not can_remove(user):
        qs = qs.active()
    return scoped(qs, user, *EVIDENCE_SCOPE_FIELDS)


def access_evidence(user, pk) -> Evidence:
    """One piece of evidence if the user may see it, else Http404 (missing or not yours)."""
    try:
        return visible_evidence(user).get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- flags -----------------------------------------------------------------------------------


def distance_km(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> Decimal:
    """Great-circle distance in km (haversine), to 0.01 km."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
    return Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evidence_flags(problem: Problem, stored: StoredFile, *, uploaded_at) -> dict[str, Any]:
    """The reviewer's flags for a stored file on a problem (rules in the module docstring)."""
    max_age = getattr(settings, "RECTIFY_EVIDENCE_PHOTO_MAX_AGE_DAYS", DEFAULT_PHOTO_MAX_AGE_DAYS)
    max_km = getattr(settings, "RECTIFY_EVIDENCE_MAX_DISTANCE_KM", DEFAULT_MAX_DISTANCE_KM)
    old = False
    if stored.taken_at is not None:
        taken_day = timezone.localtime(stored.taken_at).date()
        old = taken_day < problem.start_date or stored.taken_at < uploaded_at - timedelta(
            days=max_age
        )
    km = None
    if (
        stored.gps_lat is not None
        and stored.gps_lon is not None
        and problem.latitude is not None
        and problem.longitude is not None
    ):
        km = distance_km(stored.gps_lat, stored.gps_lon, problem.latitude, problem.longitude)
    return {
        "possibly_old_photo": old,
        "possibly_elsewhere": km is not None and km > Decimal(str(max_km)),
        "distance_km": km,
    }


# --- actions ---------------------------------------------------------------------------------


def check_attach_evidence(
    problem: Problem,
    *,
    actor,
    uploaded_file,
    caption: str = "",
    event: StatusEvent | None = None,
) -> Evidence:
    """Attach one file to a problem (or one of its events); a refused file writes nothing."""
    return check_attach_evidence_files(
        problem, actor=actor, uploaded_files=[uploaded_file], caption=caption, event=event
    )[0]


def check_attach_evidence_files(
    problem: Problem,
    *,
    actor,
    uploaded_files: list,
    caption: str = "",
    event: StatusEvent | None = None,
) -> list[Evidence]:
    """Attach several files at once, all or nothing; every refused file is named.

    Files are checked (and images decoded) before the transaction opens, so a slow image
    never holds the database's write lock; files stored by a transaction that rolls back
    are deleted again.
    """
    _require_attach(actor, problem)
    caption = (caption or "").strip()
    errors: dict[str, list[str]] = {}
    if not uploaded_files:
        errors["file"] = [_("Choose at least one file.")]
    elif len(uploaded_files) > MAX_FILES_PER_UPLOAD:
        errors["file"] = [_("Upload at most %(n)s files at a time.") % {"n": MAX_FILES_PER_UPLOAD}]
    if len(caption) > CAPTION_MAX:
        errors["caption"] = [_("The caption is longer than %(n)s characters.") % {"n": CAPTION_MAX}]
    if event is not None and event.problem_id != problem.pk:
        errors["event"] = [_("This event belongs to another problem.")]
    inspected = []
    if "file" not in errors:
        for upload in uploaded_files:
            try:
                inspected.append(files.inspect_upload(upload))
            except ValidationError as exc:
                errors.setdefault("file", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with files.discard_on_error(), transaction.atomic():
        return [
            do_attach_evidence(problem, actor=actor, inspected=i, caption=caption, event=event)
            for i in inspected
        ]


def do_attach_evidence(
    problem: Problem,
    *,
    actor,
    inspected: files.Inspected,
    caption: str = "",
    event: StatusEvent | None = None,
) -> Evidence:
    """Store a checked upload and attach it (inside the caller's transaction), audited."""
    stored = files.store_inspected(inspected, actor=actor, purpose=PURPOSE)
    now = stored.uploaded_at
    flags = evidence_flags(problem, stored, uploaded_at=now)
    evidence = Evidence.objects.create(
        problem=problem,
        event=event,
        file=stored,
        caption=caption,
        uploaded_by=actor,
        uploaded_at=now,
        **flags,
    )
    audit.record(
        "problems.evidence.attach",
        actor=actor,
        obj=problem,
        after={
            "evidence": evidence.pk,
            "file": stored.pk,
            "name": stored.original_name,
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "caption": caption,
            "event": event.pk if event else None,
            "taken_at": stored.taken_at,
            "gps": [stored.gps_lat, stored.gps_lon] if stored.gps_lat is not None else None,
            **flags,
        },
    )
    return evidence


@transaction.atomic
def check_remove_evidence(evidence: Evidence, *, actor, reason: str) -> Evidence:
    """The office withdraws evidence, saying why; the file and the row stay."""
    if not can_remove(actor):
        raise PermissionDenied
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    errors: dict[str, list[str]] = {}
    if evidence.removed_at is not None:
        errors["reason"] = [_("This evidence was removed already.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the evidence is removed.")]
    if errors:
        raise ValidationError(errors)
    return do_remove_evidence(evidence, actor=actor, reason=reason)


@transaction.atomic
def do_remove_evidence(evidence: Evidence, *, actor, reason: str) -> Evidence:
    """Soft-delete evidence (office only, checked here too: it hides proof), audited."""
    if not can_remove(actor):
        raise PermissionDenied
    reason = reason.strip()
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.removal_reason = reason
    evidence.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit.record(
        "problems.evidence.remove",
        actor=actor,
        obj=evidence.problem,
        before={"evidence": evidence.pk, "removed": False},
        after={
            "evidence": evidence.pk,
            "removed": True,
            "file": evidence.file_id,
            "reason": reason,
        },
    )
    return evidence


def evidenced_problem_ids(as_of: date | None = None) -> QuerySet:
    """Ids (a subquery) of problems with evidence on file, as of the end of a day if given.

    Evidence the office removed after that day still counted on it; for the data-quality
    check "completed without evidence".
    """
    qs = Evidence.objects.all()
    if as_of is None:
        qs = qs.active()
    else:
        end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
        qs = qs.filter(uploaded_at__lt=end).filter(
            Q(removed_at__isnull=True) | Q(removed_at__gte=end)
        )
    return qs.values("problem_id")
