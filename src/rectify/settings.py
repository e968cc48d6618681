"""Settings for Rectify; every deployment knob is an environment variable (see README)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RECTIFY_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ('1', 'true', 'yes' are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # Development only: a random key kept in var/ so sessions survive restarts.
    # Production settings refuse to start without RECTIFY_SECRET_KEY.
    if key := os.environ.get("RECTIFY_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Keys that encrypt complainants' personal data (complaints/crypto.py): never in the database.
# RECTIFY_PII_KEY (base64 of 32 bytes) or a key file, one key per line, newest first (older
# lines only decrypt, for rotation). Development creates the file; production requires one.
RECTIFY_PII_KEY = os.environ.get("RECTIFY_PII_KEY", "")
RECTIFY_PII_KEY_FILE = Path(
    os.environ.get("RECTIFY_PII_KEY_FILE", VAR_DIR / "keys" / "pii.key")
).resolve()
RECTIFY_PII_KEY_AUTOCREATE = True
DEBUG = env_bool("RECTIFY_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("RECTIFY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("RECTIFY_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rectify.core",
    "rectify.orgs",
    "rectify.accounts",
    "rectify.problems",
    "rectify.signoff",
    "rectify.dispatch",
    "rectify.complaints",
    "rectify.oversight",
    "rectify.reports",
    "rectify.portal",
    "rectify.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rectify.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rectify.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rectify.accounts.middleware.TwoFactorMiddleware",
    "rectify.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes must come last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rectify.urls"
WSGI_APPLICATION = "rectify.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rectify.context_processors.shell",
            ],
        },
    }
]

# Database: embedded SQLite in var/ unless DATABASE_URL names another (PostgreSQL).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The as-of queries have high estimated costs that trigger PostgreSQL's JIT on
        # every request, which costs more than it saves for these OLTP-sized plans.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("RECTIFY_SQLITE_PATH", str(VAR_DIR / "rectify.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue on busy_timeout instead of failing mid-way
                # with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

# --- Read replicas (deploy brief; docs/DEPLOY.md) ------------------------------------------
# RECTIFY_REPLICA_URLS: comma-separated URLs of streaming replicas of the default database.
# Each becomes an alias replica1, replica2, ...; rectify.core.dbrouter sends reads there only
# inside `reporting_reads()` (dashboards, reports), never by default: everything else reads
# the primary, so a user always sees their own writes. In tests a replica mirrors default.
DATABASE_ROUTERS = ["rectify.core.dbrouter.ReportingRouter"]
for _index, _url in enumerate(
    (u.strip() for u in os.environ.get("RECTIFY_REPLICA_URLS", "").split(",") if u.strip()),
    start=1,
):
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    if _replica["ENGINE"] == "django.db.backends.postgresql":
        _replica.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_index}"] = _replica
# --- end of the read-replica block -----------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = PASSWORD_HASHERS_PRODUCTION = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("RECTIFY_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "rectify.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": int(os.environ.get("RECTIFY_PASSWORD_MIN_CLASSES", "3"))},
    },
    {
        "NAME": "rectify.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": int(os.environ.get("RECTIFY_PASSWORD_HISTORY", "5"))},
    },
]
# Passwords older than this many days must be changed before anything else (0: never;
# settings_production defaults to 90 for the 等级保护 profile).
RECTIFY_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("RECTIFY_PASSWORD_MAX_AGE_DAYS", "0"))

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five failures on one username lock that username for 30 minutes, whether the
# account exists or not, so the response never tells an attacker which names are real.
AXES_FAILURE_LIMIT = int(os.environ.get("RECTIFY_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RECTIFY_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Offices reach the system through shared NAT addresses: locking by IP would lock out a
# whole prefecture's staff, so lockout is per user name only (axes warns about that).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions end after RECTIFY_SESSION_IDLE_MINUTES without a request, and at browser close;
# and RECTIFY_SESSION_MAX_HOURS after sign-in however active the user is
# (accounts.middleware.SessionLifetimeMiddleware). 等级保护 profiles may shorten both.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("RECTIFY_SESSION_IDLE_MINUTES", "10"))
RECTIFY_SESSION_MAX_HOURS = float(os.environ.get("RECTIFY_SESSION_MAX_HOURS", "12"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Two-factor (TOTP) for office, sysadmin and auditor. The demo may turn it off;
# settings_production forces it on.
RECTIFY_REQUIRE_2FA = env_bool("RECTIFY_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Rectify"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Storage of evidence files (deploy brief; docs/DEPLOY.md) -----------------------------
# Local files under var/media by default; RECTIFY_S3_BUCKET puts them in S3-compatible object
# storage (AWS, MinIO, Ceph RGW, OSS/COS S3 endpoints) through django-storages, so that every
# app server reads the same files. Evidence is never public: private ACL, signed URLs only,
# and Rectify itself streams the bytes through its scope-checked views.
RECTIFY_S3_BUCKET = os.environ.get("RECTIFY_S3_BUCKET", "")
if RECTIFY_S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RECTIFY_S3_BUCKET,
            "endpoint_url": os.environ.get("RECTIFY_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("RECTIFY_S3_REGION") or None,
            "access_key": os.environ.get("RECTIFY_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("RECTIFY_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("RECTIFY_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            # Names are random (core/files.py); never silently rename or overwrite.
            "file_overwrite": False,
            "addressing_style": os.environ.get("RECTIFY_S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    # --- end of the evidence storage block ---------------------------------------------------
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("RECTIFY_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"  # evidence is served only through scope-checked views

EMAIL_BACKEND = os.environ.get(
    "RECTIFY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("RECTIFY_FROM_EMAIL", "rectify@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "rectify.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("RECTIFY_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
