from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "caseaudit.family"
    label = "family"
    verbose_name = "Family feedback"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Questionnaire,
            models.QuestionnaireVersion,
            models.Question,
            models.Invitation,
            models.Response,
        ):
            auditlog.register(model)
