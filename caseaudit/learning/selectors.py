"""Reads the learning pages and the period report share. No worker is ever named here."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet

from .models import FOLLOW_UP_STATUSES, LearningEntry, LearningKind, Recommendation, RecommendationSource, Status


def learning_in_period(start: datetime.date, end: datetime.date) -> dict:
    entries = LearningEntry.objects.filter(happened_on__gte=start, happened_on__lte=end)
    counts = dict(entries.values_list("kind").annotate(n=Count("pk")).order_by())
    return {
        "total": sum(counts.values()),
        "by_kind": {label: counts.get(value, 0) for value, label in LearningKind.choices},
        "entries": [
            {"date": e.happened_on.isoformat(), "kind": e.get_kind_display(), "title": e.title}
            for e in entries.order_by("happened_on", "pk")
        ],
    }


def source_results(source: RecommendationSource) -> dict:
    """Source 000's table: how many recommendations are Fully, Substantially, Partially or Not implemented."""
    counts = dict(source.recommendations.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "counts": {Status(s).label: counts.get(s, 0) for s in FOLLOW_UP_STATUSES},
        "not_started": counts.get(Status.NOT_STARTED, 0),
        "total": sum(counts.values()),
    }


def sources_with_results(sources: QuerySet[RecommendationSource]) -> list[tuple[RecommendationSource, dict]]:
    """Each source with source_results(), in one grouped query for all of them (a query per source was N+1)."""
    sources_list = list(sources)
    by_source: dict[int, dict[str, int]] = {}
    for source_id, status, n in (
        Recommendation.objects.filter(source__in=[s.pk for s in sources_list])
        .values_list("source_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_source.setdefault(source_id, {})[status] = n
    out = []
    for source in sources_list:
        counts = by_source.get(source.pk, {})
        results = {
            "counts": {Status(v).label: counts.get(v, 0) for v in FOLLOW_UP_STATUSES},
            "not_started": counts.get(Status.NOT_STARTED, 0),
            "total": sum(counts.values()),
        }
        out.append((source, results))
    return out


def recommendation_statuses(sources: QuerySet[RecommendationSource] | None = None) -> list[dict]:
    sources = sources if sources is not None else RecommendationSource.objects.all()
    return [
        {"source": str(s), "reported_on": s.reported_on.isoformat(), **results}
        for s, results in sources_with_results(sources)
    ]


def recommendations_for_list(source: RecommendationSource) -> QuerySet[Recommendation]:
    return source.recommendations.select_related("owner").prefetch_related("follow_ups")


def recommendations_owned(person, today: datetime.date) -> dict[str, QuerySet]:
    """What the home page counts (web.lists.counts): the agreed actions this person owns that are not fully
    implemented, and those of them past their date."""
    open_ones = Recommendation.objects.filter(owner=person).exclude(status=Status.FULLY)
    return {"open": open_ones, "overdue": open_ones.filter(due_on__lt=today)}
