"""Gates every signed-in request passes: absolute session lifetime, two-factor (office,
sysadmin and auditor reach nothing until TOTP-verified) and password expiry."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
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
# Paths a user whose password has expired still needs (the change page itself).
_PASSWORD_OPEN_PREFIXES = (*_OPEN_PREFIXES, "/accounts/password/")

# Session key holding the sign-in time (seconds since the epoch).
LOGIN_AT = "rectify_login_at"


@receiver(user_logged_in, dispatch_uid="rectify.accounts.stamp_login_time")
def stamp_login_time(sender, request, user, **kwargs):
    """Remember when this session signed in (SessionLifetimeMiddleware reads it)."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """End a session RECTIFY_SESSION_MAX_HOURS after sign-in, however active (idle expiry is
    SESSION_COOKIE_AGE). Sessions without a stamp (signed in before this existed) start
    counting now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            if login_at is None:
                request.session[LOGIN_AT] = time.time()
            elif time.time() - login_at > settings.RECTIFY_SESSION_MAX_HOURS * 3600:
                logout(request)  # flushes the session row: the old cookie is worthless
                return self._signed_out(request)
        return self.get_response(request)

    def _signed_out(self, request):
        if _is_api(request):
            return JsonResponse(
                {"code": "session_expired", "message": "Session expired; sign in again."},
                status=401,
            )
        # The session is gone, so no flash message: the login page reads `ended`.
        return redirect(f"{reverse('accounts:login')}?ended=1&next={quote(request.path)}")


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
            if _is_api(request):
                return JsonResponse(
                    {"code": "two_factor_required", "message": "Two-factor verification needed."},
                    status=401,
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={quote(request.path)}")
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Send a user whose password is older than RECTIFY_PASSWORD_MAX_AGE_DAYS (or was set by
    the sysadmin, where passwords expire) to the change-password page before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_PASSWORD_OPEN_PREFIXES)
            and user.password_expired(settings.RECTIFY_PASSWORD_MAX_AGE_DAYS)
        ):
            if _is_api(request):
                return JsonResponse(
                    {"code": "password_expired", "message": "Change your password first."},
                    status=403,
                )
            target = reverse("accounts:password_change")
            return redirect(f"{target}?next={quote(request.path)}")
        return self.get_response(request)
