from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "caseaudit.imports"
    verbose_name = "Imports and reconciliation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Runs and deviations are shared records people act on: their changes are logged.
        # The rows an import writes are logged by the run (decision 0010), not one by one.
        auditlog.register(
            models.ImportRun,
            include_fields=["status", "filename", "sha256", "total_rows", "committed_at", "changes_digest"],
        )
        auditlog.register(models.MappingProfile)
        auditlog.register(models.Deviation)
