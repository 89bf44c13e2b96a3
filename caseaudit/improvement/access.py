"""Who may see which improvement plan. Outsiders get 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role

from .models import ImprovementPlan


def plan_scope(person: Person) -> Q | None:
    if not person.is_active:
        return Q(pk__in=[])
    if person.has_role(*COUNCIL_WIDE_ROLES):
        return None
    scope = Q(responsible=person) | Q(actions__owner=person)
    if person.has_role(Role.TEAM_MANAGER):
        scope |= Q(team__manager=person)
    if person.has_role(*SERVICE_AREA_ROLES) and person.home_service_area_id:
        scope |= Q(team__service_area_id=person.home_service_area_id)
    # Cover for an absent practice lead reaches the plans of that lead's area.
    covering = person.covering_absences.filter(person__role_assignments__role=Role.PRACTICE_LEAD).values(
        "person__service_area_id"
    )
    scope |= Q(team__service_area_id__in=covering)
    return scope


def plans_visible_to(person: Person) -> QuerySet[ImprovementPlan]:
    scope = plan_scope(person)
    plans = ImprovementPlan.objects.all()
    return plans if scope is None else plans.filter(pk__in=ImprovementPlan.objects.filter(scope).values("pk"))


def get_plan_for(person: Person, pk: int) -> ImprovementPlan:
    try:
        return (
            plans_visible_to(person)
            .select_related("child", "team__service_area", "team__manager", "responsible", "audit__auditor")
            .get(pk=pk)
        )
    except ImprovementPlan.DoesNotExist:
        raise Http404("No plan found") from None


def can_manage(person: Person) -> bool:
    return person.has_role(Role.QA_ADMIN, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
