from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "caseaudit.improvement"
    verbose_name = "Response to inadequate audits"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from caseaudit.audits.signals import audit_finalised
        from caseaudit.web.ledger import ledger_connect

        from . import models, receivers
        from .services.messaging import last_claimed, send_once

        audit_finalised.connect(receivers.open_plan_for_inadequate, dispatch_uid="improvement-open-plan")
        # The apps below improvement (audits) send through the ledger by caseaudit.web.ledger (decision 0088).
        ledger_connect(send_once, last_claimed)
        for model in (models.Timescales, models.ImprovementPlan, models.Stage, models.RemedialAction):
            auditlog.register(model)
