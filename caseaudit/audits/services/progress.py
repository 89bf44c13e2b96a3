"""Reminding auditors who are behind with a month's programme (issue 44, point 5)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from caseaudit.messaging.services import last_claimed, send_once
from caseaudit.organisation.models import Person, ServiceArea
from caseaudit.web.dates import long_date

from ..models import Audit, AuditStatus
from ..selectors import DUE_SOON_DAYS, programme_month_audits

# The ledger key's start: with the day and the person (send_once adds ":to:<pk>"), one reminder a day each.
REMINDER_KEY = "audits-behind"
REMINDER_REASON = "Reminder: audits overdue or due soon"


@dataclass
class Reminded:
    sent: list[Person] = field(default_factory=list)
    # Behind, but already reminded today (by this page or another month's), or no longer active.
    not_sent: list[Person] = field(default_factory=list)


def _body(auditor: Person, audits: list[Audit], today: datetime.date, within_days: int) -> str:
    lines = []
    for audit in audits:
        due_on = cast(datetime.date, audit.due_on)  # only audits with a due date are chosen
        when = "overdue" if due_on < today else "due"
        link = settings.SITE_URL + reverse("audits:audit_show", args=[audit.pk])
        lines.append(f"- Case {audit.child.case_id} ({audit.team.name}), {when} {long_date(due_on)}:\n  {link}")
    count = len(audits)
    return (
        f"Hello {auditor.full_name},\n\n"
        f"{'This audit' if count == 1 else f'These {count} audits'} assigned to you "
        f"{'is' if count == 1 else 'are'} overdue or due within {within_days} days, and not yet submitted:\n\n"
        + "\n".join(lines)
        + "\n\nPlease complete and submit them, or tell the QA team if you cannot.\n"
        "You get at most one of these reminders a day."
    )


def reminders_send(
    *,
    month: datetime.date,
    service_area: ServiceArea | None,
    today: datetime.date,
    within_days: int = DUE_SOON_DAYS,
) -> Reminded:
    """Email each auditor with a draft overdue or due within `within_days` in the month's programmes (of the
    service area, if given) one reminder, through the message ledger: once per auditor per day, however many
    times it is asked for and from whichever month's page.

    Because an auditor hears at most once a day, the reminder lists all their drafts overdue or due soon,
    whatever programme or month they belong to (re-audits too), not only this month's: a second month's
    reminder on the same day would otherwise never reach them (decision 0089)."""
    horizon = today + datetime.timedelta(days=within_days)
    behind = (
        programme_month_audits(month, service_area)
        .filter(status=AuditStatus.DRAFT, due_on__lte=horizon, auditor__isnull=False)
        .values("auditor_id")
    )
    their_drafts = (
        Audit.objects.filter(auditor_id__in=behind, status=AuditStatus.DRAFT, due_on__lte=horizon)
        .select_related("auditor", "child", "team")
        .order_by("auditor_id", "due_on", "child__case_id", "pk")
    )
    reminded = Reminded()
    with transaction.atomic():
        # The claims commit together; send_once sends each after the commit.
        for _, group in groupby(their_drafts, key=lambda audit: audit.auditor_id):
            audits = list(group)
            auditor = cast(Person, audits[0].auditor)  # chosen with auditor__isnull=False
            overdue = sum(1 for audit in audits if audit.due_on is not None and audit.due_on < today)
            subject = (
                f"Reminder: {overdue} overdue audit{'' if overdue == 1 else 's'}"
                if overdue
                else f"Reminder: audit{'' if len(audits) == 1 else 's'} due soon"
            )
            claimed = send_once(
                key=f"{REMINDER_KEY}:{today.isoformat()}",
                recipient=auditor,
                subject=subject,
                body=_body(auditor, audits, today, within_days),
                reason=REMINDER_REASON,
            )
            (reminded.sent if claimed else reminded.not_sent).append(auditor)
    return reminded


def reminders_last_sent() -> datetime.datetime | None:
    """When the latest reminder was claimed in the ledger (from any month's page)."""
    return last_claimed(f"{REMINDER_KEY}:")
