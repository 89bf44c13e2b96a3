"""Reads about audits that pages share."""

from __future__ import annotations

import datetime

from django.db.models import Q

from caseaudit.organisation.models import Person, Team
from caseaudit.organisation.roles import Role

from .access import audits_visible_to
from .models import Audit, AuditStatus


def audit_detail(audit: Audit) -> dict:
    # The questions of every section in one query, not one per section.
    judgements = list(
        audit.judgements.select_related("section").prefetch_related("section__questions").order_by("section__position")
    )
    answers = {a.question_id: a for a in audit.answers.all()}
    sections = []
    for judgement in judgements:
        questions = [{"question": q, "answer": answers.get(q.pk)} for q in judgement.section.questions.all()]
        sections.append({"judgement": judgement, "questions": questions})
    return {
        "audit": audit,
        "sections": sections,
        "activities": audit.activities.select_related("carried_out_by"),
        "acknowledgements": audit.acknowledgements.select_related("person"),
        "re_audits": audit.re_audits.all(),
    }


def my_audits(person: Person, today: datetime.date) -> dict:
    mine = list(
        Audit.objects.filter(auditor=person, status=AuditStatus.DRAFT)
        .select_related("child", "team")
        .order_by("due_on", "pk")
    )
    for audit in mine:
        # Annotations for the page only, not model fields.
        audit.overdue = audit.is_overdue(today)  # type: ignore[attr-defined]
        audit.due_soon = not audit.overdue and audit.due_on is not None and (audit.due_on - today).days <= 7  # type: ignore[attr-defined]
    context = {
        "to_do": mine,
        "overdue_count": sum(1 for a in mine if a.overdue),  # type: ignore[attr-defined,misc]
        "submitted": Audit.objects.filter(auditor=person, status__in=[AuditStatus.SUBMITTED, AuditStatus.IN_MODERATION])
        .select_related("child")
        .order_by("-submitted_at")[:20],
    }
    if person.has_role(Role.MODERATOR):
        context["moderation_queue"] = (
            audits_visible_to(person)
            .filter(Q(status=AuditStatus.SUBMITTED) | Q(status=AuditStatus.IN_MODERATION, moderator=person))
            .exclude(auditor=person)
            .select_related("child", "auditor", "team")
            .order_by("submitted_at")
        )
    # The managed teams' ids first: "worker or team_id IN (...)" is two index lookups (BitmapOr), whereas an OR
    # across the join to teams scanned every shared audit (about 100 ms at 100,000 audits).
    managed_teams = list(Team.objects.filter(manager=person).values_list("pk", flat=True))
    context["to_acknowledge"] = (
        Audit.objects.filter(status=AuditStatus.SHARED)
        .filter(Q(worker=person) | Q(team_id__in=managed_teams))
        .exclude(acknowledgements__person=person)
        .select_related("child")
    )
    context["critical"] = audits_visible_to(person).filter(is_critical=True, critical_action="").select_related("child")
    # Moderated and waiting to go to the worker and their manager: for whoever may share them (access.can_share).
    finalised = Audit.objects.filter(status=AuditStatus.FINALISED).select_related("child", "team")
    context["to_share"] = (
        finalised if person.has_role(Role.QA_ADMIN) else finalised.filter(moderator=person)
    ).order_by("finalised_at", "pk")
    return context


def audits_of_child(person: Person, child) -> list[Audit]:
    """The audits of one child that this person may see, newest first."""
    return list(audits_visible_to(person).filter(child=child).select_related("auditor").order_by("-audit_date", "-pk"))


def programmes_planning() -> int:
    """Programmes whose sample is not yet confirmed: the QA team's to-do before audits can start."""
    from .models import Programme, ProgrammeStatus

    return Programme.objects.filter(status=ProgrammeStatus.PLANNING).count()
