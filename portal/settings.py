"""Settings for the migration funding portal.

Everything that differs between a laptop and production comes from environment
variables (see `.env.example` and the table in README.md). The defaults are safe
for local use: SQLite, no Redis (local-memory cache, Celery tasks run eagerly),
e-mail printed to the console. With DEBUG off, the settings refuse to start on a
missing or insecure value and name it.
"""

import re
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

# A fixed key is fine on a laptop; production must bring its own (checked below).
DEV_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def _refuse_insecure_production_settings() -> None:
    """With DEBUG off, stop at start-up rather than serve with a weak set-up."""
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is the insecure development key; set a secret one.")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 characters with 5 or more distinct ones."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names when DEBUG is off."
        )
    if not SITE_URL.startswith("https://"):
        raise ImproperlyConfigured("SITE_URL must be an https:// address when DEBUG is off.")
    if not EMAIL_URL or EMAIL_URL.startswith("console"):
        raise ImproperlyConfigured("EMAIL_URL must name an SMTP server when DEBUG is off.")


if not DEBUG:
    _refuse_insecure_production_settings()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_countries",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "foundation",
    "portal",
    "programmes",
    "calls",
    "projects",
    "ncp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the address, the query or the cookies.
    "portal.middleware.NullCharacterMiddleware",
    # Compresses pages that hold no secret (BREACH): see portal/middleware.py.
    "portal.middleware.PublicPageGZipMiddleware",
    # Cache-Control and ETag for a shared cache in front (portal/http_cache.py); above the
    # session and CSRF middleware, so that it sees the cookies they set.
    "portal.http_cache.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as its documentation asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages run many short queries at once; parallel workers and JIT compilation slow
    # them down (measured with bench/pages.py) more than they help.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c max_parallel_workers_per_gather=0 -c jit=off"
    )
    # Small lists (form choices) need no server-side cursor and its extra round trips;
    # this also keeps the portal usable behind a transaction-pooling PgBouncer.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Production keeps a connection for a minute instead of opening one per request (4 to
# 12 ms each); a kept connection is checked before a request or task first uses it, so a
# restarted database costs no failed request. Celery tasks do the same (portal/celery.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite, for local use, ignores the
# included columns, which is fine there.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a request at most this many seconds: the
            # API's rate limits and Last-Modified then do without it (docs/architecture.md).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rows of call lists as written (templates/calls/_call_row.html), kept in each process:
# a row's key holds all it shows, so a row kept is never out of date (`listing_key`).
CACHES["rows"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rows",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
# The choices of the calls' filter lists, kept a minute in each process
# (calls/filter_choices.py).
CACHES["choices"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "choices",
}

# --- Celery: Redis is the broker; without it, tasks run in the web process. ---

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes Django's database connection after every task unless told to reuse it;
# reconnecting cost more than the e-mail itself (bench/reminders.py). Kept connections
# follow CONN_MAX_AGE and CONN_HEALTH_CHECKS all the same (portal/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = "Europe/Brussels"
# The queue the portal's tasks go to: set it to share one Redis among several portals.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
# django-celery-beat does not install with Django 6.1, so the schedule lives here.
CELERY_BEAT_SCHEDULE = {
    "alerts-sweep": {"task": "alerts.tasks.sweep", "schedule": crontab(minute="*/15")},
}

# --- EU Funding & Tenders Portal (calls/ft/) --------------------------------
# The frameworkProgramme ids of F&T that are the portal's funds, id -> fund code. They
# come from third-party tables, so they can be changed: FT_PROGRAMMES=id=CODE,id=CODE.
FT_PROGRAMMES = env.dict(
    "FT_PROGRAMMES",
    default={
        "43251447": "AMIF",
        "43251530": "BMVI",
        "43252368": "ISF-Police",
        "45876777": "NDICI-Global Europe",
    },
)
# The search API's URL: set, a beat task imports from it every FT_SYNC_HOURS hours. Off by
# default, so that `make run` works offline.
FT_SYNC_URL = env.str("FT_SYNC_URL", default="")
FT_SYNC_HOURS = env.int("FT_SYNC_HOURS", default=6)
if FT_SYNC_URL:
    CELERY_BEAT_SCHEDULE["ft-sync"] = {
        "task": "calls.tasks.ft_sync",
        "schedule": crontab(minute=7, hour=f"*/{FT_SYNC_HOURS}"),
    }

# --- E-mail -----------------------------------------------------------------


def _mailers_from_url(url: str) -> dict:
    """Turn an EMAIL_URL (smtp://, smtp+tls://, consolemail://...) into Django 6.1 MAILERS."""
    config = env.email_url_config(url)
    options = {
        "host": config["EMAIL_HOST"],
        "port": config["EMAIL_PORT"],
        "username": config["EMAIL_HOST_USER"],
        "password": config["EMAIL_HOST_PASSWORD"],
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
        "file_path": config["EMAIL_FILE_PATH"] or None,
        # Seconds to wait for the SMTP server before an attempt fails (and is retried).
        "timeout": env.int("EMAIL_TIMEOUT", default=30) if url.startswith("smtp") else None,
    }
    return {
        "default": {
            "BACKEND": config["EMAIL_BACKEND"],
            "OPTIONS": {key: value for key, value in options.items() if value},
        }
    }


MAILERS = _mailers_from_url(EMAIL_URL)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Migration Funding Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Named on the legal notice, privacy and accessibility statements and the contact page.
SITE_OPERATOR = env.str("SITE_OPERATOR", default="the portal's operator")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="contact@localhost")

# --- Accounts ---------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Refuses logins while a lock-out is in force (django-axes); must come first.
    "axes.backends.AxesStandaloneBackend",
    # Object permissions from the rules in calls/permissions.py (who may edit which call).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "manage_home"
LOGOUT_REDIRECT_URL = "home"
# django-axes: after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in the site's form ("30 November 2026, 13:31"), not the US one, wherever Django
# formats them itself (the admin).
FORMAT_MODULE_PATH = ["portal.formats"]
# The admin's history can show old versions but not write them back: a revert skipped the
# services' checks and records (docs/architecture.md, "One door").
SIMPLE_HISTORY_REVERT_DISABLED = True
USE_I18N = True
# Deadlines are published in Brussels time; every moment is stored in UTC.
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "static/"
# collectstatic (production builds) writes here; in DEBUG the finders serve files directly.
STATIC_ROOT = None if DEBUG else env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Partner API (api/, docs/api.md) -------------------------------------------

_RATE = r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)"


def _throttle_rate(name: str, default: str) -> str:
    """A rate such as 60/min from the environment; a malformed one stops start-up."""
    rate = env.str(name, default=default)
    if not re.fullmatch(_RATE, rate):
        raise ImproperlyConfigured(f"{name} must look like 60/min (per s, min, hour or day).")
    return rate


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    # Reads for all; an endpoint that writes states its own rule (calls/permissions.py).
    "DEFAULT_PERMISSION_CLASSES": ["calls.permissions.SafeMethodsOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.KeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _throttle_rate("API_THROTTLE_ANON", "60/min"),
        "key": _throttle_rate("API_THROTTLE_KEY", "600/min"),
    },
    # Anonymous clients are counted per address: the proxies before the site are the
    # ones django-axes is told about (0: the connecting address, X-Forwarded-For ignored).
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EU Migration Funding Portal API",
    "DESCRIPTION": "Funds, programmes, calls for proposals, initiatives, countries, regions, "
    "news and contact points. Guide for partners: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.closed_write_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "calls.models.CallStatus",
        "FacetSourceEnum": "api.serializers.FACET_SOURCES",
        "CountryCodeEnum": "api.serializers.COUNTRY_CHOICES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Portal -----------------------------------------------------------------

CALLS_PER_PAGE = 25

# --- Alerts and reminders (alerts/, docs/architecture.md) ----------------------


def _reminder_days() -> list[int]:
    days = env.list("ALERTS_REMINDER_DAYS", cast=str, default=["14", "3", "1"])
    if not days or not all(day.strip().isdigit() and int(day) > 0 for day in days):
        raise ImproperlyConfigured("ALERTS_REMINDER_DAYS must list whole days, e.g. 14,3,1.")
    return sorted({int(day) for day in days}, reverse=True)


# Reminders go out this many days before each deadline (same time of day, Brussels).
ALERTS_REMINDER_DAYS = _reminder_days()


def _whole_number(name: str, default: int, lowest: int, highest: int) -> int:
    """A whole number from the environment; one out of range stops start-up."""
    value = env.str(name, default=str(default)).strip()
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ImproperlyConfigured(f"{name} must be a whole number from {lowest} to {highest}.")
    return int(value)


# The daily digest of new calls goes out from this hour (Brussels time).
ALERTS_DIGEST_HOUR = _whole_number("ALERTS_DIGEST_HOUR", 8, 0, 23)
# Attempts at sending one e-mail before it is marked failed (then retried from the admin).
ALERTS_MAX_ATTEMPTS = _whole_number("ALERTS_MAX_ATTEMPTS", 5, 1, 100)
# A pending e-mail queued this long ago whose task was lost (a killed worker) is queued again.
ALERTS_REQUEUE_MINUTES = _whole_number("ALERTS_REQUEUE_MINUTES", 30, 1, 24 * 60)
# A delivery task's claim on its batch of e-mails lapses after this long, so that the
# rows of a worker that died are sent by another (alerts/delivery.py).
ALERTS_CLAIM_SECONDS = _whole_number("ALERTS_CLAIM_SECONDS", 300, 2, 3600)
# Confirmation links are valid this long; unconfirmed subscriptions are deleted after it.
ALERTS_CONFIRM_DAYS = 7
# Run the sweep after each change to a call (alerts/embedded.py): on by default where
# there is no broker and no beat (`make run`), so that notices and digests go out.
ALERTS_SWEEP_ON_CHANGE = env.bool("ALERTS_SWEEP_ON_CHANGE", default=CELERY_TASK_ALWAYS_EAGER)
# Limits of the subscribe forms (alerts/services.py): subscriptions waiting for their
# confirmation per address, confirmation e-mails per address a day and per client address
# (IP) an hour. Over them the form says why and nothing is sent.
ALERTS_UNCONFIRMED_MAX = _whole_number("ALERTS_UNCONFIRMED_MAX", 5, 1, 1000)
ALERTS_CONFIRMATIONS_PER_ADDRESS = _whole_number("ALERTS_CONFIRMATIONS_PER_ADDRESS", 5, 1, 1000)
ALERTS_CONFIRMATIONS_PER_CLIENT = _whole_number("ALERTS_CONFIRMATIONS_PER_CLIENT", 20, 1, 100000)

# --- HTTP cache (portal/http_cache.py, deploy/varnish/portal.vcl) ----------------
# Seconds a shared cache (Varnish, a CDN) and browsers may keep an anonymous page: lists
# (home, /calls/, feeds, the sitemap), pages of one thing (a call, a programme ...; a call's
# page never outlives its next opening or deadline), fixed pages (legal notice, robots.txt)
# and API reads. A change shows everywhere within these.
HTTP_CACHE_LIST_SECONDS = _whole_number("HTTP_CACHE_LIST_SECONDS", 60, 0, 86400)
HTTP_CACHE_PAGE_SECONDS = _whole_number("HTTP_CACHE_PAGE_SECONDS", 300, 0, 86400)
HTTP_CACHE_FIXED_SECONDS = _whole_number("HTTP_CACHE_FIXED_SECONDS", 3600, 0, 86400)
HTTP_CACHE_API_SECONDS = _whole_number("HTTP_CACHE_API_SECONDS", 60, 0, 86400)


# --- Partners: IATI export, webhooks, bulk extracts (docs/api.md) ---------------

# The publisher of the IATI file: its IATI organisation identifier (e.g. XM-DAC-41127),
# OrganisationType code (e.g. 40) and name. Unset: /iati/ says what is missing.
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="")
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="")
IATI_REPORTING_ORG_NAME = env.str("IATI_REPORTING_ORG_NAME", default="")

# Webhooks: loopback receivers allowed (development, tests, benchmark; never in
# production), seconds to connect and to wait for an answer, hours a delivery is retried
# (with exponential backoff from WEBHOOKS_RETRY_BASE_SECONDS), and seconds after which a
# delivery whose task was lost (a worker killed) is queued again.
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)
WEBHOOKS_TIMEOUT_SECONDS = _whole_number("WEBHOOKS_TIMEOUT_SECONDS", 5, 1, 30)
WEBHOOKS_RETRY_HOURS = _whole_number("WEBHOOKS_RETRY_HOURS", 24, 1, 24 * 7)
WEBHOOKS_RETRY_BASE_SECONDS = _whole_number("WEBHOOKS_RETRY_BASE_SECONDS", 30, 1, 3600)
WEBHOOKS_REQUEUE_SECONDS = _whole_number("WEBHOOKS_REQUEUE_SECONDS", 300, 0, 24 * 3600)
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {
    "task": "api.webhooks.tasks.sweep_webhooks",
    "schedule": 60.0,
}

# Bulk extracts (/api/v1/extracts/): where the daily files are written, and how many
# days of them are kept. Beat writes them at 03:30 Brussels time.
EXTRACTS_ROOT = env.path("EXTRACTS_ROOT", default=BASE_DIR / "extracts")
EXTRACTS_KEEP_DAYS = _whole_number("EXTRACTS_KEEP_DAYS", 7, 1, 366)
CELERY_BEAT_SCHEDULE["bulk-extracts"] = {
    "task": "api.tasks.write_extracts",
    "schedule": crontab(hour=3, minute=30),
}
