"""Repeats, the ledger link and the complainant's identity (office only, with a reason)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints import crypto
from rectify.complaints.actions.common import (
    _check_version,
    _require_manager,
    complaint_state,
)
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import (
    Complainant,
    Complaint,
    RepeatRejection,
)
from rectify.complaints.permissions import may_reveal_complainant
from rectify.core import audit
from rectify.problems.models import Problem

# --- repeats and links ------------------------------------------------------------------


@transaction.atomic
def check_mark_repeat(
    complaint: Complaint,
    *,
    actor,
    original: Complaint | None,
    expected_version: int | None,
    effective_date: date | None = None,
) -> Complaint:
    """Link a complaint to the first one it repeats (None unlinks). Complaints that
    repeated this one follow it to the first, so every chain stays one level deep."""
    _require_manager(actor)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_version(c, expected_version)
    effective_date = effective_date or timezone.localdate()
    if effective_date > timezone.localdate():
        raise ValidationError({"effective_date": [_("The date cannot be in the future.")]})
    root = None
    if original is not None:
        if original.pk == c.pk:
            raise ValidationError({"repeat_of": [_("A complaint cannot repeat itself.")]})
        # Walk from fresh rows: the caller's copy may predate a link made meanwhile.
        root = Complaint.objects.get(pk=original.pk)
        seen = set()
        while root.repeat_of_id is not None and root.pk not in seen:
            seen.add(root.pk)
            root = Complaint.objects.get(pk=root.repeat_of_id)
        if root.pk == c.pk:
            raise ValidationError(
                {"repeat_of": [_("%(no)s already repeats this complaint.") % {"no": original}]}
            )
    before = complaint_state(c)
    c.repeat_of = root
    c.repeat_linked_on = effective_date if root is not None else None
    c.version += 1
    c.save(update_fields=["repeat_of", "repeat_linked_on", "version"])
    moved = []
    if root is not None:
        followers = Complaint.objects.select_for_update().filter(repeat_of=c)
        moved = list(followers.values_list("acceptance_no", flat=True))
        followers.update(repeat_of=root)
    audit.record(
        "complaints.mark_repeat" if root else "complaints.unmark_repeat",
        actor=actor,
        obj=c,
        before=before,
        after={**complaint_state(c), "followers_moved": moved},
    )
    return c


@transaction.atomic
def check_reject_repeat(complaint: Complaint, *, actor, other: Complaint) -> None:
    """The office says a suggested pair is not a repeat; it is not suggested again."""
    _require_manager(actor)
    if other.pk == complaint.pk:
        raise ValidationError({"other": [_("A complaint cannot repeat itself.")]})
    a, b = sorted((complaint.pk, other.pk))
    _rejection, created = RepeatRejection.objects.get_or_create(
        complaint_id=a, other_id=b, defaults={"decided_by": actor}
    )
    if created:
        audit.record(
            "complaints.reject_repeat",
            actor=actor,
            obj=complaint,
            after={"not_a_repeat_of": other.acceptance_no},
        )


@transaction.atomic
def check_link_problem(
    complaint: Complaint, *, actor, problem: Problem | None, expected_version: int | None
) -> Complaint:
    """Link a complaint to the ledger problem it is part of (None unlinks)."""
    _require_manager(actor)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_version(c, expected_version)
    before = complaint_state(c)
    c.problem = problem
    c.version += 1
    c.save(update_fields=["problem", "version"])
    audit.record(
        "complaints.link_problem", actor=actor, obj=c, before=before, after=complaint_state(c)
    )
    return c


# --- complainant data -------------------------------------------------------------------


@transaction.atomic
def check_reveal_complainant(complaint: Complaint, *, actor, reason: str) -> PersonalData:
    """The complainant's identity, for the office only, with a reason that is audited (the
    audit event holds the reason, never the data)."""
    if not may_reveal_complainant(actor):
        raise PermissionDenied(_("Only the rectification office may see who complained."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError(
            {"reason": [_("Say why you need the complainant's identity (at least 4 characters).")]}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    record = Complainant.objects.filter(complaint=complaint).first()
    audit.record(
        "complaints.reveal_complainant",
        actor=actor,
        obj=complaint,
        after={"reason": reason, "on_file": record is not None},
    )
    if record is None:
        return PersonalData()
    return crypto.decrypt(record.ciphertext, record.key_id, context=complaint.acceptance_no)
