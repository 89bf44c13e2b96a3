from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "caseaudit.web"
    verbose_name = "Pages"
