from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from rectify.orgs.models import OrgKind
from rectify.orgs.queries import access_org, visible_orgs
from rectify.orgs.schemas import OrgOut

router = Router(tags=["orgs"])


class OrgFilter(Schema):
    kind: OrgKind | None = None
    parent: str | None = None
    q: str | None = None


@router.get("/orgs", response=list[OrgOut], summary="Orgs in the caller's scope")
@paginate
def list_orgs(request: HttpRequest, filters: Query[OrgFilter]):
    qs = visible_orgs(request.auth)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(short_name__contains=filters.q))
    return qs


@router.get("/orgs/{code}", response=OrgOut, summary="One org (404 outside scope)")
def get_org(request: HttpRequest, code: str):
    return access_org(request.auth, code)
