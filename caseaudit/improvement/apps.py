from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "caseaudit.improvement"
    verbose_name = "Response to inadequate audits"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from caseaudit.audits.signals import audit_finalised

        from . import models, receivers

        audit_finalised.connect(receivers.open_plan_for_inadequate, dispatch_uid="improvement-open-plan")
        for model in (models.Timescales, models.ImprovementPlan, models.Stage, models.RemedialAction):
            auditlog.register(model)
