"""Read side of the ledger, always through the caller's scope.

A problem is visible to a unit when it leads it, cooperates on it, or the problem lies in
its region; it may write (progress, extension requests) only where it is the lead unit.
"""

from django.db.models import QuerySet

from rectify.core.scoping import get_scoped_or_404, scoped
from rectify.problems.models import Inspection, Problem

PROBLEM_SCOPE_FIELDS = ("lead_unit", "region", "cooperating_units")
PROBLEM_WRITE_FIELDS = ("lead_unit",)


def visible_problems(user) -> QuerySet[Problem]:
    qs = Problem.objects.select_related("inspection", "aspect", "category", "region", "lead_unit")
    return scoped(qs, user, *PROBLEM_SCOPE_FIELDS)


def access_problem(user, pk, *, for_write: bool = False) -> Problem:
    """The problem if in scope (for writing: if the user's org leads it), else Http404."""
    fields = PROBLEM_WRITE_FIELDS if for_write else PROBLEM_SCOPE_FIELDS
    qs = Problem.objects.select_related("inspection", "aspect", "category", "region", "lead_unit")
    return get_scoped_or_404(qs, user, *fields, pk=pk)


def visible_inspections(user) -> QuerySet[Inspection]:
    """Inspections with at least one visible problem (all of them for province-wide roles)."""
    from rectify.core.scoping import scope_of

    scope = scope_of(user)
    if scope.all:
        return Inspection.objects.select_related("target_region", "parent")
    if scope.is_empty:
        return Inspection.objects.none()
    ids = visible_problems(user).values("inspection_id")
    return Inspection.objects.select_related("target_region", "parent").filter(pk__in=ids)
