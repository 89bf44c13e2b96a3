from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caseaudit.api"
    label = "api"
    verbose_name = "JSON API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from caseaudit.accounts.signals import person_left

        from . import models, services

        # Creation and revocation are in the change history; the hash and the last-used time are not.
        auditlog.register(models.ApiToken, exclude_fields=["secret_hash", "last_used_at"])
        # A leaver's personal tokens are revoked with their account (staff sync, issue 30).
        person_left.connect(services.tokens_revoke_for_leaver, dispatch_uid="api-revoke-leaver-tokens")
