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
            models.Response,
            models.ContactRequest,
        ):
            auditlog.register(model)
        # A link's hash is no one's business in the history (nor in the subject-access export, which reads it). The
        # draft is the family's, not yet sent: it stays out of the history too, so it goes when it is wiped.
        auditlog.register(models.Invitation, exclude_fields=["token_hash", "reminder_token_hash", "draft"])
        # The contact requests on the monitoring dashboard, below the plans (improvement cannot import family).
        from caseaudit.improvement.panels import panel_register

        from .selectors import contact_requests_panel

        panel_register("family-contact-requests", contact_requests_panel)
