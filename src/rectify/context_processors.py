from django.conf import settings

from rectify import __version__
from rectify.navigation import menu_for


def shell(request):
    """What the base layout needs: the menu for this user and the product version."""
    user = getattr(request, "user", None)
    return {
        "nav_items": menu_for(user) if user is not None and user.is_authenticated else [],
        "rectify_version": __version__,
        "two_factor_relaxed": not settings.RECTIFY_REQUIRE_2FA,
    }
