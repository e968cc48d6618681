"""Two-factor gate: office, sysadmin and auditor accounts reach nothing until TOTP-verified."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet verified user still needs.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/health",
    "/i18n/",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.RECTIFY_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "two_factor_required", "message": "Two-factor verification needed."},
                    status=401,
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)
