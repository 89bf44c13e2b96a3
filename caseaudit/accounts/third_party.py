"""The third-party apps' sections of the administration pages, in plain words (issue 44, point 7): their own
configurations name them "Otp_Totp", "Otp_Static" and "Axes". INSTALLED_APPS lists these instead; the apps'
labels, tables and migrations are unchanged. (Not in apps.py: Django takes an apps module's only AppConfig as
the app's own, and with several it would no longer find AccountsConfig, whose ready() connects sign-in.)"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class AuthenticatorAppsConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Two-step verification: authenticator apps"


class RecoveryCodesConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Two-step verification: recovery codes"


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = "Sign-in attempts and lockouts"
