"""Styrning's one settings file: everything that differs between machines comes from the
environment (see the README's table of settings)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STYRNING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-endast-for-utveckling-med-debug-pa"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY saknas. Sätt miljövariabeln SECRET_KEY till en lång slumpmässig sträng "
            "(eller DEBUG=1 för lokal utveckling)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "django_tasks_db",
    "axes",
    "styrning",
    "dokument",
    "mal",
    "uppfoljning",
    "insyn",
    "oppnadata",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses anonymous pages only (BREACH: a page for a signed-in user or with a CSRF token
    # holds secrets an attacker could guess from compressed sizes); then the ETag and 304s.
    "styrning.middleware.AnonymousGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Permissions-Policy on every response (static files too); no-store for signed-in users.
    "styrning.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves an anonymous reader's cached page before the session and everything below it.
    "styrning.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "styrning.queries.OrganisationTreeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "styrning.errors.MethodNotAllowedMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTH_USER_MODEL = "styrning.Anvandare"

# django-axes first: it refuses a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "styrning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "styrning.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "styrning.wsgi.application"

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "styrning.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
# Seconds to wait for a PostgreSQL connection (libpq's least is 2): an unreachable database is
# answered with a Swedish 503 within seconds (styrning.errors), not after the system's TCP
# timeout or the pool's 30 seconds.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
    # Django's built-in psycopg connection pool (DB_POOL=0 turns it off, e.g. behind PgBouncer).
    if env_bool("DB_POOL", True):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            "timeout": DB_CONNECT_TIMEOUT,
        }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "min_sida"

# Login throttling (django-axes): after 5 failed logins for a user name (existing or not), or
# from an address, further logins for it are refused for 15 minutes, with the same Swedish
# page either way. The attempts are stored in the database, shared by every app server.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "styrning.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "styrning.security.client_ip"
# A success must not wipe the failures counted against the address (another user name).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # no banner at every start of a command

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploaded files: refused above this size (bytes), by name, in the forms.
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Sessions live in the database, so app servers stay stateless and can be scaled out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The cache every app server shares (styrning.pagecache: anonymous pages): Redis when REDIS_URL
# is set, else a table in the database (made by migration styrning 0003). The suite uses locmem.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "styrning_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Seconds a public page stays in the shared cache (a change replaces it at once anyway), and
# the max-age a browser or proxy may keep it before it asks again (with its ETag: a 304).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))

# HTTPS: set HTTPS=1 when served over TLS (directly or behind a proxy that sets the header).
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer's health check often speaks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy the client's address is the last entry of X-Forwarded-For (styrning.security).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: nothing inline, nothing from other hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Mail (Django 6.1 mailers). Tests point EMAIL_HOST/EMAIL_PORT at a local SMTP server.
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER") or None,
        "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "styrning@kommun.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (Django's tasks framework), stored in the database; run `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The municipality this installation serves.
KOMMUN_NAMN = os.environ.get("KOMMUN_NAMN", "Ådalens kommun")
KOMMUN_KOD = os.environ.get("KOMMUN_KOD", "2299")
# The municipality's organisation number (Swedish municipalities' begin 212000-): the publisher
# of its open data in the DCAT-AP-SE catalogue (http://dataportal.se/organisation/SE<number>).
# The demo's is made up, with a valid check digit.
ORGANISATIONSNUMMER = os.environ.get("ORGANISATIONSNUMMER", "212000-2296")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
FORFATTNINGSSAMLING_PREFIX = os.environ.get("FORFATTNINGSSAMLING_PREFIX", "KFS")
DOKUMENT_PAMINNELSE_DAGAR = int(os.environ.get("DOKUMENT_PAMINNELSE_DAGAR", "30"))
# Subscriptions by mail (insyn): how long a confirmation link works (seconds) and how many
# subscriptions one client may ask for in an hour before it is refused (429).
INSYN_BEKRAFTELSE_GILTIG = int(os.environ.get("INSYN_BEKRAFTELSE_GILTIG", str(48 * 3600)))
INSYN_PRENUMERATIONER_PER_TIMME = int(os.environ.get("INSYN_PRENUMERATIONER_PER_TIMME", "10"))

# The benchmark's floors (bench/urls.py: a trivial view and a 50-row table) are mounted under
# /bench/ only when BENCH=1, as `make bench` sets it; never in production.
BENCH = env_bool("BENCH", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The security log: logins, failed logins, password changes (styrning.security).
        "styrning.sakerhet": {"level": "INFO"},
    },
}
