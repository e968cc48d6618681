from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from rectify.accounts.roles import Cap, has_cap
from rectify.orgs.queries import access_org, visible_orgs


def _require_directory(request) -> None:
    if not has_cap(request.user, Cap.VIEW_ORG_DIRECTORY):
        raise Http404


@login_required
def org_list(request):
    _require_directory(request)
    orgs = visible_orgs(request.user)
    return render(request, "orgs/org_list.html", {"orgs": orgs})


@login_required
def org_detail(request, code: str):
    _require_directory(request)
    org = access_org(request.user, code)
    children = visible_orgs(request.user).filter(parent=org)
    return render(
        request,
        "orgs/org_detail.html",
        {"org": org, "children": children, "ancestors": org.ancestors().exclude(pk=org.pk)},
    )
