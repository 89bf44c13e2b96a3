"""Emails about audits. Sent after the transaction commits, so a refused change sends nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from ..models import Audit


def _send(subject: str, body: str, people: Sequence[Person | None]) -> None:
    recipients = sorted({p.email for p in people if p is not None and p.is_active})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        )


def service_managers_for(audit: Audit) -> list[Person]:
    return list(
        Person.objects.filter(
            is_active=True, role_assignments__role=Role.SERVICE_MANAGER, service_area_id=audit.team.service_area_id
        )
    )


def critical_concern(audit: Audit) -> None:
    """Inadequate – critical: the child's team manager and service manager, at once."""
    link = settings.SITE_URL + reverse("audits:audit_show", args=[audit.pk])
    body = (
        f"An audit of case {audit.child.case_id} ({audit.team}) has been marked Inadequate – critical: "
        "an immediate safeguarding concern.\n\n"
        "Please act today and record the action taken on the audit in CaseAudit:\n"
        f"{link}\n\n"
        f"Auditor: {audit.auditor_display}"
    )
    _send(
        f"URGENT: safeguarding concern from audit of case {audit.child.case_id}",
        body,
        [audit.team.manager, *service_managers_for(audit)],
    )


def audit_shared(audit: Audit) -> None:
    from .lifecycle import share_recipients

    link = settings.SITE_URL + reverse("audits:audit_show", args=[audit.pk])
    body = (
        f"The audit of case {audit.child.case_id} is finalised and shared with you. "
        f"The final grade is {audit.get_final_grade_display()}.\n\n"
        f"Please read it, acknowledge it and add any response:\n{link}"
    )
    _send(f"Audit of case {audit.child.case_id} shared with you", body, share_recipients(audit))
