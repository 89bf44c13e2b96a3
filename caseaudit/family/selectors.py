"""Reads the pages share about family feedback: the contact requests waiting on a manager, and a child's feedback."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from caseaudit.audits.access import audits_visible_to
from caseaudit.improvement.models import stage_rag
from caseaudit.improvement.panels import PANEL_ROWS, Panel, PanelRow
from caseaudit.improvement.selectors import StageCell
from caseaudit.organisation.access import children_visible_to
from caseaudit.organisation.models import Child, Person

from .models import ContactRequest, Invitation, InvitationMessage, Question, Response

# The requests the home page names, each a link to its page; the count says how many more.
HOME_NAMED = 5


def contact_requests_waiting(person: Person, today: datetime.date) -> dict[str, QuerySet]:
    """What the home page counts (web.lists.counts): families waiting for this team manager to contact them, and
    those past their date."""
    waiting = ContactRequest.objects.filter(contacted_on__isnull=True, child__team__manager=person)
    return {"waiting": waiting, "overdue": waiting.filter(due_on__lt=today)}


def contact_requests_named(person: Person, count: int) -> list[ContactRequest]:
    """The first few, soonest due first: read only when the count says there are any."""
    if not count:
        return []
    waiting = contact_requests_waiting(person, datetime.date.min)["waiting"]
    return list(waiting.select_related("child").order_by("due_on", "pk")[:HOME_NAMED])


@dataclass(frozen=True)
class FeedbackShown:
    response: Response
    answers: list[tuple[str, str]]  # (question, answer), in the questionnaire's order


def child_family_feedback(person: Person, child: Child) -> list[FeedbackShown]:
    """The family's answers about this child, from the audits this person may see (an audit they may not see
    keeps its family feedback too), newest first, with any request to be contacted. Two queries however many
    answered, or none: the answers, and the questions of the versions they were sent."""
    audits = audits_visible_to(person).filter(child=child).values("pk")
    responses = list(
        Response.objects.filter(invitation__audit__in=audits)
        .select_related("invitation", "contact_request__recorded_by")
        .order_by("-submitted_at", "-pk")
    )
    sent_versions = Invitation.objects.filter(audit__in=audits).values("questionnaire_version_id")
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(version_id__in=sent_versions).order_by("version", "position"):
        questions[question.version_id].append(question)
    return [
        FeedbackShown(
            response,
            [
                (q.text, response.answers[str(q.pk)])
                for q in questions[response.invitation.questionnaire_version_id]
                if response.answers.get(str(q.pk))
            ],
        )
        for response in responses
    ]


def invitation_messages(invitations: list[Invitation], audit_id: int) -> None:
    """Each invitation's messages, first claimed first, as `sent_messages`: one query, whether or not any were
    sent (a prefetch would read nothing for an audit with no invitations, and one more query with some)."""
    by_invitation: dict[int, list[InvitationMessage]] = defaultdict(list)
    for message in InvitationMessage.objects.filter(invitation__audit_id=audit_id).order_by("claimed_at", "pk"):
        by_invitation[message.invitation_id].append(message)
    for invitation in invitations:
        invitation.sent_messages = by_invitation[invitation.pk]  # type: ignore[attr-defined]


def contact_requests_panel(person: Person, today: datetime.date) -> Panel | None:
    """The monitoring dashboard's panel (improvement/panels.py): families waiting to be contacted, among the children
    this person may see, soonest due first, red/amber/green like a plan's stages. Two queries. The child's team
    manager goes straight to recording the contact; others to the child's record, which shows the request."""
    waiting = ContactRequest.objects.filter(contacted_on__isnull=True, child__in=children_visible_to(person))
    total = waiting.count()
    if not total:
        return None
    rows = []
    for contact in waiting.select_related("child__team").order_by("due_on", "pk")[:PANEL_ROWS]:
        mine = contact.child.team.manager_id == person.pk
        href = (
            reverse("family:contact_record", args=[contact.pk])
            if mine
            else reverse("organisation:child_show", args=[contact.child_id])
        )
        cell = StageCell(contact.due_on, None, stage_rag(contact.due_on, None, today))
        rows.append(PanelRow(f"Case {contact.child.case_id}: the family asked to be contacted", href, cell))
    return Panel("Families who asked to be contacted", rows, total)
