"""MPT settings: one module, driven by environment variables.

Every variable is listed in `.env.example`. The defaults are safe: DEBUG is off
unless DJANGO_DEBUG says otherwise, and with DEBUG off a SECRET_KEY is required.
With no DATABASE_URL the site runs on a SQLite file; with no CELERY_BROKER_URL
tasks run eagerly in the request (development only), unless MPT_DEV_BROKER
asks for the broker in files that `make run` uses.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "for local development set DJANGO_DEBUG=1 instead."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env("MPT_SITE_NAME", default="Masters in Public Technology")
# Absolute base for links in emails and feeds, e.g. https://mpt.example.ac.uk
SITE_URL = env("MPT_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SUPPORT_EMAIL = env("MPT_SUPPORT_EMAIL", default="mpt-admissions@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "csp",
    "django_filters",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    # Ours, in dependency order: an app knows only those above it.
    "core",
    "accounts",
    "notifications",
    "curriculum",
    "timetable",
    "lecturers",
    "admissions",
    "theses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Early, so the security headers are on every answer, the 400 below included.
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request: NUL and other control characters are a 400.
    "core.middleware.RejectHostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into our locked page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mpt.urls"
WSGI_APPLICATION = "mpt.wsgi.application"

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
                "mpt.context_processors.site",
            ],
            # {% panels %}, |markdown and {% crispy %} work in every template (core/panels.py,
            # core/markdown.py, django-crispy-forms).
            "builtins": [
                "core.templatetags.panels", "core.templatetags.markdown", "crispy_forms.templatetags.crispy_forms_tags",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Development without services (`make run` sets MPT_DEV_BROKER=filesystem):
# with no CELERY_BROKER_URL, the web process and the worker with beat that
# `manage.py rundemo` starts beside it pass tasks through files under
# MPT_RUN_DIR, and share a cache kept there (the worker's heartbeat, the page
# cache), so the scheduled jobs run as in production. A real broker always wins.
MPT_DEV_BROKER = env("MPT_DEV_BROKER", default="")
MPT_RUN_DIR = Path(env("MPT_RUN_DIR", default="") or BASE_DIR / ".run")
DEV_BROKER_IN_FILES = bool(MPT_DEV_BROKER) and not CELERY_BROKER_URL
if DEV_BROKER_IN_FILES:
    if MPT_DEV_BROKER != "filesystem" or not DEBUG:
        raise ImproperlyConfigured(
            f"MPT_DEV_BROKER={MPT_DEV_BROKER} is not a development broker: the one there is, "
            "MPT_DEV_BROKER=filesystem, needs DJANGO_DEBUG=1. In production set CELERY_BROKER_URL."
        )
    # A host name only so that kombu does not warn, on every connection, that there is none.
    CELERY_BROKER_URL = "filesystem://localhost/"
# The cache (page cache, worker heartbeat, rate limits) lives in Redis when
# there is one; the broker's Redis is used unless REDIS_URL names another.
REDIS_URL = env(
    "REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
if REDIS_URL:
    # Everything cached can be lost: with Redis unreachable the cache answers
    # "miss" and pages are built uncached (core/cache.py). Short timeouts keep a
    # dead Redis to milliseconds per request; after a failure a process skips
    # Redis for MPT_CACHE_RETRY_AFTER seconds.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("MPT_CACHE_PREFIX", default="mpt"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("MPT_CACHE_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("MPT_CACHE_TIMEOUT", default=0.5),
                "retry_after": env.float("MPT_CACHE_RETRY_AFTER", default=2.0),
            },
        }
    }
elif DEV_BROKER_IN_FILES:
    # Files, not memory: the heartbeat the worker writes must be read by the web process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(MPT_RUN_DIR / "cache"),
            "KEY_PREFIX": env("MPT_CACHE_PREFIX", default="mpt"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
# Where someone lands after logging in without a ?next=: the first page of their own work.
LOGIN_LANDING = "mpt.context_processors.landing_url"
LOGOUT_REDIRECT_URL = "home"
# How long an email verification link stays valid.
ACCOUNT_VERIFICATION_MAX_AGE = env.int("MPT_VERIFICATION_MAX_AGE", default=3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env.int("MPT_PASSWORD_RESET_TIMEOUT", default=3 * 3600)

# Brute force: five failures lock the account, and separately the address, for 30 minutes.
AXES_FAILURE_LIMIT = env.int("MPT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("MPT_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("MPT_PROXY_COUNT", default=0)
# Axes and the rate limits below read the client's address the same way, honouring MPT_PROXY_COUNT.
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimits.client_ip"
AXES_VERBOSE = False

# Rate limits on the public forms (accounts/ratelimits.py, counted by django-ratelimit
# in the cache), per client address and per account (the address typed in). Each is
# "<count>/<period>": s, m, h or d, optionally with a number ("30/5m" is 30 in 5 minutes).
# Login counts every attempt, right password or not, and is checked before any hashing.
MPT_RATE_LIMITS = {
    "login": {
        "address": env("MPT_RATE_LOGIN_PER_ADDRESS", default="30/5m"),
        "account": env("MPT_RATE_LOGIN_PER_ACCOUNT", default="10/5m"),
    },
    "signup": {
        "address": env("MPT_RATE_SIGNUP_PER_ADDRESS", default="20/h"),
        "account": env("MPT_RATE_SIGNUP_PER_ACCOUNT", default="3/h"),
    },
    "password_reset": {
        "address": env("MPT_RATE_PASSWORD_RESET_PER_ADDRESS", default="20/h"),
        "account": env("MPT_RATE_PASSWORD_RESET_PER_ACCOUNT", default="3/h"),
    },
    "partner_proposal": {
        "address": env("MPT_RATE_PARTNER_PROPOSAL_PER_ADDRESS", default="5/10m"),
        "account": env("MPT_RATE_PARTNER_PROPOSAL_PER_ACCOUNT", default="5/h"),
    },
}
RATELIMIT_ENABLE = env.bool("MPT_RATE_LIMITS_ON", default=True)
# A cache that cannot count (Redis down) lets requests through rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_CACHE_PREFIX = "ratelimit:"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("MPT_TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MPT_MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded documents live in a private store that no URL serves; only
# permission-checked views read from it.
PRIVATE_STORAGE_ROOT = env.path("MPT_PRIVATE_STORAGE_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every mail, Django's own included, goes through the outbox (notifications):
# a row first, delivered by a Celery task through the transport EMAIL_URL names.
# With no EMAIL_URL, one line per mail on the console saying where to read it
# (notifications/console.py); EMAIL_URL=consolemail:// prints whole messages.
MPT_DELIVERY_EMAIL_BACKEND = env(
    "MPT_DELIVERY_EMAIL_BACKEND",
    default=EMAIL_CONFIG["EMAIL_BACKEND"] if env("EMAIL_URL", default="")
    else "notifications.console.ConsoleLineBackend",
)
EMAIL_BACKEND = "notifications.backends.OutboxBackend"
# Message-IDs are <hash-of-idempotency-key@this domain>.
MPT_MESSAGE_ID_DOMAIN = env("MPT_MESSAGE_ID_DOMAIN", default="mpt.invalid")
# Delivery: attempts before a mail is failed; retry delays double from the base, capped.
MPT_OUTBOX_MAX_ATTEMPTS = env.int("MPT_OUTBOX_MAX_ATTEMPTS", default=8)
MPT_OUTBOX_RETRY_BASE_SECONDS = env.int("MPT_OUTBOX_RETRY_BASE_SECONDS", default=30)
MPT_OUTBOX_RETRY_MAX_SECONDS = env.int("MPT_OUTBOX_RETRY_MAX_SECONDS", default=3600)
# The sweeper requeues mail "sending" for longer than this whose worker is
# gone. On PostgreSQL a live worker holds its mail's row lock for the whole
# SMTP conversation, so only a dead worker's mail is ever requeued, however
# slow the server; the age only covers the instant between claim and lock.
# (SQLite has no row locks: there the age alone decides.)
MPT_OUTBOX_STUCK_AFTER = env.int("MPT_OUTBOX_STUCK_AFTER", default=60)
# How often beat runs the sweeper, and how often a worker reports that it is
# alive; /healthz and the outbox page call a worker gone after WORKER_SILENT_AFTER.
MPT_OUTBOX_SWEEP_SECONDS = env.float("MPT_OUTBOX_SWEEP_SECONDS", default=30.0)
# The sweeper leaves mail queued less than this long to its own on-commit dispatch.
MPT_OUTBOX_DISPATCH_GRACE = env.int("MPT_OUTBOX_DISPATCH_GRACE", default=30)
MPT_HEARTBEAT_SECONDS = env.float("MPT_HEARTBEAT_SECONDS", default=30.0)
MPT_WORKER_SILENT_AFTER = env.int("MPT_WORKER_SILENT_AFTER", default=100)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@example.org>")
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=20)

# Forms render through django-crispy-forms with the Bootstrap 5 pack; templates/bootstrap5/
# overrides its form, field and error templates with the accessible pattern (core/forms.py).
# The renderer gives every field the bound field that ties hints and errors to the input.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FORM_RENDERER = "core.forms.FormRenderer"

MESSAGE_TAGS = {40: "danger"}

# Celery: the broker is Redis in production; with none set, tasks run eagerly.
# No task of the site reads a result, so the development broker stores none.
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=None if DEV_BROKER_IN_FILES else (CELERY_BROKER_URL or None)
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="mpt")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up within a second when the broker is down, instead of
# stalling the request for several: the outbox sweeper sends what was missed.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5, "socket_connect_timeout": 2,
    # Redis hands an unacknowledged task (its worker killed) to another worker
    # after this long. A killed worker's mail is recovered by the sweeper long
    # before; the timeout must outlast the longest retry countdown, or Redis
    # would hand a waiting retry out again and again.
    "visibility_timeout": MPT_OUTBOX_RETRY_MAX_SECONDS + 600,
}
if DEV_BROKER_IN_FILES:
    # kombu's filesystem transport: one folder of message files that both
    # processes write and the worker reads (`manage.py rundemo` creates it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(MPT_RUN_DIR / "broker" / "messages"),
        "data_folder_out": str(MPT_RUN_DIR / "broker" / "messages"),
        "control_folder": str(MPT_RUN_DIR / "broker" / "control"),
        "polling_interval": 0.5,
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(MPT_RUN_DIR / "beat-schedule")
    # The worker's console is the demo's console: mail lines print as they are, not as log warnings.
    CELERY_WORKER_REDIRECT_STDOUTS = False
# One schedule for every periodic job (Celery beat).
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "mpt.celery.heartbeat", "schedule": MPT_HEARTBEAT_SECONDS},
    "outbox-sweep": {"task": "notifications.sweep_outbox", "schedule": MPT_OUTBOX_SWEEP_SECONDS},
    "reminders": {"task": "notifications.send_reminders", "schedule": 300.0},
    # Guest lectures whose session has ended become "delivered"; the thank-you follows by reminder.
    "lecturers-mark-delivered": {"task": "lecturers.mark_delivered", "schedule": 900.0},
}

# Security headers. The CSP is strict everywhere (no inline script or style),
# so a page that works in development works in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Our own page in plain words, instead of Django's technical "CSRF verification failed".
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Browser features no page here uses are off for every page and anything it
# might embed (django-permissions-policy). Only names Chromium knows: it logs an
# error for each one it does not (ambient-light-sensor, bluetooth, interest-cohort).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "gamepad", "geolocation", "gyroscope", "hid", "idle-detection",
        "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "window-management",
        "xr-spatial-tracking",
    ]
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
