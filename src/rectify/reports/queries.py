"""The read side of disclosures: the only way views, the API and the CLI get them.

Published disclosures are for every business role; drafts and withdrawn ones for the
office only. A disclosure the user may not see answers 404, the same as a missing one.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rectify.problems.models import Inspection
from rectify.problems.queries import visible_inspections
from rectify.reports.models import Disclosure, DisclosureState
from rectify.reports.permissions import can_manage, can_view

MAX_ID = 2**31 - 1


def visible_disclosures(user) -> QuerySet[Disclosure]:
    qs = Disclosure.objects.select_related("inspection__target_region", "created_by")
    if can_manage(user):
        return qs
    if can_view(user):
        return qs.filter(state=DisclosureState.PUBLISHED)
    return qs.none()


def published_disclosures(user) -> QuerySet[Disclosure]:
    return visible_disclosures(user).filter(state=DisclosureState.PUBLISHED)


def access_disclosure(user, pk, *, for_write: bool = False) -> Disclosure:
    """The disclosure if the user may see it, else 404; for a write by a user who may see it
    but not change it, PermissionDenied."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < pk <= MAX_ID:
        raise Http404
    disclosure = visible_disclosures(user).filter(pk=pk).first()
    if disclosure is None:
        raise Http404
    if for_write and not can_manage(user):
        raise PermissionDenied
    return disclosure


def disclosure_inspections(user) -> QuerySet[Inspection]:
    """Inspections the user may compute a disclosure of (those it can see at all)."""
    if not can_view(user):
        return Inspection.objects.none()
    return visible_inspections(user)


def access_inspection(user, code: str) -> Inspection:
    inspection = disclosure_inspections(user).filter(code=code).first()
    if inspection is None:
        raise Http404
    return inspection
