"""Production settings: everything of settings.py, hardened; `check --deploy` is clean here."""

import os

from django.core.exceptions import ImproperlyConfigured

from rectify.settings import *  # noqa: F403
from rectify.settings import env_bool

if not os.environ.get("RECTIFY_SECRET_KEY"):
    raise ImproperlyConfigured("RECTIFY_SECRET_KEY must be set in production.")

DEBUG = False
# The complainant-data key must be provisioned (and backed up) by the operator, never made up.
RECTIFY_PII_KEY_AUTOCREATE = False
RECTIFY_REQUIRE_2FA = True
SECURE_SSL_REDIRECT = env_bool("RECTIFY_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# 等级保护 profile: passwords expire after 90 days unless the operator says otherwise
# (idle timeout, absolute session lifetime and password rules come from settings.py's
# environment variables, which a stricter profile may lower).
RECTIFY_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("RECTIFY_PASSWORD_MAX_AGE_DAYS", "90"))
# A new dict, not an assignment into settings.STORAGES: importing this module must not
# change the development settings' objects (a test may import both).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
