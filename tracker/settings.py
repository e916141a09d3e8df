"""Settings for the cohort tracker.

One file, driven by the environment. With no environment at all it runs in development mode on
an SQLite file next to manage.py; production sets DJANGO_DEBUG=False, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see docs/deploy.md).
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; a value that is neither (DJANGO_DEBUG=Flase) stops the start."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is neither true nor false: use one of "
        f"{', '.join(sorted(_TRUE))} or {', '.join(sorted(_FALSE))}."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """A whole-number setting; anything else (DJANGO_EMAIL_PORT=25a) stops the start."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is False."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is False.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: it patches the admin's forms.
    "modeltranslation",
    "tracker.apps.TrackerAdminConfig",  # django.contrib.admin with the staff home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Installed so that its French (and other) country names load; the fields need no app.
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "post_office",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during sign-in into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # A server process keeps its connection for a minute (opening one per request costs
        # more than a page's queries); runserver, which starts a thread per request, does not.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two writers queue up
    # (for up to `timeout` seconds) instead of one failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that tests with several threads meet real locking; one per
    # process, so that two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"cohort-tracker-test-{os.getpid()}.sqlite3")
    }
    if BASE_DIR.name == "mutants":
        # `make mutation` runs pytest once per mutant, one at a time, from the mutants/ copy:
        # one database for all of them, migrated once (tests/mutmut_db.py, docs/testing.md).
        DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-database.sqlite3")}

# --- Sign-in throttling (django-axes) ---------------------------------------------------------
# Five wrong passwords for one username from one address lock that pair out for an hour. Axes
# must come first so that it refuses a locked-out pair before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tracker.backends.EmailOrUsernameBackend",  # Django's ModelBackend, email too
]
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DJANGO_AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy REMOTE_ADDR is the proxy's; with DJANGO_TRUSTED_PROXY_COUNT=N the client
# address is read from X-Forwarded-For, N entries from the right (what the proxies appended).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("rw", "Ikinyarwanda"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no Kinyarwanda: name it for get_language_info() and the language switcher,
# and give it date formats (tracker/formats/rw/). Its messages live in locale/rw/.
LANG_INFO["rw"] = {"bidi": False, "code": "rw", "name": "Kinyarwanda", "name_local": "Ikinyarwanda"}
FORMAT_MODULE_PATH = ["tracker.formats"]

# Content typed by staff (programme names, summaries, descriptions; intake and funding source
# names) in every language of the site, in columns of the same row (django-modeltranslation;
# docs/languages.md). A translation left blank shows the English text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "rw")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Programme(name="…") in code (the demo, scripts, tests) fills the English column too.
MODELTRANSLATION_AUTO_POPULATE = "required"
# The programme's address is made from its English name, whatever the admin's language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
TIME_ZONE = "Africa/Kigali"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files kept on the server's disk: only email attachments (the monthly statements), from the
# moment they are queued until post_office's cleanup_mail removes them (docs/deploy.md).
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", "") or str(BASE_DIR / "media")
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- HTTPS and browser protections ------------------------------------------------------------
# On in production (DJANGO_DEBUG=False); each can be turned off by its variable, e.g. `make serve`
# serves plain http on 127.0.0.1 and so sets DJANGO_SECURE_SSL_REDIRECT=False and
# DJANGO_SECURE_COOKIES=False (a secure cookie never comes back over http, so no sign-in would
# stick). See docs/deploy.md.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
# HSTS is only sent over https, so a local http server never pins itself.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database (Django's default), like everything app servers share: any
# number of them, on any machine, see the same sign-ins.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips it from clients): otherwise
# a client could claim https.
if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp 4) -----------------------------------------------------
# Scripts and style sheets only from our own static files: no inline script, no eval, no <style>.
# Style *attributes* are allowed (style-src-attr): django-simple-history's history page has one.
# Checked in headless Chromium on every admin page, widgets open (docs/deploy.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "programs:my-applications"
LOGOUT_REDIRECT_URL = "/"

# --- Email: the outbox (django-post-office; docs/deploy.md, "Email: the queue and the worker") --
# Everything sent is first a row in post_office's queue, written in the transaction of the change
# that causes it; `manage.py send_queued_mail` (the worker, started by `make serve`) delivers it.
# DJANGO_EMAIL_BACKEND names the backend that really delivers (smtp in production).
EMAIL_BACKEND = "programs.outbox.QueueBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_DELIVERY_BACKEND},
    "DEFAULT_PRIORITY": "medium",
    # A failed attempt is retried MAX_RETRIES times, RETRY_INTERVAL apart, then marked failed.
    "MAX_RETRIES": env_int("DJANGO_EMAIL_MAX_RETRIES", 6),
    "RETRY_INTERVAL": datetime.timedelta(minutes=env_int("DJANGO_EMAIL_RETRY_MINUTES", 10)),
    "LOG_LEVEL": 2,  # a log row for every attempt, delivered or failed
}
# Development: deliver each email as soon as its change commits, so `make run` shows it in the
# console at once with no worker running. Production (DEBUG off) leaves it to the worker.
EMAIL_SEND_ON_COMMIT = env_bool("DJANGO_EMAIL_SEND_ON_COMMIT", DEBUG)
# Seconds a delivery may wait for the mail server before the attempt fails (and is retried).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "admissions@localhost")
# The public address of the site, for links in emails sent outside a request (staff decisions).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Phone numbers (phonenumbers): stored in E.164; a number written without its country code is
# read in the person's country, this one when none is known (programs/phones.py).
PHONE_DEFAULT_REGION = "RW"

# The history keeps who changed an enrollment; the reason is typed by staff.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Old versions can be read in the admin, not restored (a restore would skip the rules).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Error reports (the debug page, emails to ADMINS, logged request details) hide students'
# personal data as well as passwords: see tracker/reporting.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "tracker.reporting.PersonalDataExceptionReporterFilter"
ADMINS = [
    (address.split("@")[0], address) for address in env_list("DJANGO_ADMINS") if "@" in address
]
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Cache -----------------------------------------------------------------------------------
# Nothing shared lives in a cache: app servers are stateless and everything they share (sessions,
# rate limits) is in the database. Django's per-process memory cache serves what is per process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Plain-text mail only: the HTML report would carry every frame's local variables.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false"],
            "include_html": False,
            "level": "ERROR",
            # Straight to the mail server, not through the queue: the database may be what failed.
            "email_backend": "programs.outbox.delivery_connection",
        },
    },
    "loggers": {
        "django": {
            "handlers": ["console", "mail_admins"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
