"""Reads about people and children that pages share."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import children_visible_to
from .models import Absence, Child, LegalStatus, Person, Team
from .roles import Role


def teams_visible_to(person: Person) -> QuerySet[Team]:
    """Teams that have at least one child the person can see (for filter choices)."""
    team_ids = children_visible_to(person).values("team_id")
    return Team.objects.filter(pk__in=team_ids).select_related("service_area").order_by("service_area__name", "name")


def open_children_of(person: Person) -> QuerySet[Child]:
    return children_visible_to(person).filter(closed_on__isnull=True)


def children_count_lists(person: Person) -> dict[str, QuerySet[Child]]:
    """What the home page counts of children (web.lists.counts): a social worker's open cases."""
    if not person.has_role(Role.SOCIAL_WORKER):
        return {}
    return {"allocated_to_me": open_children_of(person).filter(allocated_worker=person)}


def home_summary(person: Person, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = dict(open_children_of(person).values_list("legal_status").annotate(n=Count("*")).order_by())
    by_status = [
        {"value": value, "label": label, "count": counts.get(value, 0)} for value, label in LegalStatus.choices
    ]
    # Today's absences this person is covering and their own, in one query.
    absences = list(
        Absence.objects.filter(Q(cover=person) | Q(person=person), starts_on__lte=today, ends_on__gte=today)
        .select_related("person", "cover")
        .order_by("-starts_on", "pk")
    )
    return {
        "open_children": sum(counts.values()),
        "by_legal_status": by_status,
        "covering": [absence for absence in absences if absence.cover_id == person.pk],
        "my_absence": next((absence for absence in absences if absence.person_id == person.pk), None),
    }


def child_list(children: QuerySet[Child]) -> QuerySet[Child]:
    return children.select_related("team", "allocated_worker").order_by("name", "case_id")
