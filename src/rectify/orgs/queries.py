"""Read side of the org tree, always through the caller's scope."""

from django.db.models import QuerySet

from rectify.core.scoping import get_scoped_or_404, scoped
from rectify.orgs.models import Org


def visible_orgs(user) -> QuerySet[Org]:
    """Orgs the user may see: its subtree for units, all for office and leaders."""
    return scoped(Org.objects.select_related("parent"), user, "pk")


def access_org(user, code: str) -> Org:
    """One org by code if it is in scope; Http404 otherwise (missing or not yours)."""
    return get_scoped_or_404(Org.objects.select_related("parent"), user, "pk", code=code)
