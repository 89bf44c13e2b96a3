"""Reads about audits that pages share."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from caseaudit.organisation.models import Person, PersonRole, Team
from caseaudit.organisation.roles import Role
from caseaudit.web.lists import first_and_total

from .access import audits_visible_to
from .models import OPEN_STATUSES, Audit, AuditStatus


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


# A list on My audits shows this many; the rest are a link away, a page at a time (decision 0072).
LIST_LIMIT = 25
LIST_PAGE_SIZE = 50
# The lists of My audits in the order the page shows them, with their headings.
MY_LISTS = {
    "critical": "Critical safeguarding concerns with no action recorded",
    "to_do": "To do",
    "moderation_queue": "Waiting for moderation",
    "to_acknowledge": "Shared with you to acknowledge",
    "to_share": "Moderated, ready to share",
    "submitted": "Submitted by you",
}


# What the lists show of each audit (audits/_my_list.html): read only these. A whole audit with its child and
# team is some 60 columns, and building them was most of the My audits page's time in the ORM.
_LISTED = ("pk", "status", "kind", "due_on", "audit_date", "final_grade", "child__case_id", "child__name")


def my_audit_lists(person: Person) -> dict[str, QuerySet[Audit]]:
    """The person's audit work, each list an ordered query (nothing is read yet). The moderation
    queue is there only for moderators."""
    with_team = (*_LISTED, "team__name")
    lists: dict[str, QuerySet[Audit]] = {
        "critical": audits_visible_to(person)
        .filter(is_critical=True, critical_action="")
        .select_related("child")
        .only(*_LISTED)
        .order_by("audit_date", "pk"),
        "to_do": Audit.objects.filter(auditor=person, status=AuditStatus.DRAFT)
        .select_related("child", "team")
        .only(*with_team)
        .order_by("due_on", "pk"),
    }
    if person.has_role(Role.MODERATOR):
        lists["moderation_queue"] = (
            audits_visible_to(person)
            .filter(Q(status=AuditStatus.SUBMITTED) | Q(status=AuditStatus.IN_MODERATION, moderator=person))
            .exclude(auditor=person)
            .select_related("child", "auditor", "team")
            .only(*with_team, "auditor_name", "auditor__full_name")
            .order_by("submitted_at", "pk")
        )
    # The managed teams' ids first: "worker or team_id IN (...)" is two index lookups (BitmapOr), whereas an OR
    # across the join to teams scanned every shared audit (about 100 ms at 100,000 audits).
    managed_teams = list(Team.objects.filter(manager=person).values_list("pk", flat=True))
    lists["to_acknowledge"] = (
        Audit.objects.filter(status=AuditStatus.SHARED)
        .filter(Q(worker=person) | Q(team_id__in=managed_teams))
        .exclude(acknowledgements__person=person)
        .select_related("child")
        .only(*_LISTED)
        .order_by("shared_at", "pk")
    )
    # Moderated and waiting to go to the worker and their manager: for whoever may share them (access.can_share).
    finalised = Audit.objects.filter(status=AuditStatus.FINALISED).select_related("child", "team").only(*with_team)
    lists["to_share"] = (finalised if person.has_role(Role.QA_ADMIN) else finalised.filter(moderator=person)).order_by(
        "finalised_at", "pk"
    )
    lists["submitted"] = (
        Audit.objects.filter(auditor=person, status__in=[AuditStatus.SUBMITTED, AuditStatus.IN_MODERATION])
        .select_related("child")
        .only(*_LISTED)
        .order_by("-submitted_at", "-pk")
    )
    return lists


def my_audit_count_lists(person: Person, today: datetime.date) -> dict[str, QuerySet[Audit]]:
    """What the home page counts of the person's audits (web.lists.counts): each of My audits' lists the
    person has, and their overdue drafts."""
    lists = my_audit_lists(person)
    return {**lists, "overdue": _overdue_drafts(lists["to_do"], today)}


def my_audit_counts(found: dict[str, int]) -> dict[str, int | None]:
    """The home page's to-do list from my_audit_count_lists' counts: None for a list the person does not have."""
    return {**{name: found.get(name) for name in MY_LISTS}, "overdue": found["overdue"]}


def _mark_due(audits: list[Audit], today: datetime.date) -> None:
    for audit in audits:
        # Annotations for the page only, not model fields.
        audit.overdue = audit.is_overdue(today)  # type: ignore[attr-defined]
        audit.due_soon = not audit.overdue and audit.due_on is not None and (audit.due_on - today).days <= 7  # type: ignore[attr-defined]


def my_audits(person: Person, today: datetime.date) -> dict:
    """My audits: the first LIST_LIMIT of each list, with how many there are when there are more."""
    queries = my_audit_lists(person)
    lists: dict[str, dict[str, Any]] = {}
    for name, audits in queries.items():
        shown, total = first_and_total(audits, LIST_LIMIT)
        lists[name] = {
            "name": name,
            "heading": MY_LISTS[name],
            "audits": shown,
            "total": total,
            "rest": total - len(shown),
            "more": total > len(shown),
        }
    to_do = lists["to_do"]
    _mark_due(to_do["audits"], today)
    if to_do["more"]:
        overdue = _overdue_drafts(queries["to_do"], today).count()
    else:
        overdue = sum(1 for a in to_do["audits"] if a.overdue)
    return {"lists": lists, "overdue_count": overdue}


def _overdue_drafts(to_do: QuerySet[Audit], today: datetime.date) -> QuerySet[Audit]:
    """The person's drafts that are past their due date (Audit.is_overdue, in the database)."""
    return to_do.filter(due_on__lt=today)


def my_audit_list_page(person: Person, name: str, page_number, today: datetime.date) -> dict | None:
    """One of My audits' lists in full, a page at a time; None for a list the person does not have."""
    from django.core.paginator import Paginator

    audits = my_audit_lists(person).get(name)
    if audits is None:
        return None
    page = Paginator(audits, LIST_PAGE_SIZE).get_page(page_number)
    page.object_list = list(page.object_list)
    _mark_due(page.object_list, today)
    return {"name": name, "heading": MY_LISTS[name], "page": page, "total": page.paginator.count}


def audits_of_child(person: Person, child) -> QuerySet[Audit]:
    """The audits of one child that this person may see, newest first (a page at a time: a child in care for
    twenty years can have a hundred)."""
    return audits_visible_to(person).filter(child=child).select_related("auditor").order_by("-audit_date", "-pk")


def programmes_planning() -> QuerySet:
    """Programmes whose sample is not yet confirmed: the QA team's to-do before audits can start."""
    from .models import Programme, ProgrammeStatus

    return Programme.objects.filter(status=ProgrammeStatus.PLANNING)


def auditors_with_load() -> QuerySet[Person]:
    """Everyone who can be given an audit, by name, with their team and `open_audits` (drafts, submitted and in
    moderation assigned to them), so whoever assigns audits can spread the work. One grouped query."""
    return (
        Person.objects.filter(is_active=True, pk__in=PersonRole.objects.filter(role=Role.AUDITOR).values("person_id"))
        .select_related("team")
        .annotate(open_audits=Count("audits_to_do", filter=Q(audits_to_do__status__in=OPEN_STATUSES)))
        .order_by("full_name", "pk")
    )


def auditors_with_open_audits() -> list[Person]:
    return list(auditors_with_load())


def auditor_label(person: Person) -> str:
    """'Abigail Myers – QA team, 3 open audits': who they are, where they work, how busy they are."""
    count = getattr(person, "open_audits", 0)
    load = f"{count} open audit{'' if count == 1 else 's'}"
    where = person.team.name if person.team_id and person.team else person.job_title
    return f"{person.full_name} – {where}, {load}" if where else f"{person.full_name} – {load}"
