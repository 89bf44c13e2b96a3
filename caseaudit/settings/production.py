"""Production: every secret and host from the environment, HTTPS only.

Start-up stops with a message naming the setting when one is missing or bad.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_database, env_int, env_list, env_str

DEBUG = False
# No demo council on a council's server (decision 0097): the demo logins' password and two-step key are published.
if env_bool("CASEAUDIT_DEMO", False):
    raise ImproperlyConfigured("CASEAUDIT_DEMO cannot be on in production: the demo logins' password is public.")
CASEAUDIT_DEMO = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "caseaudit.demo"]  # noqa: F405
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: name the host names CaseAudit serves.")
DATABASES = {"default": env_database("DATABASE_URL", env_str("DATABASE_URL"))}
# The address people open, for the links in e-mails (a link to 127.0.0.1 in a council's e-mail leads nowhere).
SITE_URL = env_str("CASEAUDIT_SITE_URL").rstrip("/")
if not SITE_URL.startswith(("https://", "http://")) or "//" not in SITE_URL or len(SITE_URL) < 10:
    raise ImproperlyConfigured(
        "CASEAUDIT_SITE_URL must be the address people open, like https://caseaudit.council.gov.uk"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
LOGGING["root"]["level"] = env_str("LOG_LEVEL", "INFO")  # noqa: F405
