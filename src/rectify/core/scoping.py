"""Data scope: the one place that decides which rows a user may see.

A user's scope is computed by the user model (`user.data_scope()`, see accounts); every
view, API route and export narrows its queryset with `scoped()` and fetches single objects
with `get_scoped_or_404()`, so "missing" and "not yours" give the same 404.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    """Either everything (`all`), nothing, or the orgs selected by `org_ids` (a subquery)."""

    all: bool = False
    org_ids: Any = None  # a values("id") queryset of orgs, or None for no rows

    @property
    def is_empty(self) -> bool:
        return not self.all and self.org_ids is None


NOTHING = Scope()
EVERYTHING = Scope(all=True)


def scope_of(user: Any) -> Scope:
    """The data scope of a user; anonymous users and users without a role see nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    return user.data_scope()


def scoped(qs: QuerySet, user: Any, *org_fields: str) -> QuerySet:
    """Narrow `qs` to rows whose org (through any of `org_fields`) lies in the user's scope.

    `org_fields` are lookups ending at an Org (e.g. "lead_unit", "region"), or "pk" when
    the queryset is of orgs themselves. A row is visible when any of them matches.
    """
    if not org_fields:
        raise ValueError("scoped() needs at least one org field")
    scope = scope_of(user)
    if scope.all:
        return qs
    if scope.is_empty:
        return qs.none()
    condition = Q()
    for field in org_fields:
        if _is_multivalued(qs.model, field):
            # A join through a many-valued relation would repeat rows; a subquery does not.
            inner = qs.model._default_manager.filter(**{f"{field}__in": scope.org_ids})
            condition |= Q(pk__in=inner.values("pk"))
        else:
            condition |= Q(**{f"{field}__in": scope.org_ids})
    return qs.filter(condition)


def _is_multivalued(model: Any, lookup: str) -> bool:
    opts = model._meta
    for part in lookup.split("__"):
        if part == "pk":
            return False
        field = opts.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


def get_scoped_or_404(qs: QuerySet, user: Any, *org_fields: str, **lookup: Any) -> Any:
    """The single object matching `lookup` inside the user's scope, or Http404."""
    try:
        return scoped(qs, user, *org_fields).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
