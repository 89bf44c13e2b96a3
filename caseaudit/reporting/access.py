"""Who reads reports, and over what. Reports are aggregate, but still only for those who oversee the work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from caseaudit.organisation.models import Person, ServiceArea, Team
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role

if TYPE_CHECKING:
    from .models import Report

REPORT_ROLES = (*COUNCIL_WIDE_ROLES, *SERVICE_AREA_ROLES, Role.TEAM_MANAGER)


def require_reader(person: Person) -> None:
    if not person.has_role(*REPORT_ROLES):
        raise Http404("No such page")


def allowed_scope(person: Person, service_area: ServiceArea | None, team: Team | None):
    """The scope a person may report on: council-wide roles choose; others are held to their area or team."""
    if person.has_role(*COUNCIL_WIDE_ROLES):
        return service_area, team
    if person.has_role(*SERVICE_AREA_ROLES) and person.home_service_area_id:
        area = ServiceArea.objects.get(pk=person.home_service_area_id)
        if team is not None and team.service_area_id != area.pk:
            team = None
        return area, team
    managed = Team.objects.filter(manager=person).first()
    if managed is None:
        raise Http404("No such page")
    return managed.service_area, managed


def reports_visible_to(person: Person) -> QuerySet[Report]:
    """Saved reports this person may open: QA administrators all (drafts too); others published ones over their scope."""
    from .models import Report, ReportStatus

    reports = Report.objects.select_related("service_area", "team", "published_by")
    if can_publish(person):
        return reports
    reports = reports.filter(status=ReportStatus.PUBLISHED)
    area, team = allowed_scope(person, None, None)
    if area is not None:
        reports = reports.filter(service_area=area, team=team) if team else reports.filter(service_area=area)
    return reports


def can_publish(person: Person) -> bool:
    return person.has_role(Role.QA_ADMIN)
