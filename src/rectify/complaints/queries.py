"""The read side of complaints, scoped: the only way views, API routes and exports get rows.

Who sees which complaint (DESIGN, "Who uses it"): the office and leaders all of them; a unit
(or reviewer, or battle-team member through its grants) those assigned to a lead unit inside
its scope — a complaint not yet assigned belongs to nobody but the office. Sysadmin and
auditor see none. Complainant data is never part of these querysets' use: see actions.
"""

from django.db.models import QuerySet

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.core.scoping import get_scoped_or_404, scoped


def visible_complaints(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("batch__inspection", "region", "lead_unit")
    if not has_cap(user, Cap.VIEW_BUSINESS):
        return qs.none()
    return scoped(qs, user, "lead_unit")


def access_complaint(user, pk, *, for_write: bool = False) -> Complaint:
    """The complaint `pk` if the user may see it, else Http404 (same for missing)."""
    qs = Complaint.objects.select_related("batch__inspection", "region", "lead_unit")
    if not has_cap(user, Cap.VIEW_BUSINESS):
        qs = qs.none()
    if for_write:
        qs = qs.select_for_update(of=("self",))
    return get_scoped_or_404(qs, user, "lead_unit", pk=pk)


def visible_batches(user) -> QuerySet[ComplaintBatch]:
    """Batches with at least one complaint the user sees (all batches for the office)."""
    qs = ComplaintBatch.objects.select_related("inspection")
    if not has_cap(user, Cap.VIEW_BUSINESS):
        return qs.none()
    if user.data_scope().all:
        return qs
    return qs.filter(pk__in=visible_complaints(user).values("batch_id"))
