"""Everything CaseAudit holds about one child, for a subject access request (docs/decisions/0040).

The structure (version 1) is documented in docs/security/data-protection.md; keys
are stable, dates and times are ISO 8601. With `redact_staff`, every member of
staff is shown as their role in the record and a pseudonym ("Worker A") that is
the same wherever that person appears in the export.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from string import ascii_uppercase

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from caseaudit.audits.models import Acknowledgement, Activity, Answer, Audit, SectionJudgement
from caseaudit.family.models import ContactRequest, Invitation, Response
from caseaudit.improvement.models import ImprovementPlan, PlanEvent, RemedialAction, Stage
from caseaudit.learning.models import FollowUp, LearningEntry, Recommendation
from caseaudit.organisation.models import Child, Person
from caseaudit.trail.models import TrailEntry

FORMAT_VERSION = 1


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    label = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = ascii_uppercase[rem] + label
    return label


class StaffNames:
    """Names staff the way the export asks: as themselves, or as role + a stable pseudonym.

    Full names and emails of all staff are replaced in free text; for the people
    involved in the child's records, a first name or surname on its own is
    replaced too ("Jasper is kind"), but only as a capitalised whole word and
    never when it is also part of the child's own name.
    """

    def __init__(
        self,
        *,
        redact: bool,
        involved: Iterable[Person],
        everyone: Iterable[Person],
        free_text_names: Iterable[str] = (),
        keep_words: Iterable[str] = (),
    ) -> None:
        self.redact = redact
        # Letters follow the person's id (people in the records first), so the
        # same export made twice names people the same.
        involved = sorted({p.pk: p for p in involved}.values(), key=lambda p: p.pk)
        others = sorted(
            {p.pk: p for p in everyone if p.pk not in {i.pk for i in involved}}.values(), key=lambda p: p.pk
        )
        ordered = involved + others
        self.pseudonyms = {p.pk: f"Worker {_letters(i)}" for i, p in enumerate(ordered)}
        replacements = {p.full_name: self.pseudonyms[p.pk] for p in ordered if p.full_name}
        replacements |= {p.email: self.pseudonyms[p.pk] for p in ordered}
        offset = len(ordered)
        for i, name in enumerate(sorted(set(free_text_names) - set(replacements))):
            replacements[name] = f"Worker {_letters(offset + i)}"
        keep = {w.lower() for w in keep_words}
        parts: dict[str, str] = {}
        for p in involved:
            for part in p.full_name.split():
                if len(part) >= 3 and part.lower() not in keep and part not in replacements:
                    parts.setdefault(part, self.pseudonyms[p.pk])
        self.replacements = replacements
        self._by_lower = {n.lower(): v for n, v in replacements.items()}
        self._parts = parts
        names = sorted((n for n in replacements if n), key=len, reverse=True)
        # Whole words only: a person called Ann must not turn "Annual" into "Worker Cual".
        alternatives = "|".join(re.escape(n) for n in names)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if names else None
        part_alternatives = "|".join(re.escape(n) for n in sorted(parts, key=len, reverse=True))
        self._part_pattern = re.compile(rf"(?<!\w)(?:{part_alternatives})(?!\w)") if parts else None

    def person(self, person: Person | None, role: str) -> dict | None:
        if person is None:
            return None
        if self.redact:
            return {"role": role, "name": self.pseudonyms.get(person.pk, "Worker")}
        return {"role": role, "name": person.full_name, "email": person.email}

    def named(self, name: str, role: str) -> dict | None:
        """Someone recorded by name only (an imported audit's auditor)."""
        if not name:
            return None
        return {"role": role, "name": self.text(name)}

    def text(self, value):
        """Free text and change values: staff names and emails replaced when redacting."""
        if not self.redact or self._pattern is None:
            return value
        if isinstance(value, str):
            value = self._pattern.sub(lambda m: self._by_lower[m.group(0).lower()], value)
            if self._part_pattern is not None:
                value = self._part_pattern.sub(lambda m: self._parts[m.group(0)], value)
            return value
        if isinstance(value, list):
            return [self.text(v) for v in value]
        if isinstance(value, dict):
            return {k: self.text(v) for k, v in value.items()}
        return value


def _child_audits(child: Child) -> QuerySet[Audit]:
    return (
        Audit.objects.filter(child=child)
        .select_related("team", "worker", "auditor", "moderator", "critical_action_by", "tool_version__tool", "follows")
        .order_by("created_at", "pk")
    )


def _child_plans(child: Child) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(child=child).select_related("team", "responsible").order_by("opened_on", "pk")


def child_records_trail(child: Child) -> QuerySet[TrailEntry]:
    """Change-history entries about the child's record and the records about the child
    (audits and their parts, the family's invitations and answers, improvement plans and their parts)."""
    audits = Audit.objects.filter(child=child)
    plans = ImprovementPlan.objects.filter(child=child)
    groups = [
        (Child, [child.pk]),
        (Audit, audits.values_list("pk", flat=True)),
        (SectionJudgement, SectionJudgement.objects.filter(audit__in=audits).values_list("pk", flat=True)),
        (Answer, Answer.objects.filter(audit__in=audits).values_list("pk", flat=True)),
        (Activity, Activity.objects.filter(audit__in=audits).values_list("pk", flat=True)),
        (Acknowledgement, Acknowledgement.objects.filter(audit__in=audits).values_list("pk", flat=True)),
        (ImprovementPlan, plans.values_list("pk", flat=True)),
        (Stage, Stage.objects.filter(plan__in=plans).values_list("pk", flat=True)),
        (RemedialAction, RemedialAction.objects.filter(plan__in=plans).values_list("pk", flat=True)),
        (Invitation, Invitation.objects.filter(audit__in=audits).values_list("pk", flat=True)),
        (Response, Response.objects.filter(invitation__audit__in=audits).values_list("pk", flat=True)),
        (ContactRequest, ContactRequest.objects.filter(child=child).values_list("pk", flat=True)),
    ]
    types = ContentType.objects.get_for_models(*[model for model, _ in groups])
    about = Q(pk__in=[])
    for model, ids in groups:
        keys = [str(pk) for pk in ids]
        if keys:
            about |= Q(content_type=types[model], object_pk__in=keys)
    return TrailEntry.objects.filter(about).select_related("content_type", "actor")


def _learning_about(child: Child, audits: QuerySet[Audit]) -> tuple[list[LearningEntry], list[Recommendation]]:
    """Learning linked to the child's audits, and learning or recommendations whose text names the child."""
    mentions = Q()
    for needle in (child.case_id, child.name):
        mentions |= Q(title__icontains=needle) | Q(summary__icontains=needle) | Q(prompted_by__icontains=needle)
    entries = (
        LearningEntry.objects.filter(Q(audits__in=audits) | mentions)
        .distinct()
        .select_related("created_by")
        .order_by("happened_on", "pk")
    )
    rec_mentions = Q()
    for needle in (child.case_id, child.name):
        rec_mentions |= (
            Q(text__icontains=needle)
            | Q(agreed_action__icontains=needle)
            | Q(pk__in=FollowUp.objects.filter(evidence__icontains=needle).values("recommendation_id"))
        )
    recommendations = (
        Recommendation.objects.filter(rec_mentions).select_related("source", "owner").order_by("raised_on", "pk")
    )
    return list(entries), list(recommendations)


def _people_in(child, audits, plans, entries, recommendations, trail) -> tuple[list[Person], list[str]]:
    """The staff who appear in the child's records, and names recorded as text only."""
    ids: set[int] = set()
    names: set[str] = set()

    def add(*people_ids):
        ids.update(pk for pk in people_ids if pk)

    add(child.allocated_worker_id, child.independent_reviewing_officer_id)
    for audit in audits:
        add(audit.worker_id, audit.auditor_id, audit.moderator_id, audit.critical_action_by_id)
        if audit.auditor_name:
            names.add(audit.auditor_name)
    add(*Activity.objects.filter(audit__in=audits).values_list("carried_out_by_id", flat=True))
    add(*Acknowledgement.objects.filter(audit__in=audits).values_list("person_id", flat=True))
    for plan in plans:
        add(plan.responsible_id)
    for row in Stage.objects.filter(plan__in=plans).values_list("completed_by_id", "chair_id", "decided_by_id"):
        add(*row)
    add(*RemedialAction.objects.filter(plan__in=plans).values_list("owner_id", flat=True))
    add(*PlanEvent.objects.filter(plan__in=plans).values_list("by_id", flat=True))
    add(*(e.created_by_id for e in entries), *(r.owner_id for r in recommendations))
    add(*FollowUp.objects.filter(recommendation__in=recommendations).values_list("recorded_by_id", flat=True))
    add(*trail.values_list("actor_id", flat=True))
    add(*Invitation.objects.filter(audit__in=audits).values_list("created_by_id", flat=True))
    add(*ContactRequest.objects.filter(child=child).values_list("recorded_by_id", flat=True))
    return list(Person.objects.filter(pk__in=ids)), sorted(names)


def child_subject_access(*, child: Child, redact_staff: bool, requested_by: Person) -> dict:
    """The export as plain data: JSON as it is, and the PDF template renders it."""
    audits = list(_child_audits(child))
    plans = list(_child_plans(child))
    entries, recommendations = _learning_about(child, Audit.objects.filter(child=child))
    trail = child_records_trail(child)
    involved, free_names = _people_in(child, audits, plans, entries, recommendations, trail)
    staff = StaffNames(
        redact=redact_staff,
        involved=[*involved, requested_by],
        # Everyone on the staff list too: free text (meeting attendees, notes) may name anyone.
        everyone=Person.objects.all() if redact_staff else [],
        free_text_names=free_names,
        keep_words=child.name.split(),
    )
    t = staff.text
    return {
        "format": "caseaudit-subject-access",
        "format_version": FORMAT_VERSION,
        "council": settings.COUNCIL_NAME,
        "generated_at": _iso(timezone.now()),
        "generated_by": staff.person(requested_by, "QA administrator"),
        "staff_names_redacted": redact_staff,
        "child": {
            "case_id": child.case_id,
            "name": child.name,
            "date_of_birth": _iso(child.date_of_birth),
            "legal_status": child.get_legal_status_display(),
            "team": child.team.name,
            "service_area": child.team.service_area.name,
            "allocated_worker": staff.person(child.allocated_worker, "Allocated worker"),
            "independent_reviewing_officer": staff.person(
                child.independent_reviewing_officer, "Independent reviewing officer"
            ),
            "case_opened_on": _iso(child.opened_on),
            "case_closed_on": _iso(child.closed_on),
        },
        "audits": [_audit(audit, staff) for audit in audits],
        "family_feedback": _family_feedback(child, staff),
        "improvement_plans": [_plan(plan, staff) for plan in plans],
        "learning_entries": [
            {
                "id": e.pk,
                "date": _iso(e.happened_on),
                "kind": e.get_kind_display(),
                "title": t(e.title),
                "summary": t(e.summary),
                "prompted_by": t(e.prompted_by),
                "themes": e.themes,
                "recorded_by": staff.person(e.created_by, "QA administrator"),
            }
            for e in entries
        ],
        "recommendations": [
            {
                "id": r.pk,
                "source": r.source.title,
                "recommendation": t(r.text),
                "agreed_action": t(r.agreed_action),
                "owner": staff.person(r.owner, "Owner"),
                "raised_on": _iso(r.raised_on),
                "due_on": _iso(r.due_on),
                "status": r.get_status_display(),
                "follow_ups": [
                    {
                        "reviewed_on": _iso(f.reviewed_on),
                        "status": f.get_status_display(),
                        "evidence": t(f.evidence),
                        "recorded_by": staff.person(f.recorded_by, "Reviewer"),
                    }
                    for f in r.follow_ups.select_related("recorded_by")
                ],
            }
            for r in recommendations
        ],
        "change_history": [_trail_entry(entry, staff) for entry in trail.order_by("sequence")],
    }


def _audit(audit: Audit, staff: StaffNames) -> dict:
    t = staff.text
    return {
        "id": audit.pk,
        "kind": audit.get_kind_display(),
        "status": audit.get_status_display(),
        "tool": str(audit.tool_version),
        "team": audit.team.name,
        "re_audit_of": audit.follows_id,
        "worker": staff.person(audit.worker, "Allocated worker at the time"),
        "auditor": staff.person(audit.auditor, "Auditor") or staff.named(audit.auditor_name, "Auditor"),
        "moderator": staff.person(audit.moderator, "Moderator"),
        "due_on": _iso(audit.due_on),
        "audit_date": _iso(audit.audit_date),
        "overall_grade": audit.get_overall_grade_display(),
        "moderated_overall_grade": audit.get_moderated_overall_grade_display(),
        "final_grade": audit.get_final_grade_display(),
        "inadequate_critical": audit.is_critical,
        "critical_action": t(audit.critical_action),
        "critical_action_by": staff.person(audit.critical_action_by, "Manager"),
        "critical_action_at": _iso(audit.critical_action_at),
        "strengths": t(audit.strengths),
        "areas_for_development": t(audit.areas_for_development),
        "recommended_actions": t(audit.recommended_actions),
        "moderation_reason": t(audit.moderation_reason),
        "submitted_at": _iso(audit.submitted_at),
        "finalised_at": _iso(audit.finalised_at),
        "shared_at": _iso(audit.shared_at),
        "section_judgements": [
            {
                "section": j.section.title,
                "grade": j.get_grade_display(),
                "evidence": t(j.evidence),
                "moderated_grade": j.get_moderated_grade_display(),
                "moderation_reason": t(j.moderation_reason),
            }
            for j in audit.judgements.select_related("section").order_by("section__position")
        ],
        "answers": [
            {
                "section": a.question.section.title,
                "question": a.question.text,
                "answer": a.get_choice_display(),
                "text": t(a.text),
            }
            for a in audit.answers.select_related("question__section").order_by(
                "question__section__position", "question__position"
            )
        ],
        "activities": [
            {
                "kind": act.get_kind_display(),
                "happened_on": _iso(act.happened_on),
                "carried_out_by": staff.person(act.carried_out_by, act.get_kind_display()),
                "notes": t(act.notes),
                "family_words": t(act.family_words),
            }
            for act in audit.activities.select_related("carried_out_by")
        ],
        "acknowledgements": [
            {
                "person": staff.person(ack.person, "Recipient of the audit"),
                "acknowledged_at": _iso(ack.acknowledged_at),
                "response": t(ack.response),
            }
            for ack in audit.acknowledgements.select_related("person")
        ],
    }


def _family_feedback(child: Child, staff: StaffNames) -> list[dict]:
    """The family's invitations to answer for themselves, what they answered, and any request to be contacted.
    Never a link's token hash: it is no one's personal data, and only the family's message held the link."""
    t = staff.text
    invitations = (
        Invitation.objects.filter(audit__child=child)
        .select_related("questionnaire_version__questionnaire", "created_by", "response__contact_request__recorded_by")
        .prefetch_related("messages", "questionnaire_version__questions")
        .order_by("created_at", "pk")
    )
    exported = []
    for invitation in invitations:
        response = getattr(invitation, "response", None)
        contact = getattr(response, "contact_request", None) if response is not None else None
        exported.append(
            {
                "id": invitation.pk,
                "audit_id": invitation.audit_id,
                "questionnaire": str(invitation.questionnaire_version),
                "recipient_name": invitation.recipient_name,
                "relationship": invitation.relationship,
                "channel": invitation.get_channel_display(),
                "contact": invitation.contact,
                "invited_by": staff.person(invitation.created_by, "Auditor"),
                "invited_at": _iso(invitation.created_at),
                "link_expires_at": _iso(invitation.expires_at),
                "cancelled_at": _iso(invitation.revoked_at),
                "reminder_sent_at": _iso(invitation.reminder_sent_at),
                "answered_at": _iso(invitation.answered_at),
                "messages": [
                    {
                        "kind": message.get_kind_display(),
                        "channel": message.get_channel_display(),
                        "to": message.to,
                        "status": message.state_label,
                        "sent_at": _iso(message.sent_at),
                    }
                    for message in invitation.message_list
                ],
                "response": None
                if response is None
                else {
                    "submitted_at": _iso(response.submitted_at),
                    "answers": [{"question": q, "answer": t(a)} for q, a in response.answered()],
                    "anything_else": t(response.anything_else),
                    "contact_me": response.contact_me,
                    "contact_request": None
                    if contact is None
                    else {
                        "due_on": _iso(contact.due_on),
                        "contacted_on": _iso(contact.contacted_on),
                        "note": t(contact.note),
                        "recorded_by": staff.person(contact.recorded_by, "Manager"),
                        "recorded_at": _iso(contact.recorded_at),
                    },
                },
            }
        )
    return exported


def _plan(plan: ImprovementPlan, staff: StaffNames) -> dict:
    t = staff.text
    return {
        "id": plan.pk,
        "audit_id": plan.audit_id,
        "team": plan.team.name,
        "responsible": staff.person(plan.responsible, plan.get_responsible_role_display()),
        "opened_on": _iso(plan.opened_on),
        "status": plan.get_status_display(),
        "repeat_inadequate": plan.repeat_inadequate,
        "closed_on": _iso(plan.closed_on),
        "stages": [
            {
                "stage": s.get_kind_display(),
                "due_on": _iso(s.due_on),
                "completed_on": _iso(s.completed_on),
                "completed_by": staff.person(s.completed_by, "Completed by"),
                "chair": staff.person(s.chair, "Chair"),
                "attendees": t(s.attendees),
                "outcome": t(s.outcome),
                "decision": s.get_decision_display(),
                "decision_reason": t(s.decision_reason),
                "decided_by": staff.person(s.decided_by, "Manager"),
            }
            for s in plan.stages.select_related("completed_by", "chair", "decided_by").order_by("due_on", "pk")
        ],
        "actions": [
            {
                "description": t(a.description),
                "owner": staff.person(a.owner, "Action owner"),
                "created_on": _iso(a.created_on),
                "due_on": _iso(a.due_on),
                "completed_on": _iso(a.completed_on),
                "evidence": t(a.evidence),
            }
            for a in plan.actions.select_related("owner")
        ],
        "events": [
            {
                "at": _iso(e.at),
                "by": staff.person(e.by, "Recorded by"),
                "stage": e.get_stage_display(),
                "from": t(e.from_state),
                "to": t(e.to_state),
                "note": t(e.note),
            }
            for e in plan.events.select_related("by")
        ],
    }


_ACTIONS = {
    TrailEntry.Action.CREATE: "created",
    TrailEntry.Action.UPDATE: "changed",
    TrailEntry.Action.DELETE: "deleted",
    TrailEntry.Action.ACCESS: "read",
}


_NOT_EXPORTED = {"token_hash", "reminder_token_hash"}


def _trail_entry(entry: TrailEntry, staff: StaffNames) -> dict:
    if entry.actor_id:
        who = staff.person(entry.actor, "Member of staff")
    elif entry.actor_email:
        who = {"role": "Member of staff", "name": staff.text(entry.actor_email)}
    else:
        who = {"role": "System", "name": "CaseAudit"}
    return {
        "sequence": entry.sequence,
        "at": _iso(entry.timestamp),
        "action": _ACTIONS.get(entry.action, str(entry.action)),
        "record": entry.content_type.model_class()._meta.verbose_name if entry.content_type.model_class() else "",
        "record_id": entry.object_pk,
        "by": who,
        # Field changes as [before, after]; staff names in values are redacted like free text. A family link's
        # hash (in entries written before the history left it out) is not exported.
        "changes": staff.text({k: v for k, v in entry.changes.items() if k not in _NOT_EXPORTED})
        if isinstance(entry.changes, dict)
        else {},
    }
