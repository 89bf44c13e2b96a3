from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "caseaudit.messaging"
    verbose_name = "Messages sent"
