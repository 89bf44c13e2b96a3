"""A moderator returns a submitted audit to its auditor (issue 44, point 2).

The audit goes back to draft with everything typed kept; the reason is kept as an AuditReturn (one per
return) and the auditor is emailed with it, through the message ledger like every other message, so a mail
fault leaves it waiting to be tried again and listed on "Emails not sent", never lost. Its grades at the time
stay in the change history."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person

from ..access import can_moderate
from ..errors import AuditRuleError
from ..models import Audit, AuditReturn, AuditStatus
from .lifecycle import lock_audit

RETURNED = "Audit returned to its auditor"


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
    link = settings.SITE_URL + reverse("audits:audit_edit", args=[audit.pk])
    body = (
        f"{returned.returned_by} has returned your audit of case {audit.child.case_id} to you before moderation.\n\n"
        f"What needs to change:\n{returned.reason}\n\n"
        f"Everything you wrote is kept. Make the changes and submit it again:\n{link}"
    )
    subject = f"Audit of case {audit.child.case_id} returned to you"
    # One message per return: the key names the return itself, so a second return sends a second message.
    send_once(
        key=f"audit:{audit.pk}:return:{returned.pk}",
        recipient=audit.auditor,
        subject=subject,
        body=body,
        reason=RETURNED,
        child=audit.child,
    )
