"""Who may see which child. The one place that decides; every view asks here.

Outsiders get a 404 from `get_child_for`, never a hint that the record exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Child, Person
from .roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role


def child_scope(person: Person) -> Q | None:
    """A filter on Child for what `person` may see; None means every child."""
    if not person.is_active:
        return Q(pk__in=[])
    if person.has_role(*COUNCIL_WIDE_ROLES):
        return None
    scope = Q(allocated_worker=person)
    if person.has_role(Role.AUDITOR, Role.MODERATOR):
        # Auditors and moderators reach a child through the audits given to them.
        from django.apps import apps

        audit = apps.get_model("audits", "Audit")
        scope |= Q(pk__in=audit.objects.filter(Q(auditor=person) | Q(moderator=person)).values("child_id"))
    if person.has_role(Role.IRO):
        scope |= Q(independent_reviewing_officer=person)
    if person.has_role(Role.TEAM_MANAGER):
        scope |= Q(team__manager=person)
    if person.has_role(*SERVICE_AREA_ROLES) and person.home_service_area_id:
        scope |= Q(team__service_area_id=person.home_service_area_id)
    return scope


def children_visible_to(person: Person) -> QuerySet[Child]:
    scope = child_scope(person)
    children = Child.objects.all()
    return children if scope is None else children.filter(scope)


def get_child_for(person: Person, pk: int) -> Child:
    try:
        return (
            children_visible_to(person)
            .select_related("team__service_area", "allocated_worker", "independent_reviewing_officer")
            .get(pk=pk)
        )
    except Child.DoesNotExist:
        raise Http404("No child found") from None
