"""
Settings, all from the environment (twelve-factor), with safe development defaults.

Embedded default (nothing set but DEBUG=1): SQLite file, Celery eager in process, local-memory cache,
console mail. Production shape: DATABASE_URL=postgres://..., REDIS_URL=redis://..., SECRET_KEY set,
DEBUG unset. Any variable X may also be given as X_FILE naming a file that holds the value
(Docker/Kubernetes secrets).
"""
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None


def env_secret(name, default=None):
    """The value of NAME, or the content of the file NAME_FILE points to."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=1 for local development).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

# The key of the audit trail's keyed hash (licensing/audit/chain.py). Kept outside the database on purpose: whoever
# can rewrite the event table cannot recompute the chain without it. Not SECRET_KEY, so that rotating that one (which
# logs everybody out) does not break the trail. Losing it makes the trail unverifiable: store it with the backups.
AUDIT_HMAC_KEY = env_secret("AUDIT_HMAC_KEY")
if not AUDIT_HMAC_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set (or DEBUG=1 for local development).")
    AUDIT_HMAC_KEY = "dev-only-audit-key-never-use-in-production"
# How often Celery beat writes an audit checkpoint (the chain's head, keyed), in seconds.
AUDIT_CHECKPOINT_SECONDS = env.int("AUDIT_CHECKPOINT_SECONDS", default=300)

# The office's seal on licences and decision letters (PAdES, licensing/core/signing.py): its certificate and private
# key (PEM or DER), the key's passphrase and any intermediate certificates. Production refuses to start without them;
# development uses the demo certificate `manage.py demo_signing_cert` writes (make setup runs it).
SIGNING_CERT_PATH = env("SIGNING_CERT_PATH", default="")
SIGNING_KEY_PATH = env("SIGNING_KEY_PATH", default="")
SIGNING_KEY_PASSPHRASE = env_secret("SIGNING_KEY_PASSPHRASE", default="") or ""
SIGNING_CHAIN_PATHS = env.list("SIGNING_CHAIN_PATHS", default=[])
SIGNING_LOCATION = env("SIGNING_LOCATION", default="The Netherlands")
if not (SIGNING_CERT_PATH and SIGNING_KEY_PATH):
    if not DEBUG:
        raise ImproperlyConfigured(
            "SIGNING_CERT_PATH and SIGNING_KEY_PATH must name the office's signing certificate and key: licences and "
            "decision letters are never issued unsealed (or DEBUG=1 for local development with a demo certificate)."
        )
    SIGNING_CERT_PATH = str(BASE_DIR / "var" / "signing" / "demo-certificate.pem")
    SIGNING_KEY_PATH = str(BASE_DIR / "var" / "signing" / "demo-key.pem")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "licensing.core",
    "licensing.audit",
    "licensing.reference",
    "licensing.accounts",
    "licensing.applications",
    "licensing.licences",
    "licensing.customs",
    "licensing.denials",
    "licensing.assessment",
    "licensing.screening",
    "licensing.casework",
    "licensing.reporting",
    "licensing.api",
    "licensing.web",
    "licensing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (sessions do not; CSRF reads the form): oversized bodies are refused unread.
    "licensing.core.limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "licensing.accounts.middleware.SessionTimeoutMiddleware",
    "licensing.accounts.middleware.OfficialsVerifiedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session's checks and the messages: an agent acts for the organisation chosen in the session.
    "licensing.accounts.agents.ActingForMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "licensing.core.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (with health checks) save a connect per request; bench/ measured it as the largest cost.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = ["licensing.accounts.lockout.LockoutBackend"]
LOGIN_LOCKOUT_THRESHOLD = env.int("LOGIN_LOCKOUT_THRESHOLD", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Two-factor authentication (TOTP, django-otp): officers, advisors and administrators reach no official page
# and get no API token without a code from their authenticator app. Failed codes count towards the lockout.
OTP_REQUIRED_FOR_OFFICIALS = env.bool("OTP_REQUIRED_FOR_OFFICIALS", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Exportcontrole")
# An official sets up an authenticator app only through a one-time link an administrator issues; it lasts this long.
OTP_ENROLMENT_LINK_HOURS = env.int("OTP_ENROLMENT_LINK_HOURS", default=72)
# An API token (POST /api/v1/auth/token/) lasts this long; a new login replaces it, and a password change, the
# removal of an official's authenticator app or a deactivation revoke it.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our English date formats (European day-month order); Dutch keeps Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents live outside the web root and are only served through authorised views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Redis: cache and Celery. Without REDIS_URL: local-memory cache and eager tasks in process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # While Redis cannot be reached the cache answers as an empty one and the database serves (licensing.core.cache);
    # the timeouts bound what a Redis that does not even refuse connections costs a request.
    REDIS_CACHE_TIMEOUT = env.float("REDIS_CACHE_TIMEOUT", default=2.0)
    CACHES = {
        "default": {
            "BACKEND": "licensing.core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CACHE_TIMEOUT, "socket_timeout": REDIS_CACHE_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not (REDIS_URL or env("CELERY_BROKER_URL", default="")))
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks report through the database, not through their return values (only core.ping's is read). Without this every
# enqueue also subscribed to the result in Redis: with Redis away that took 19 s and then broke the process's
# enqueueing for good ("the Celery application must be restarted").
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A worker that dies mid-task leaves the message on the queue for another worker: tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker keeps its database connection from task to task as gunicorn's threads do from request to request
# (closed when broken or older than CONN_MAX_AGE: config/celery.py). By default Celery closes it around every
# task: a new PostgreSQL backend per task, ≈60 ms of CPU on 2 cores for each of a re-screen's chunks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Redis hands a message that was taken but never acknowledged (its worker died) to another worker only after
# this many seconds; keep it above the longest task, or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "expire-licences": {"task": "licences.expire", "schedule": 6 * 3600},
    "route-pending-applications": {"task": "applications.route_pending", "schedule": 60},
    # The outbox's sweep: mail owed for committed changes and not yet sent (broker down at commit, mail server down).
    "dispatch-outbox": {"task": "core.outbox_dispatch", "schedule": env.int("OUTBOX_DISPATCH_SECONDS", default=60)},
    "sync-denials-into-screening": {"task": "screening.sync_denials", "schedule": 24 * 3600},
    # Three-way reconciliation of licences and registrations (authorised, written off, reported): the compliance flags.
    "reconcile-licences": {"task": "customs.reconcile", "schedule": 24 * 3600},
    "audit-checkpoint": {"task": "audit.checkpoint", "schedule": AUDIT_CHECKPOINT_SECONDS},
    "remind-question-answers": {"task": "applications.questions_remind", "schedule": 3600},
    # Licence conditions: the overdue ones marked, the holder reminded of those nearing their date.
    "follow-licence-conditions": {"task": "licences.conditions_follow", "schedule": 3600},
}

# --- The work instruction: refer cases the rules give to the ministry without waiting for an officer.
REFER_MINISTRY_CASES_DIRECTLY = env.bool("REFER_MINISTRY_CASES_DIRECTLY", default=False)

# The member state this office notifies denials as (ISO alpha-2).
NOTIFYING_STATE = env("NOTIFYING_STATE", default="NL")

# Four eyes at the office: a licence of more than this value (EUR, the goods lines' sum) takes effect only once a second
# officer countersigns it, as a denial and any decision on a flagged case do (licensing.licences.decisions).
OFFICE_COUNTERSIGN_ABOVE_EUR = env.int("OFFICE_COUNTERSIGN_ABOVE_EUR", default=2_000_000)

# Questions to the exporter: the answer-by date when the official gives none, and how many days before it the
# exporter is reminded (once).
QUESTION_ANSWER_DAYS = env.int("QUESTION_ANSWER_DAYS", default=14)
QUESTION_REMINDER_DAYS = env.int("QUESTION_REMINDER_DAYS", default=3)
# Licence conditions with a date (a certificate to return, a re-import): the holder is reminded this many days before.
CONDITION_REMINDER_DAYS = env.int("CONDITION_REMINDER_DAYS", default=7)

# Screening: a hit at or above this score (0-1) flags the application and blocks a decision until disposed of.
SCREENING_THRESHOLD = env.float("SCREENING_THRESHOLD", default=0.85)

# Routing keeps the reference data in memory per process (licensing.routing.reference_data); off, every
# determination reads it plainly (slower, the same answers: the path to compare against).
ROUTING_REFERENCE_IN_MEMORY = env.bool("ROUTING_REFERENCE_IN_MEMORY", default=True)

# --- Mail
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG or not env("EMAIL_HOST", default="") else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "artifacts" / "mail"))  # for the file backend
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="exportcontrole@localhost")
# The address people reach the site at, for links in e-mails (an invitation to join an organisation).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Security: strict unless DEBUG.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A session left unused this long ends too (checked by licensing.accounts.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# With Redis, sessions are read from the cache and written to both (a logout deletes both): one query less on every
# signed-in page (bench/README.md, third round). Not with the local-memory cache: each process has its own, and a
# session ended in one would live on in the others' copies.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every answer carries this policy (licensing.core.csp): scripts, styles, images and fonts only from this site,
# no plug-ins, no framing, forms post only here. Style attributes stay allowed: the SVG charts size themselves.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# X-Forwarded-Proto is believed only when the operator says a proxy in front sets it (and drops a client's own):
# trusted from anyone, a client's "https" on plain HTTP made the request "secure" to Django (no TLS redirect,
# redirects to https accepted as safe).
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request bodies (licensing/core/limits.py checks Content-Length against these before reading): forms and JSON up
# to DATA_UPLOAD_MAX_MEMORY_SIZE, uploads up to the limit their view declares; an upload past
# FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- API
# Working days a consulted member state has to answer (Regulation (EU) 2021/821, Art. 16(5)); only after them may
# the office record a consultation as timed out.
CONSULTATION_ANSWER_WORKING_DAYS = env.int("CONSULTATION_ANSWER_WORKING_DAYS", default=10)
# Days another body (Defence, Economic Affairs, the intelligence services) has to give the advice asked of it, unless
# the request names its own date.
ADVICE_REQUEST_DAYS = env.int("ADVICE_REQUEST_DAYS", default=21)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "licensing.api.authentication.CachedTokenAuthentication",
        "licensing.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with the JSON one bounding how deep a body may nest (licensing/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["licensing.api.parsers.JSONParser", "rest_framework.parsers.FormParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend", "licensing.api.pagination.StableOrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "licensing.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "licensing.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `?format=` is ours (csv, json, xlsx downloads), not DRF's renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Export-control licensing API",
    "DESCRIPTION": "Applications, routing, assessment and reporting for military, dual-use and anti-torture goods.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "licensing.applications.models.Status",
        "AssessmentStatusEnum": "licensing.assessment.models.AssessmentStatus",
        "ConsultationStatusEnum": "licensing.assessment.models.ConsultationStatus",
        "ApplicationKindEnum": "licensing.applications.choices.Kind",
        "LicenceKindEnum": "licensing.licences.models.LicenceKind",
        "LicenceStatusEnum": "licensing.licences.models.LicenceStatus",
        "DecisionOutcomeEnum": "licensing.licences.models.Outcome",
        "LineOutcomeEnum": "licensing.licences.models.LINE_OUTCOMES",
        "ObjectionOutcomeEnum": "licensing.licences.models.ObjectionOutcome",
        "ObjectionStatusEnum": "licensing.licences.models.ObjectionStatus",
        "AdviceRequestStatusEnum": "licensing.assessment.models.AdviceRequestStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
