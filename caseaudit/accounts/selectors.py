"""Reads about people's accounts that pages share."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from caseaudit.audits.models import OPEN_STATUSES, Audit
from caseaudit.improvement.models import ImprovementPlan, PlanStatus, RemedialAction
from caseaudit.organisation.models import Person

# The home page names this many; a council rarely has more leavers with work waiting at once.
LEAVERS_SHOWN = 50


def _count(rows: QuerySet, person_field: str):
    counted = rows.filter(**{person_field: OuterRef("pk")}).order_by().values(person_field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), Value(0), output_field=IntegerField())


def leavers_with_open_work() -> QuerySet[Person]:
    """Deactivated people who are still the auditor of an unfinished audit, or own an open plan or action,
    with how many of each (one query)."""
    return (
        Person.objects.filter(is_active=False)
        .annotate(
            open_audits=_count(Audit.objects.filter(status__in=OPEN_STATUSES), "auditor"),
            open_plans=_count(ImprovementPlan.objects.filter(status=PlanStatus.OPEN), "responsible"),
            open_actions=_count(
                RemedialAction.objects.filter(completed_on__isnull=True, plan__status=PlanStatus.OPEN), "owner"
            ),
        )
        .filter(Q(open_audits__gt=0) | Q(open_plans__gt=0) | Q(open_actions__gt=0))
        .order_by("full_name", "pk")[:LEAVERS_SHOWN]
    )
