from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "caseaudit.reporting"
    verbose_name = "Reports"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Picking a family's words for the Director's report is a QA decision: kept in the change history.
        auditlog.register(models.FamilyQuote)
