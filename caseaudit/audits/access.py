"""Who may see and act on which audit. Outsiders get 404, never a hint."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role

from .models import DONE_STATUSES, Audit, AuditStatus


def blind_to(person: Person) -> Q:
    """The other audit of a blind pair (issue 32) that `person` audits: hidden while either is still a draft."""
    draft = AuditStatus.DRAFT
    return (Q(second_audit__auditor=person) & (Q(status=draft) | Q(second_audit__status=draft))) | (
        Q(second_of__auditor=person) & (Q(status=draft) | Q(second_of__status=draft))
    )


def audit_scope(person: Person) -> Q | None:
    if not person.is_active:
        return Q(pk__in=[])
    if person.has_role(*COUNCIL_WIDE_ROLES):
        # A QA administrator who also audits is blind to the other audit of their pair, like any auditor.
        return ~blind_to(person) if person.has_role(Role.AUDITOR) else None
    scope = Q(auditor=person) | Q(moderator=person)
    if person.has_role(Role.MODERATOR):
        # The moderation queue: submitted audits someone else carried out. A second, blind audit is moderated
        # through its first (reconciled with it), so it is never in the queue itself.
        scope |= Q(status=AuditStatus.SUBMITTED, second_of__isnull=True) & ~Q(auditor=person)
    done = Q(status__in=DONE_STATUSES)
    # Workers see finished audits of their own work once shared.
    scope |= Q(worker=person, status=AuditStatus.SHARED)
    if person.has_role(Role.TEAM_MANAGER):
        scope |= done & Q(team__manager=person)
    if person.has_role(*SERVICE_AREA_ROLES) and person.home_service_area_id:
        scope |= done & Q(team__service_area_id=person.home_service_area_id)
    return scope & ~blind_to(person)


def audits_visible_to(person: Person) -> QuerySet[Audit]:
    scope = audit_scope(person)
    audits = Audit.objects.all()
    return audits if scope is None else audits.filter(scope)


def get_audit_for(person: Person, pk: int) -> Audit:
    try:
        return (
            audits_visible_to(person)
            # What the audit page shows. Not the team's manager, the programme or the audit a re-audit follows
            # (read when needed): PostgreSQL spent several times longer planning the twelve-table join than
            # running it, on every audit page.
            .select_related("child", "team__service_area", "worker", "auditor", "moderator", "tool_version__tool")
            .get(pk=pk)
        )
    except Audit.DoesNotExist:
        raise Http404("No audit found") from None


def can_edit(person: Person, audit: Audit) -> bool:
    return audit.auditor_id == person.pk and audit.status == AuditStatus.DRAFT


def can_moderate(person: Person, audit: Audit) -> bool:
    return (
        person.has_role(Role.MODERATOR)
        and audit.auditor_id != person.pk
        and audit.second_of_id is None  # a second, blind audit is reconciled through its first
        and (
            audit.status == AuditStatus.SUBMITTED
            or (audit.status == AuditStatus.IN_MODERATION and audit.moderator_id == person.pk)
        )
    )


def can_share(person: Person, audit: Audit) -> bool:
    return audit.status == AuditStatus.FINALISED and (person.has_role(Role.QA_ADMIN) or audit.moderator_id == person.pk)


def can_acknowledge(person: Person, audit: Audit) -> bool:
    return (
        audit.status == AuditStatus.SHARED
        and person.pk in (audit.worker_id, audit.team.manager_id)
        and not audit.acknowledgements.filter(person=person).exists()
    )


def can_record_activity(person: Person, audit: Audit) -> bool:
    return audit.is_open and person.pk in (audit.auditor_id, audit.moderator_id)


def can_record_critical_action(person: Person, audit: Audit) -> bool:
    return audit.critical_awaiting_action and (
        person.has_role(Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR)
        or person.pk in (audit.team.manager_id, audit.auditor_id)
        or (person.has_role(Role.SERVICE_MANAGER) and person.home_service_area_id == audit.team.service_area_id)
    )
