"""A moderator returns a submitted audit to its auditor (issue 44, point 2).

The audit goes back to draft with everything typed kept; the reason is kept as an AuditReturn (one per
return) and the auditor is emailed with it. Its grades at the time stay in the change history."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from caseaudit.organisation.models import Person

from ..access import can_moderate
from ..errors import AuditRuleError
from ..models import Audit, AuditReturn, AuditStatus
from .lifecycle import lock_audit


def audit_return(*, audit_id: int, moderator: Person, reason: str, expected_version: int | None) -> AuditReturn:
    reason = reason.strip()
    if not reason:
        raise AuditRuleError("Say what the auditor needs to change", field="reason")
    with transaction.atomic():
        audit = lock_audit(audit_id, expected_version)
        # Whoever may moderate it may return it instead: a moderator other than the auditor, while it waits
        # for moderation or is in theirs. An imported audit (no auditor in CaseAudit) has nobody to return to.
        if not can_moderate(moderator, audit) or audit.auditor_id is None:
            raise AuditRuleError("Only the moderator of a submitted audit can return it to the auditor")
        returned = AuditReturn.objects.create(audit=audit, returned_by=moderator, reason=reason)
        audit.status = AuditStatus.DRAFT
        audit.moderator = None
        audit.submitted_at = None
        audit.audit_date = None
        audit.version += 1
        audit.save()
        _tell_auditor(audit, returned)
    return returned


def _tell_auditor(audit: Audit, returned: AuditReturn) -> None:
    auditor = audit.auditor
    if auditor is None or not auditor.is_active:
        return
    link = settings.SITE_URL + reverse("audits:audit_edit", args=[audit.pk])
    body = (
        f"{returned.returned_by} has returned your audit of case {audit.child.case_id} to you before moderation.\n\n"
        f"What needs to change:\n{returned.reason}\n\n"
        f"Everything you wrote is kept. Make the changes and submit it again:\n{link}"
    )
    subject = f"Audit of case {audit.child.case_id} returned to you"
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [auditor.email], fail_silently=False)
    )
