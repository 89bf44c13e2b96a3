"""Who may invite a family to answer for themselves, cancel the invitation, and record that a family who asked to
be contacted was contacted."""

from __future__ import annotations

from caseaudit.audits.models import Audit
from caseaudit.organisation.access import children_visible_to
from caseaudit.organisation.models import Child, Person, Team
from caseaudit.organisation.roles import Role


def can_invite(person: Person, audit: Audit) -> bool:
    """The audit's auditor or a QA administrator, while the audit is open: talking to the family is part of auditing."""
    return person.is_active and audit.is_open and (audit.auditor_id == person.pk or person.has_role(Role.QA_ADMIN))


def can_revoke(person: Person, audit: Audit) -> bool:
    """A link can be cancelled at any time, even after the audit is finished: a lost link must be stoppable."""
    return person.is_active and (audit.auditor_id == person.pk or person.has_role(Role.QA_ADMIN))


def escalation_line(team: Team) -> list[Person]:
    """Who a family's unanswered request to be contacted goes to, level by level: the team manager's line (service
    manager, head of service, director); with no team manager, the area's service manager."""
    if team.manager is not None:
        return team.manager.managers_above(3)
    return list(
        Person.objects.filter(
            is_active=True, service_area_id=team.service_area_id, role_assignments__role=Role.SERVICE_MANAGER
        ).order_by("pk")[:1]
    )


def can_record_contact(person: Person, child: Child) -> bool:
    """The child's team manager, or a manager it is escalated to, who may see the child. Everyone else gets 404
    from the page: the request exists only for them."""
    if not person.is_active or not children_visible_to(person).filter(pk=child.pk).exists():
        return False
    team = child.team
    return person.pk == team.manager_id or person.pk in {p.pk for p in escalation_line(team)}
