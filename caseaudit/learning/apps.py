from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "caseaudit.learning"
    verbose_name = "Learning and recommendations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.LearningEntry,
            models.RecommendationSource,
            models.Recommendation,
            models.FollowUp,
            models.CalibrationSession,
            models.CalibrationGrade,
        ):
            auditlog.register(model)
