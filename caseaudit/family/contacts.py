"""A family who asks to be contacted (issue 31, decision 0098): the action for the child's team manager, recording
that contact was made, and the reminders and escalation that `run_deadlines` sends.

The action is opened in the transaction that keeps the family's answers, so there is one per "yes" and none
without it. Messages go through the ledger (`messaging.send_once`): each claimed once under its key, sent after
the commit, and named with the child so that they are anonymised with the child's record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person
from caseaudit.web.dates import long_date
from caseaudit.web.workdays import add_working_days, working_days_between

from .access import can_record_contact, escalation_line
from .errors import FamilyRuleError
from .models import ContactRequest, Response

MAX_NOTE_CHARS = 5000
LEVELS = ["service manager", "head of service", "director"]


class ContactChanged(FamilyRuleError):
    """Someone else recorded the contact after this person opened the page."""


def contact_request_open(*, response: Response, child_id: int) -> ContactRequest:
    """The team manager's action for a family who answered yes. Called inside `response_submit`'s transaction;
    the response is one-to-one with the action, so a second call for it fails rather than making a second."""
    answered_on = timezone.localdate(response.submitted_at)
    return ContactRequest.objects.create(
        response=response,
        child_id=child_id,
        due_on=add_working_days(answered_on, settings.CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS),
    )


def contact_record(
    *, contact_id: int, by: Person, contacted_on: datetime.date, note: str, expected_version: int
) -> ContactRequest:
    """Record (or correct) when the family was contacted and what was agreed. Refused if someone saved it since
    the person opened the page (`expected_version`), so a second manager never overwrites the first unseen."""
    note = note.strip()
    if not note:
        raise FamilyRuleError("Enter a note of the contact", field="note")
    if len(note) > MAX_NOTE_CHARS:
        raise FamilyRuleError(f"The note must be {MAX_NOTE_CHARS:,} characters or less", field="note")
    with transaction.atomic():
        contact = ContactRequest.objects.select_for_update().select_related("child__team").get(pk=contact_id)
        if not can_record_contact(by, contact.child):
            raise FamilyRuleError("Only the child's team manager, or a manager above them, can record the contact")
        if contact.version != expected_version:
            raise ContactChanged(
                "Someone else recorded the contact with this family while you had this page open. Check what they "
                "recorded, then save again if yours should replace it"
            )
        asked_on = timezone.localdate(contact.created_at)
        if contacted_on > timezone.localdate():
            raise FamilyRuleError("The date of the contact must be today or in the past", field="contacted_on")
        if contacted_on < asked_on:
            raise FamilyRuleError(
                f"The date of the contact must be on or after the day they asked, {long_date(asked_on)}",
                field="contacted_on",
            )
        contact.contacted_on = contacted_on
        contact.note = note
        contact.recorded_by = by
        contact.recorded_at = timezone.now()
        contact.version += 1
        contact.save(update_fields=["contacted_on", "note", "recorded_by", "recorded_at", "version"])
    return contact


@dataclass
class ContactRun:
    reminders: int = 0
    escalations: int = 0
    details: list[str] = field(default_factory=list)


def _link(contact: ContactRequest) -> str:
    return settings.SITE_URL + reverse("family:contact_record", args=[contact.pk])


def contact_requests_due(
    *, today: datetime.date, reminder_working_days: int = 1, interval_working_days: int = 2
) -> ContactRun:
    """Like the improvement process's actions: the team manager is reminded `reminder_working_days` before the
    deadline, then, once it has passed, the manager's line is told one level every `interval_working_days`
    (catching up every level reached after a missed run). Idempotent and safe to run twice at once: every message
    is claimed in the ledger under its key; a contact recorded since is no longer read."""
    run = ContactRun()
    waiting = (
        ContactRequest.objects.filter(
            contacted_on__isnull=True, due_on__lte=add_working_days(today, max(0, reminder_working_days))
        )
        .select_related("child__team__manager__line_manager__line_manager__line_manager")
        .order_by("due_on", "pk")
    )
    for contact in waiting.iterator(chunk_size=500):
        child, manager = contact.child, contact.child.team.manager
        key = f"family-contact:{contact.pk}:{contact.due_on.isoformat()}"
        left = working_days_between(today, contact.due_on)
        what = f"A family of case {child.case_id} asked to be contacted about their feedback"
        with transaction.atomic():
            if 0 <= left <= reminder_working_days and send_once(
                key=f"{key}:reminder",
                recipient=manager,
                child=child,
                reason="Reminder: a family asked to be contacted",
                subject=f"Reminder: contact the family of case {child.case_id} by {long_date(contact.due_on)}",
                body=f"{what}. Contact them by {contact.due_on:%A} {long_date(contact.due_on)}, then record it "
                f"here:\n{_link(contact)}",
            ):
                run.reminders += 1
            if left >= 0:
                continue
            overdue = -left
            line = escalation_line(child.team)
            why = (
                f"It is escalated to you as {manager}'s manager in line."
                if manager is not None
                else f"{child.team} has no team manager, so it comes to you as the area's service manager."
            )
            level = min(len(line), 1 + (overdue - 1) // max(1, interval_working_days))
            for n in range(level):
                if send_once(
                    key=f"{key}:escalate:{n + 1}",
                    recipient=line[n],
                    child=child,
                    reason=f"Escalation level {n + 1} ({LEVELS[n] if n < len(LEVELS) else 'manager'}): "
                    "family not yet contacted",
                    subject=f"Overdue: contacting the family of case {child.case_id}",
                    body=f"{what}. They were to be contacted by {long_date(contact.due_on)}, and it is {overdue} "
                    f"working day{'s' if overdue != 1 else ''} overdue. {why}\n{_link(contact)}",
                ):
                    run.escalations += 1
                    run.details.append(f"Family contact for {child.case_id} escalated to {line[n]}")
    return run
