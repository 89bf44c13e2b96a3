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
    line: list[Person] = []
    start = plan.responsible
    current = start.line_manager if start else plan.team.manager
    seen = {start.pk} if start else set()
    while current is not None and current.pk not in seen and len(line) < 4:
        line.append(current)
        seen.add(current.pk)
        current = current.line_manager
    return line


def head_of_service(plan: ImprovementPlan) -> Person | None:
    for person in management_line(plan):
        if person.has_role(Role.HEAD_OF_SERVICE):
            return person
    return Person.objects.filter(is_active=True, role_assignments__role=Role.HEAD_OF_SERVICE).order_by("pk").first()
