"""Publishing a batch's handling (frozen into a Publication) and withdrawing it: office
only, one transaction each, audited. The portal shows only `published()`."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints.models import ComplaintBatch, Publication
from rectify.complaints.permissions import manages
from rectify.complaints.publication.table import public_rows
from rectify.complaints.publication.text import paragraphs_from, publication_figures, title_from
from rectify.core import audit


def published() -> QuerySet[Publication]:
    """Publications the public may see: published and not withdrawn."""
    return Publication.objects.filter(withdrawn_at__isnull=True).select_related(
        "inspection", "batch"
    )


def _publication_state(pub: Publication) -> dict[str, Any]:
    """What the audit log records of a publication (figures, not the table's texts)."""
    return {
        **audit.snapshot(
            pub,
            ["inspection", "batch", "as_of", "title", "published_at", "withdrawn_at"],
        ),
        "figures": pub.figures,
        "rows": len(pub.rows),
    }


@transaction.atomic
def check_publish(batch: ComplaintBatch, as_of: date, *, actor) -> Publication:
    """Publish the handling of `batch` as of `as_of`: paragraphs, figures and table frozen."""
    if not manages(actor):
        raise PermissionDenied(_("Only the rectification office may publish."))
    batch = ComplaintBatch.objects.select_for_update().select_related("inspection").get(pk=batch.pk)
    errors: dict[str, list[str]] = {}
    if as_of > timezone.localdate():
        errors["as_of"] = [_("The date cannot be in the future.")]
    elif as_of < batch.received_on:
        errors["as_of"] = [
            _("Batch %(n)d was transferred on %(day)s; publish as of that day or later.")
            % {"n": batch.number, "day": batch.received_on.isoformat()}
        ]
    elif published().filter(batch=batch, as_of=as_of).exists():
        errors["as_of"] = [
            _(
                "The handling of batch %(n)d as of %(day)s is already published; withdraw "
                "that publication first."
            )
            % {"n": batch.number, "day": as_of.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    figures = publication_figures(batch, as_of)
    if not figures["batch"]["transferred"]:
        raise ValidationError({"batch": [_("The batch holds no complaints yet.")]})
    pub = Publication.objects.create(
        inspection=batch.inspection,
        batch=batch,
        as_of=as_of,
        title=title_from(figures)[:200],
        paragraphs=paragraphs_from(figures),
        figures=figures,
        rows=public_rows(batch, as_of),
        published_by=actor,
    )
    audit.record("complaints.publish", actor=actor, obj=pub, after=_publication_state(pub))
    return pub


@transaction.atomic
def check_withdraw_publication(pub: Publication, *, actor, reason: str) -> Publication:
    """Take a publication off the portal, with a reason; the record stays."""
    if not manages(actor):
        raise PermissionDenied(_("Only the rectification office may withdraw a publication."))
    pub = Publication.objects.select_for_update().get(pk=pub.pk)
    reason = (reason or "").strip()
    if pub.withdrawn_at is not None:
        raise ValidationError({"reason": [_("This publication is already withdrawn.")]})
    if len(reason) < 4:
        raise ValidationError(
            {"reason": [_("Say why the publication is withdrawn (at least 4 characters).")]}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    before = _publication_state(pub)
    pub.withdrawn_at = timezone.now()
    pub.withdrawn_reason = reason
    pub.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit.record(
        "complaints.withdraw_publication",
        actor=actor,
        obj=pub,
        before=before,
        after={**_publication_state(pub), "reason": reason},
    )
    return pub
