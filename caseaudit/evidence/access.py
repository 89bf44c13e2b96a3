"""Who reads evidence packs. QA administrators draft, edit and publish them; the council's leaders read the
published ones, and a service area's managers those of their own area. Everyone else: "Page not found"."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role

from .models import EvidencePack, PackStatus


def may_edit(person: Person) -> bool:
    return person.has_role(Role.QA_ADMIN)


def packs_visible_to(person: Person) -> QuerySet[EvidencePack]:
    packs = EvidencePack.objects.select_related("service_area")
    if may_edit(person):
        return packs
    if person.has_role(*COUNCIL_WIDE_ROLES):
        return packs.filter(status=PackStatus.PUBLISHED)
    if person.has_role(*SERVICE_AREA_ROLES) and person.home_service_area_id:
        return packs.filter(Q(service_area_id=person.home_service_area_id), status=PackStatus.PUBLISHED)
    return packs.none()


def require_reader(person: Person) -> None:
    if not (may_edit(person) or person.has_role(*COUNCIL_WIDE_ROLES, *SERVICE_AREA_ROLES)):
        raise Http404("No such page")
