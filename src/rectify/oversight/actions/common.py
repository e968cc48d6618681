"""Helpers every oversight action uses: permission, locking with versions, validation,
audit states with related rows, and documents attached to a record."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit, files
from rectify.core.errors import ConflictError
from rectify.oversight.models import Document

Errors = dict[str, list[str]]
DOCUMENT_PURPOSE = "oversight"
MAX_FILES_PER_UPLOAD = 20
CAPTION_MAX = 200


def require(actor, cap: Cap = Cap.MANAGE_OVERSIGHT) -> None:
    # The CLI acts as a system actor (a string): whoever has a shell is trusted as the office.
    if isinstance(actor, str):
        return
    if not has_cap(actor, cap):
        raise PermissionDenied


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def lock(obj: models.Model, expected_version: int | None) -> Any:
    """The row locked for update; a stale version is a conflict and changes nothing."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("This record was changed by someone else; reload and retry."))
    return locked


def check_model(obj: models.Model, errors: Errors, *, exclude: list[str] | None = None) -> None:
    """Field validation of the model (lengths, choices, required) merged into `errors`."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(errors, field, message)


def not_future(errors: Errors, field: str, value: date | None, today: date | None = None) -> None:
    if value is not None and value > (today or timezone.localdate()):
        add(errors, field, _("The date is in the future."))


def state(obj: models.Model, **related: Any) -> dict[str, Any]:
    """An audit snapshot of a row plus the sorted codes/ids of its related rows."""
    data = audit.snapshot(obj)
    for key, values in related.items():
        data[key] = sorted(values)
    return data


def touch(obj: models.Model) -> None:
    obj.version += 1
    if hasattr(obj, "updated_at"):
        obj.updated_at = timezone.now()


# --- documents -------------------------------------------------------------------------------


def inspect_files(uploaded_files: list, caption: str, errors: Errors) -> list:
    """Check uploads before any transaction opens (images are decoded here)."""
    inspected = []
    if len(uploaded_files) > MAX_FILES_PER_UPLOAD:
        add(
            errors, "file", _("Upload at most %(n)s files at a time.") % {"n": MAX_FILES_PER_UPLOAD}
        )
        return inspected
    if len(caption or "") > CAPTION_MAX:
        add(
            errors,
            "caption",
            _("The caption is longer than %(n)s characters.") % {"n": CAPTION_MAX},
        )
    for upload in uploaded_files:
        try:
            inspected.append(files.inspect_upload(upload))
        except ValidationError as exc:
            for message in exc.messages:
                add(errors, "file", message)
    return inspected


def do_attach_documents(owner_field: str, owner, *, actor, inspected: list, caption: str = ""):
    """Store checked uploads and attach them to `owner` (inside the caller's transaction)."""
    if owner_field not in Document.OWNERS:
        raise ValueError(owner_field)
    documents = []
    for item in inspected:
        stored = files.store_inspected(item, actor=actor, purpose=DOCUMENT_PURPOSE)
        document = Document.objects.create(
            file=stored, caption=(caption or "").strip(), uploaded_by=actor, **{owner_field: owner}
        )
        audit.record(
            "oversight.attach_document",
            actor=actor,
            obj=owner,
            after={"document": document.pk, "file": stored.sha256, "name": stored.original_name},
        )
        documents.append(document)
    return documents


def check_attach_documents(
    owner_field: str, owner, *, actor, uploaded_files: list, caption: str = ""
) -> list[Document]:
    """Attach files to a case, action, meeting or letter (office), all or nothing."""
    require(actor)
    return attach_checked(
        owner_field, owner, actor=actor, uploaded_files=uploaded_files, caption=caption
    )


def attach_checked(owner_field: str, owner, *, actor, uploaded_files: list, caption: str = ""):
    """Inspect, then store and attach in one transaction; files of a rollback are deleted."""
    errors: Errors = {}
    if not uploaded_files:
        add(errors, "file", _("Choose at least one file."))
    inspected = inspect_files(uploaded_files, caption, errors)
    raise_if(errors)
    with files.discard_on_error(), transaction.atomic():
        return do_attach_documents(
            owner_field, owner, actor=actor, inspected=inspected, caption=caption
        )
