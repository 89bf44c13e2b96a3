from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "caseaudit.evidence"
    verbose_name = "Self-evaluation evidence packs"
