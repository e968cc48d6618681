"""API authentication: the browser session, or an `Authorization: Bearer rct_…` token."""

from django.conf import settings
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from rectify.accounts.models import ApiToken, token_digest


class SessionAuth(APIKeyCookie):
    """The Django session cookie (CSRF-checked on unsafe methods), two-factor respected."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Without a session cookie there is nothing to forge: skip the CSRF check and let
        # TokenAuth try, so that token-only clients can POST.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if settings.RECTIFY_REQUIRE_2FA and user.needs_two_factor and not user.is_verified():
            return None
        return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token.startswith("rct_"):
            return None
        found = (
            ApiToken.objects.select_related("user", "user__org")
            .filter(digest=token_digest(token))
            .first()
        )
        if found is None or not found.is_usable or not found.user.is_active:
            return None
        now = timezone.now()
        # Written at most once a minute: a write per request would serialise readers on SQLite.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


session_auth = SessionAuth()
token_auth = TokenAuth()
AUTH = [session_auth, token_auth]
