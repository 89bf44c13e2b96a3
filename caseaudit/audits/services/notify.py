"""Emails about audits, through the message ledger (caseaudit.messaging, decisions 0088 and 0100).

Each message is claimed in the ledger with the change that causes it and sent after the transaction commits:
a refused or rolled-back change sends nothing, each person is told once, and a mail fault is recorded and shown
on "Emails not sent" rather than lost. People may turn off the assignment and sharing emails (their email
preferences); the urgent safeguarding email is always sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.urls import reverse

from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.web.dates import long_date

from ..models import Audit

ASSIGNED = "Audit assigned"
SHARED = "Audit shared"
CRITICAL = "Inadequate – critical: urgent safeguarding concern"


def audit_link(audit: Audit) -> str:
    return settings.SITE_URL + reverse("audits:audit_show", args=[audit.pk])


def _turn_off_footer() -> str:
    link = settings.SITE_URL + reverse("accounts:email_preferences")
    return f"\n\nYou can turn off emails like this one on your email preferences page:\n{link}"


def service_managers_for(audit: Audit) -> list[Person]:
    return list(
        Person.objects.filter(
            is_active=True, role_assignments__role=Role.SERVICE_MANAGER, service_area_id=audit.team.service_area_id
        )
    )


def critical_concern(audit: Audit) -> None:
    """Inadequate – critical: the child's team manager and service manager, at once. Always sent: it cannot be
    turned off. Keyed by the audit's version, so an audit marked critical again after being unmarked tells again."""
    body = (
        f"An audit of case {audit.child.case_id} ({audit.team}) has been marked Inadequate – critical: "
        "an immediate safeguarding concern.\n\n"
        "Please act today and record the action taken on the audit in CaseAudit:\n"
        f"{audit_link(audit)}\n\n"
        f"Auditor: {audit.auditor_display}"
    )
    for person in _people([audit.team.manager, *service_managers_for(audit)]):
        send_once(
            key=f"audit:{audit.pk}:v{audit.version}:critical",
            recipient=person,
            reason=CRITICAL,
            subject=f"URGENT: safeguarding concern from audit of case {audit.child.case_id}",
            body=body,
            child=audit.child,
        )


def audit_shared(audit: Audit) -> None:
    """The worker and the team manager, unless they turned these emails off. An audit is shared once."""
    from .lifecycle import share_recipients

    body = (
        f"The audit of case {audit.child.case_id} is finalised and shared with you. "
        f"The final grade is {audit.get_final_grade_display()}.\n\n"
        f"Please read it, acknowledge it and add any response:\n{audit_link(audit)}" + _turn_off_footer()
    )
    for person in _people(share_recipients(audit)):
        if person.email_audits_shared:
            send_once(
                key=f"audit:{audit.pk}:shared",
                recipient=person,
                reason=SHARED,
                subject=f"Audit of case {audit.child.case_id} shared with you",
                body=body,
                child=audit.child,
            )


def audits_assigned(audits: Iterable[Audit], *, why: str = "") -> int:
    """Tell each auditor of the audits just assigned to them: one email per auditor listing theirs, each with its
    link (a programme's confirmation gives one person a dozen at once), unless they turned these emails off.

    Each assignment is told once: the key names the audits and their versions, and an audit's version rises with
    every change, so the same audits assigned to the same person again later (moved away and back) are told
    again, while the same step run twice is not. `why` begins the email ("in North – March 2026")."""
    by_auditor: dict[int, tuple[Person, list[Audit]]] = {}
    for audit in audits:
        if audit.auditor is not None:
            by_auditor.setdefault(audit.auditor.pk, (audit.auditor, []))[1].append(audit)
    sent = 0
    for auditor, theirs in by_auditor.values():
        if auditor.email_audits_assigned:
            sent += _assigned_one(auditor, sorted(theirs, key=lambda a: (a.due_on is None, a.due_on, a.pk)), why)
    return sent


def _assigned_one(auditor: Person, audits: Sequence[Audit], why: str) -> bool:
    if len(audits) == 1:
        audit = audits[0]
        key = f"audit:{audit.pk}:v{audit.version}:assigned"
        subject = f"Audit of case {audit.child.case_id} assigned to you"
        opening = f"You have been assigned the audit of case {audit.child.case_id}{why}."
    else:
        versions = ",".join(f"{a.pk}.{a.version}" for a in sorted(audits, key=lambda a: a.pk))
        key = f"audits:{hashlib.sha256(versions.encode()).hexdigest()[:32]}:assigned"
        subject = f"{len(audits)} audits assigned to you"
        opening = f"You have been assigned {len(audits)} audits{why}."
    lines = "\n\n".join(_audit_line(audit) for audit in audits)
    body = f"{opening}\n\n{lines}" + _turn_off_footer()
    return send_once(key=key, recipient=auditor, reason=ASSIGNED, subject=subject, body=body)


def _audit_line(audit: Audit) -> str:
    due = f", due by {long_date(audit.due_on)}" if audit.due_on else ""
    return f"Case {audit.child.case_id} ({audit.child.team}), {audit.get_kind_display().lower()}{due}:\n{audit_link(audit)}"


def _people(people: Iterable[Person | None]) -> list[Person]:
    """Each active person once, in a stable order."""
    unique = {p.pk: p for p in people if p is not None and p.is_active}
    return [unique[pk] for pk in sorted(unique)]
