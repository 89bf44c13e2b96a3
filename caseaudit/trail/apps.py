from django.apps import AppConfig


class TrailConfig(AppConfig):
    name = "caseaudit.trail"
    verbose_name = "Change history"

    def ready(self) -> None:
        # Connects auditlog's pre_log receiver that names creations inside a bulk write (decision 0082).
        from . import bulk  # noqa: F401
