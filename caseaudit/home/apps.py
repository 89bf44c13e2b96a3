from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top layer: pages that read from every app (home, help, privacy, "Emails not sent") and the command that
    runs the whole schedule once. Nothing imports it but the root URLconf and the settings (decision 0099)."""

    name = "caseaudit.home"
    verbose_name = "Home and help"
