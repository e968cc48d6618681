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
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = False
