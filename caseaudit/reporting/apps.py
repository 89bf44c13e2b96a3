from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "caseaudit.reporting"
    verbose_name = "Reports"
