"""Who may invite a family to answer for themselves, and cancel the invitation."""

from __future__ import annotations

from caseaudit.audits.models import Audit
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role


def can_invite(person: Person, audit: Audit) -> bool:
    """The audit's auditor or a QA administrator, while the audit is open: talking to the family is part of auditing."""
    return person.is_active and audit.is_open and (audit.auditor_id == person.pk or person.has_role(Role.QA_ADMIN))


def can_revoke(person: Person, audit: Audit) -> bool:
    """A link can be cancelled at any time, even after the audit is finished: a lost link must be stoppable."""
    return person.is_active and (audit.auditor_id == person.pk or person.has_role(Role.QA_ADMIN))
