from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Deviation, DeviationStatus, ImportRun


def recent_runs(limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("created_by", "profile").order_by("-created_at", "-pk")[:limit]


def deviation_list(status: str = "", kind: str = "") -> QuerySet[Deviation]:
    deviations = Deviation.objects.select_related("child", "plan__team", "stage", "handled_by")
    if status:
        deviations = deviations.filter(status=status)
    if kind:
        deviations = deviations.filter(kind=kind)
    return deviations.order_by("status", "-first_found_on", "pk")


def deviation_counts() -> dict[str, int]:
    return Deviation.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in DeviationStatus.values}
    )


def import_work() -> dict[str, QuerySet]:
    """For the QA administrator's home page (to count): dry runs waiting for a decision, differences nobody
    has handled."""
    from .models import RunStatus

    return {
        "checked_runs": ImportRun.objects.filter(status=RunStatus.CHECKED),
        "open_deviations": Deviation.objects.filter(status=DeviationStatus.OPEN),
    }
