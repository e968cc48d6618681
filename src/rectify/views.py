"""The signed-in home page: who you are, what you may see, where to go."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from rectify.accounts.roles import Cap, has_cap
from rectify.core.scoping import scope_of
from rectify.navigation import menu_for
from rectify.orgs.queries import visible_orgs


def home(request):
    """Staff see their overview; everyone else lands on the public portal."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    return _home(request)


@login_required
def _home(request):
    scope = scope_of(request.user)
    context = {
        "scope_all": scope.all,
        "scope_empty": scope.is_empty,
        "org_count": None if scope.is_empty else visible_orgs(request.user).count(),
        "menu": menu_for(request.user)[1:],
        "can_view_orgs": has_cap(request.user, Cap.VIEW_ORG_DIRECTORY),
    }
    return render(request, "home.html", context)
