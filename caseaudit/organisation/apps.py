from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "caseaudit.organisation"
    verbose_name = "Organisation and children"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.ServiceArea)
        auditlog.register(models.Team)
        auditlog.register(models.Person, exclude_fields=["password", "last_login"])
        auditlog.register(models.PersonRole)
        auditlog.register(models.Absence)
        auditlog.register(models.Child)
