from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "caseaudit.dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.RetentionPeriod, models.Anonymisation, models.RetentionRun):
            auditlog.register(model)
