"""Settings shared by every environment, with safe local defaults.

`make run` uses these directly (one council on one machine, SQLite).
Everything that varies between deployments is read from the environment.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from .env import env_bool, env_cache, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CASEAUDIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Only for a local demo: production.py refuses to start without a real key.
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-demo-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

COUNCIL_NAME = env_str("CASEAUDIT_COUNCIL_NAME", "Demo Borough Council")
SERVICE_NAME = "CaseAudit"
# Where people reach CaseAudit: links in emails are built from it.
SITE_URL = env_str("CASEAUDIT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "caseaudit.accounts.third_party.SignInLockoutsConfig",  # axes, named in plain words
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "caseaudit.trail",
    "caseaudit.organisation",
    "caseaudit.messaging",
    "caseaudit.audits",
    "caseaudit.improvement",
    "caseaudit.reporting",
    "caseaudit.evidence",
    "caseaudit.learning",
    "caseaudit.imports",
    "caseaudit.dataprotection",
    "caseaudit.family",
    "caseaudit.accounts",
    "caseaudit.web",
    "caseaudit.tasks",
    "caseaudit.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "caseaudit.accounts.middleware.SessionTimeoutMiddleware",
    # Deny by default: every view needs a signed-in person unless marked
    # @login_not_required (sign-in, health check, static pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseaudit.urls"
WSGI_APPLICATION = "caseaudit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "caseaudit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseaudit.home.context_processors.service",
            ],
        },
    },
]
# GOV.UK markup for every Django form field (templates in caseaudit/templates/django/forms); select
# lists written in Python, the same markup (decision 0079).
FORM_RENDERER = "caseaudit.web.renderers.GovukRenderer"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caseaudit.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the person with their roles and sign-out time in one query.
    "caseaudit.accounts.backends.PersonBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock the account (not the address: council offices share one) after 5 failures.
AXES_FAILURE_LIMIT = env_int("CASEAUDIT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CASEAUDIT_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# axes warns when the lockout ignores the address. That is deliberate: a
# council's staff share one office address, and locking it would lock everyone.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle timeout: the session ends after this much inactivity. The page warns
# two minutes before (GOV.UK timeout-warning pattern) when JavaScript runs.
SESSION_IDLE_SECONDS = env_int("CASEAUDIT_SESSION_IDLE_MINUTES", 30) * 60
# Activity is written to the session at most this often (decision 0072): the page's timeout warning
# counts down from the last write, so it is never late.
SESSION_TOUCH_SECONDS = 60
# Absolute limit: sign in again after this long, however active.
SESSION_ABSOLUTE_SECONDS = env_int("CASEAUDIT_SESSION_MAX_HOURS", 10) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Change history: our own hash-chained log model (see docs/decisions/0003).
AUDITLOG_LOGENTRY_MODEL = "trail.TrailEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Append-only triggers on the change log; test settings turn them off so the
# test database can be flushed, and a test installs them explicitly.
CASEAUDIT_APPEND_ONLY_TRIGGERS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "static"
# GOV.UK Frontend's CSS refers to /assets/fonts and /assets/images, so its
# asset folder is served at the root of STATIC_URL.
_GOVUK = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [
    BASE_DIR / "caseaudit" / "static",
    _GOVUK / "assets",
    ("govuk", _GOVUK),
    ("axe", BASE_DIR / "node_modules" / "axe-core"),
]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "uploads"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "sent-mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "caseaudit@localhost")
# A mail server that does not answer is given up on after this many seconds (Django waits for ever otherwise).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# A message the mail server refused for now (4xx, unreachable) is tried again after 15 minutes, then 30, 60...
# (at most 4 hours apart) by the scheduled job, and shown failed after this many attempts (caseaudit/web/outbox.py).
CASEAUDIT_MAIL_RETRY_MINUTES = env_int("CASEAUDIT_MAIL_RETRY_MINUTES", 15)
CASEAUDIT_MAIL_ATTEMPTS = env_int("CASEAUDIT_MAIL_ATTEMPTS", 6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # WeasyPrint warns about every SVG presentation attribute it reads its own way.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Imports: the largest file accepted, and how far an XLSX (a zip) may expand when opened.
CASEAUDIT_IMPORT_MAX_BYTES = env_int("CASEAUDIT_IMPORT_MAX_MB", 50) * 1024 * 1024
CASEAUDIT_IMPORT_MAX_INFLATED_BYTES = env_int("CASEAUDIT_IMPORT_MAX_INFLATED_MB", 400) * 1024 * 1024
# Uploads larger than this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A running import writes a heartbeat this often; one with none for CASEAUDIT_IMPORT_STALE_SECONDS lost its
# process and is marked failed (caseaudit/imports/services/runs.py).
CASEAUDIT_IMPORT_HEARTBEAT_SECONDS = env_int("CASEAUDIT_IMPORT_HEARTBEAT_SECONDS", 20)
CASEAUDIT_IMPORT_STALE_SECONDS = env_int("CASEAUDIT_IMPORT_STALE_SECONDS", 120)
if CASEAUDIT_IMPORT_STALE_SECONDS < 3 * CASEAUDIT_IMPORT_HEARTBEAT_SECONDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "CASEAUDIT_IMPORT_STALE_SECONDS must be at least three heartbeats (CASEAUDIT_IMPORT_HEARTBEAT_SECONDS): "
        "a live import would be taken for a stopped one."
    )
# Background work is a task in the database (django-tasks-db, decision 0091), run by `caseaudit run_worker`
# (a db_worker that also enqueues the schedule). Tests run tasks as they are enqueued unless they ask for this.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task that fails with a passing fault (database locked, connection lost, mail server away) is tried again
# after 30 seconds, then 2, 8, 32 minutes..., and ends failed after this many tries.
CASEAUDIT_TASK_ATTEMPTS = env_int("CASEAUDIT_TASK_ATTEMPTS", 5)
CASEAUDIT_TASK_RETRY_SECONDS = env_int("CASEAUDIT_TASK_RETRY_SECONDS", 30)
# A worker writes that it is alive this often; a task "running" on a worker silent for
# CASEAUDIT_WORKER_LOST_SECONDS (killed, machine gone) is put back in the queue.
CASEAUDIT_WORKER_BEAT_SECONDS = env_int("CASEAUDIT_WORKER_BEAT_SECONDS", 10)
CASEAUDIT_WORKER_LOST_SECONDS = env_int("CASEAUDIT_WORKER_LOST_SECONDS", 60)
# Reports: a rate on fewer cases than this carries a caution ("based on 4 audits") and is not compared
# with other periods ("too few audits to compare"); the council sets it (docs: reporting definitions).
CASEAUDIT_SMALL_NUMBER_THRESHOLD = env_int("CASEAUDIT_SMALL_NUMBER_THRESHOLD", 10)
# Family feedback (decision 0098): how long a family's link works, and how many wrong links one address may
# try in a window before it is refused for the rest of it.
CASEAUDIT_FAMILY_LINK_DAYS = env_int("CASEAUDIT_FAMILY_LINK_DAYS", 21)
CASEAUDIT_FAMILY_LINK_GUESSES = env_int("CASEAUDIT_FAMILY_LINK_GUESSES", 20)
CASEAUDIT_FAMILY_LINK_GUESS_WINDOW_SECONDS = env_int("CASEAUDIT_FAMILY_LINK_GUESS_WINDOW_SECONDS", 3600)
# Shown to a family whose link has expired, been used or been cancelled: who to call or write to instead.
CASEAUDIT_FAMILY_CONTACT = env_str(
    "CASEAUDIT_FAMILY_CONTACT", "Children's Services: 0300 123 4567 or childrens.services@council.example"
)
# One reminder this many days before a family's link expires (run by run_deadlines).
CASEAUDIT_FAMILY_REMINDER_DAYS_BEFORE = env_int("CASEAUDIT_FAMILY_REMINDER_DAYS_BEFORE", 5)
# A family who asks to be contacted: the child's team manager has this many working days to contact them (then
# reminded and escalated like the other actions, by run_deadlines).
CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS = env_int("CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS", 5)
if CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS must be 1 or more working days.")
# GOV.UK Notify sends the family's emails and text messages (docs/notify.md). Without a key, emails go through
# the mail backend above and text messages cannot be chosen. Each template gets council_name, link, code and
# expiry_date: never a child's name or anything about the case.
CASEAUDIT_NOTIFY_API_KEY = env_str("CASEAUDIT_NOTIFY_API_KEY", "")
CASEAUDIT_NOTIFY_BASE_URL = env_str("CASEAUDIT_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
CASEAUDIT_NOTIFY_TIMEOUT_SECONDS = env_int("CASEAUDIT_NOTIFY_TIMEOUT_SECONDS", 20)
CASEAUDIT_NOTIFY_TEMPLATES = {
    name: env_str(f"CASEAUDIT_NOTIFY_TEMPLATE_{name.upper()}", "")
    for name in ("invitation_email", "invitation_sms", "reminder_email", "reminder_sms")
}
if CASEAUDIT_NOTIFY_API_KEY:
    import re as _re

    from django.core.exceptions import ImproperlyConfigured

    _UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    if not _re.fullmatch(f".+-{_UUID}-{_UUID}", CASEAUDIT_NOTIFY_API_KEY):
        raise ImproperlyConfigured(
            "CASEAUDIT_NOTIFY_API_KEY must be a GOV.UK Notify API key: its name, the service id and the secret key, "
            "joined by hyphens (copy it whole from Notify's API integration page)."
        )
    for _name, _template in CASEAUDIT_NOTIFY_TEMPLATES.items():
        if not _re.fullmatch(_UUID, _template):
            raise ImproperlyConfigured(
                f"CASEAUDIT_NOTIFY_TEMPLATE_{_name.upper()} must be the id of a GOV.UK Notify template "
                "(a UUID from the template's page), since CASEAUDIT_NOTIFY_API_KEY is set."
            )

# Two-step verification with an authenticator app (docs/decisions/0030): django-otp's
# middleware says whether this session passed the second step; ours sends people who
# must (or chose to) use it to the code or set-up page before any other page.
INSTALLED_APPS += [
    "django_otp",
    "caseaudit.accounts.third_party.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named in plain words
    "caseaudit.accounts.third_party.RecoveryCodesConfig",  # django_otp.plugins.otp_static
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("caseaudit.accounts.middleware.SessionTimeoutMiddleware") + 1,
    "caseaudit.accounts.middleware.SessionCutoffMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "caseaudit.accounts.middleware.TwoFactorMiddleware",
)
# After the second step: typing held when a session ended is offered back on the page it came from.
MIDDLEWARE.insert(
    MIDDLEWARE.index("caseaudit.accounts.middleware.TwoFactorMiddleware") + 1,
    "caseaudit.accounts.held.HeldFormMiddleware",
)
OTP_TOTP_ISSUER = f"{SERVICE_NAME} ({COUNCIL_NAME})"
# QA administrators may delete someone's devices in the admin (a lost phone), never read their keys or codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes slow the next try down (1s, 2s, 4s, ...) per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Response headers (docs/decisions/0031). No inline script anywhere: scripts come
# from our own static files. Inline styles are allowed only because matplotlib's
# server-drawn SVG charts colour their shapes with style attributes.
CASEAUDIT_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CASEAUDIT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "caseaudit.web.headers.SecurityHeadersMiddleware",
)
# Children's records are never kept by the browser; static assets, answered by WhiteNoise before it, are.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "caseaudit.web.headers.NoStoreMiddleware",
)
X_FRAME_OPTIONS = "DENY"
# A refused form says so in plain words and gives back what was typed (issue 44, point 9).
CSRF_FAILURE_VIEW = "caseaudit.accounts.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_COOKIE_HTTPONLY = True
# Shown on the privacy notice: how to reach the council's Data Protection Officer.
DPO_CONTACT = env_str("CASEAUDIT_DPO_CONTACT", "The Data Protection Officer, dpo@council.example")
# Where `caseaudit backup` writes when no path is given.
BACKUP_DIR = Path(env_str("CASEAUDIT_BACKUP_DIR", str(VAR_DIR / "backups")))
# Several app servers (docs/deployment.md) -------------------------------------------------------------
# A read replica for reports and dashboards: set DATABASE_REPLICA_URL; writes and everything else use
# DATABASE_URL (caseaudit/web/replica.py).
CASEAUDIT_READ_REPLICA = bool(env_str("DATABASE_REPLICA_URL", ""))
if CASEAUDIT_READ_REPLICA:
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS = ["caseaudit.web.replica.ReplicaRouter"]
# Uploads (learning attachments) on a store every app server shares: a shared filesystem path (NFS, EFS,
# a mounted volume) in CASEAUDIT_UPLOADS_DIR. Without it, var/uploads on this machine (one server only).
MEDIA_ROOT = Path(env_str("CASEAUDIT_UPLOADS_DIR", str(MEDIA_ROOT)))
STORAGES["default"] = {"BACKEND": env_str("CASEAUDIT_UPLOADS_BACKEND", STORAGES["default"]["BACKEND"])}
# JSON API (issue 8, docs/api.md). The rate-limit counter lives in the "api" cache: local memory
# by default (per process); several servers need a shared one: CASEAUDIT_API_CACHE_URL=db://table
# (run `caseaudit createcachetable`) or redis://host:6379/0 (needs the redis package). The same URLs
# choose the default cache (CASEAUDIT_CACHE_URL, below).
INSTALLED_APPS += ["caseaudit.api"]
# The demo council and the scale councils (`caseaudit seed_demo`, caseaudit/demo; decision 0097): on here for
# `make run` and the tests, which install requirements-demo.txt; production.py never installs it.
CASEAUDIT_DEMO = env_bool("CASEAUDIT_DEMO", True)
if CASEAUDIT_DEMO:
    INSTALLED_APPS += ["caseaudit.demo"]


CACHES = {
    # Drawn charts and made PDFs (decisions 0064, 0067, 0072): a file cache in var/cache by default, so
    # every worker on this machine shares one copy; several servers share db://table or redis://.
    "default": env_cache("CASEAUDIT_CACHE_URL", f"file://{VAR_DIR / 'cache'}"),
    "api": env_cache("CASEAUDIT_API_CACHE_URL", "locmem://caseaudit-api"),
}
CASEAUDIT_API_CACHE = "api"
CASEAUDIT_API_RATE_LIMIT = env_int("CASEAUDIT_API_RATE_LIMIT", 120)
CASEAUDIT_API_RATE_WINDOW_SECONDS = env_int("CASEAUDIT_API_RATE_WINDOW_SECONDS", 60)
CASEAUDIT_API_MAX_BODY_BYTES = env_int("CASEAUDIT_API_MAX_BODY_MB", 10) * 1024 * 1024

# Sign-in with the council's own accounts (issue 30): off unless CASEAUDIT_OIDC_DISCOVERY_URL is set.
from .sso import *  # noqa: E402, F403

AUTHENTICATION_BACKENDS += SSO_BACKENDS  # noqa: F405
# Signing out answers the sign-out form with a redirect to the provider's end-session page, which browsers
# check against form-action: the provider's origin is allowed there too.
if CASEAUDIT_OIDC_PROVIDER_ORIGIN:  # noqa: F405
    CASEAUDIT_CONTENT_SECURITY_POLICY = CASEAUDIT_CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        f"form-action 'self' {CASEAUDIT_OIDC_PROVIDER_ORIGIN}",  # noqa: F405
    )
