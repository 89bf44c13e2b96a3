"""Acknowledging several shared audits at once (issue 44, point 6): a team manager with thirty-five
to read opens and acknowledges them from one list instead of one page each."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from caseaudit.organisation.models import Person
from caseaudit.web.dates import long_date

from ..errors import AuditRuleError
from ..models import Audit
from . import lifecycle

NONE_CHOSEN = "Select the audits you have read and want to acknowledge"
NOT_YOURS = "One of the audits you selected is not yours to acknowledge. Select only audits from your list"


def audit_label(audit: Audit) -> str:
    """Tells apart two audits of one case in a message: 'the case file audit of case LCS100849 of 3 November
    2026'."""
    day = audit.audit_date or (audit.finalised_at.date() if audit.finalised_at else None)
    when = f" of {long_date(day)}" if day else ""
    return f"the {audit.get_kind_display().lower()} of case {audit.child.case_id}{when}"


def audits_acknowledge(*, audit_ids: Iterable[int], by: Person) -> int:
    """Acknowledge each chosen audit by the lifecycle's own rule, all or none, and return how many.

    Refuses, acknowledging nothing, when none is chosen or any one of them can no longer be acknowledged by
    this person (acknowledged in another tab, or no longer theirs). The message names the audit only when
    the person could see it on their list: an outsider's guess at an id learns nothing.
    """
    ids = sorted(set(audit_ids))
    if not ids:
        raise AuditRuleError(NONE_CHOSEN, field="audits")
    # The person's own shared work or their team's (as my_audit_lists draws the list), whatever its state.
    theirs = {
        audit.pk: audit
        for audit in Audit.objects.filter(pk__in=ids)
        .filter(Q(worker=by) | Q(team__manager=by))
        .select_related("child")
        .only("pk", "kind", "audit_date", "finalised_at", "child__case_id")
    }
    if len(theirs) != len(ids):
        raise AuditRuleError(NOT_YOURS, field="audits")
    with transaction.atomic():
        # In id order, as every other writer locks audits: two people acknowledging together cannot deadlock.
        for audit_id in ids:
            try:
                lifecycle.audit_acknowledge(audit_id=audit_id, by=by, response="")
            except AuditRuleError as refused:
                label = audit_label(theirs[audit_id])
                reason = refused.message[:1].lower() + refused.message[1:]
                raise AuditRuleError(
                    f"{label[:1].upper()}{label[1:]} can no longer be acknowledged ({reason}). "
                    "Nothing was acknowledged: clear its box and try again",
                    field="audits",
                ) from refused
    return len(ids)
