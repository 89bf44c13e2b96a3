"""Reads about audits that pages share."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from caseaudit.organisation.models import Person, PersonRole, ServiceArea, Team
from caseaudit.organisation.roles import Role
from caseaudit.web.lists import first_and_total

from .access import audits_visible_to
from .models import DONE_STATUSES, OPEN_STATUSES, Audit, AuditStatus, SectionJudgement


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
        "returns": audit.returns.select_related("returned_by"),
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
            .filter(second_of__isnull=True)  # a second, blind audit is reconciled through its first
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


# A month's programme in progress (issue 44, point 5): every programme of the month, its audits counted by stage,
# by auditor and by team, each count a GROUP BY query, so the page costs the same few queries at any size.

PROGRESS_STAGES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "in_moderation": "In moderation",
    "moderated": "Moderated",
}
# Counted beside the stages: a draft past its due date, and a draft due within DUE_SOON_DAYS (whom reminders go to).
PROGRESS_FLAGS = {"overdue": "Overdue", "due_soon": "Due soon"}
# "Due soon", as My audits marks it (_mark_due).
DUE_SOON_DAYS = 7


def _typed() -> Q:
    """A draft its auditor has started: anything typed or recorded on it. A section graded or with evidence, a
    question answered (an answer row is only saved when something was chosen or written), an overall grade or
    any of the three summaries, or an activity recorded (a file read, a conversation held: work begun before
    a word is typed in the form).

    Not `version > 1`: reassigning an audit to another auditor bumps its version with nothing typed, so the
    new auditor's untouched draft would count as in progress."""
    from .models import Activity, Answer, SectionJudgement

    judged = SectionJudgement.objects.filter(audit=OuterRef("pk")).filter(~Q(grade="") | ~Q(evidence=""))
    return (
        Q(Exists(judged))
        | Q(Exists(Answer.objects.filter(audit=OuterRef("pk"))))
        | Q(Exists(Activity.objects.filter(audit=OuterRef("pk"))))
        | ~Q(overall_grade="")
        | ~Q(strengths="")
        | ~Q(areas_for_development="")
        | ~Q(recommended_actions="")
    )


def progress_filters(today: datetime.date) -> dict[str, Q]:
    """Each stage and flag as a filter on audits: the counts and the lists behind them use the same ones."""
    draft = Q(status=AuditStatus.DRAFT)
    typed = _typed()
    return {
        "not_started": draft & ~typed,
        "in_progress": draft & typed,
        "submitted": Q(status=AuditStatus.SUBMITTED),
        "in_moderation": Q(status=AuditStatus.IN_MODERATION),
        "moderated": Q(status__in=DONE_STATUSES),
        # Overdue means the auditor's part is late: a draft past its due date. Audit.is_overdue also counts
        # audits submitted and waiting for a moderator; that lateness is the moderators', not the auditor's,
        # and reminders go to auditors.
        "overdue": draft & Q(due_on__lt=today),
        "due_soon": draft & Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
    }


def month_start(month: datetime.date) -> datetime.date:
    return month.replace(day=1)


def programme_month_audits(month: datetime.date, service_area: ServiceArea | None = None) -> QuerySet[Audit]:
    """The audits of every programme of the month (monthly and themed). With a service area, those of its teams
    (the team the child was in when audited, so a themed audit across the council is split by area too)."""
    audits = Audit.objects.filter(programme__month=month_start(month))
    if service_area is not None:
        audits = audits.filter(team__service_area=service_area)
    return audits


def programme_month_progress(*, month: datetime.date, service_area: ServiceArea | None, today: datetime.date) -> dict:
    """The month's programmes, and their audits counted by stage (with overdue and due soon) in all, by auditor
    and by team. Three queries whatever the number of audits, auditors or teams."""
    from .models import Programme

    month = month_start(month)
    audits = programme_month_audits(month, service_area)
    counted = {name: Count("pk", filter=where) for name, where in progress_filters(today).items()}
    counted["total"] = Count("pk")
    by_team = list(audits.values("team_id", "team__name").annotate(**counted).order_by("team__name", "team_id"))
    by_auditor = list(
        audits.values("auditor_id", "auditor__full_name")
        .annotate(**counted)
        .order_by(F("auditor__full_name").asc(nulls_last=True), "auditor_id")
    )
    # Every audit has one team, so the month's totals are the teams' rows added up (no fourth query).
    totals = {name: sum(row[name] for row in by_team) for name in counted}
    programmes = Programme.objects.filter(month=month).select_related("service_area").order_by("kind", "title")
    if service_area is not None:
        programmes = programmes.filter(Q(service_area=service_area) | Q(service_area__isnull=True))
    return {
        "month": month,
        "programmes": list(programmes),
        "totals": totals,
        "by_team": by_team,
        "by_auditor": by_auditor,
        "behind": sum(1 for row in by_auditor if row["auditor_id"] and (row["overdue"] or row["due_soon"])),
    }


def programme_month_audit_list(
    *,
    month: datetime.date,
    service_area: ServiceArea | None,
    today: datetime.date,
    stage: str = "",
    team: Team | None = None,
    auditor: Person | None = None,
    unassigned: bool = False,
) -> QuerySet[Audit]:
    """The audits behind one count of the progress page, soonest due first, each marked `started`."""
    filters = progress_filters(today)
    audits = programme_month_audits(month, service_area)
    if stage:
        audits = audits.filter(filters[stage])
    if team is not None:
        audits = audits.filter(team=team)
    if auditor is not None:
        audits = audits.filter(auditor=auditor)
    elif unassigned:
        audits = audits.filter(auditor__isnull=True)
    return (
        audits.select_related("child", "team", "auditor", "programme")
        .annotate(started=ExpressionWrapper(_typed(), output_field=BooleanField()))
        .order_by(F("due_on").asc(nulls_last=True), "child__case_id", "pk")
    )


def second_audit_for_moderation(audit: Audit) -> tuple[Audit | None, dict[int, SectionJudgement]]:
    """The second, blind audit of a file (issue 32) and its judgements by practice area, for its moderator only:
    the pair is moderated, and reconciled, through the first."""
    second = Audit.objects.filter(second_of=audit).select_related("auditor").first()
    if second is None:
        return None, {}
    return second, {j.section_id: j for j in second.judgements.all()}
