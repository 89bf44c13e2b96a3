from django.apps import AppConfig


class TrailConfig(AppConfig):
    name = "caseaudit.trail"
    verbose_name = "Change history"
