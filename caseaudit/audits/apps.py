from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "caseaudit.audits"
    verbose_name = "Case file audits"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.AuditTool,
            models.ToolVersion,
            models.ToolSection,
            models.ToolQuestion,
            models.Programme,
            models.ProgrammeQuota,
            models.SampleEntry,
            models.Audit,
            models.SectionJudgement,
            models.Answer,
            models.Activity,
            models.Acknowledgement,
            models.AuditReturn,
        ):
            auditlog.register(model)
