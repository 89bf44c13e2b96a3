"""Who holds which part of the process for a plan."""

from __future__ import annotations

import datetime

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from ..models import ImprovementPlan


def area_people(plan: ImprovementPlan, role: str) -> list[Person]:
    return list(
        Person.objects.filter(is_active=True, role_assignments__role=role, service_area_id=plan.team.service_area_id)
    )


def practice_lead_for(plan: ImprovementPlan, day: datetime.date) -> tuple[Person | None, Person | None, bool]:
    """(practice lead, who chairs on `day`, lead is absent). The chair is the
    named cover when the lead is away; None when the lead is away uncovered."""
    leads = area_people(plan, Role.PRACTICE_LEAD)
    if not leads:
        return None, None, False
    lead = leads[0]
    if lead.is_absent_on(day):
        return lead, lead.cover_on(day), True
    return lead, lead, False


def management_line(plan: ImprovementPlan) -> list[Person]:
    """Team manager, service manager, head of service, director: who escalations go to, in order."""
    if plan.responsible is not None:
        return plan.responsible.managers_above(4)
    manager = plan.team.manager
    return [manager, *manager.managers_above(3)] if manager else []


def head_of_service(plan: ImprovementPlan) -> Person | None:
    for person in management_line(plan):
        if person.has_role(Role.HEAD_OF_SERVICE):
            return person
    return Person.objects.filter(is_active=True, role_assignments__role=Role.HEAD_OF_SERVICE).order_by("pk").first()
