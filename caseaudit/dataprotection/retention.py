"""The retention policy and `apply_retention`: which closed children are past their period, and
anonymising them so the figures stay the same (docs/decisions/0041)."""

from __future__ import annotations

import datetime
import getpass
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from caseaudit.audits.models import Acknowledgement, Activity, Answer, Audit, SectionJudgement
from caseaudit.family.models import ContactRequest, Invitation, InvitationMessage, QuestionKind, Response
from caseaudit.improvement.models import ImprovementPlan, PlanEvent, RemedialAction, Stage
from caseaudit.learning.models import FollowUp, LearningEntry, Recommendation
from caseaudit.messaging.models import SentMessage
from caseaudit.organisation.models import Child, LegalStatus, Person
from caseaudit.trail.models import TrailEntry

from .models import DEFAULT_RETENTION, Anonymisation, RetentionPeriod, RetentionRun

REMOVED = "[Removed under the retention policy]"
CHILD_PLACEHOLDER = "[child]"


def retention_periods() -> list[RetentionPeriod]:
    """One period per legal status: the council's row (a migration adds the defaults), or the
    default, unsaved, if a row is missing. Reading never writes: the privacy notice calls this."""
    periods = {p.legal_status: p for p in RetentionPeriod.objects.all()}
    for status in LegalStatus.values:
        if status not in periods:
            age, years, basis = DEFAULT_RETENTION[status]
            periods[status] = RetentionPeriod(
                legal_status=status, keep_until_age=age, years_after_closure=years, basis=basis
            )
    return [periods[status] for status in LegalStatus.values]


@dataclass(frozen=True)
class DueChild:
    child: Child
    keep_until: datetime.date
    reason: str


def retention_due(*, today: datetime.date) -> list[DueChild]:
    """Closed children whose retention period ended before `today` and who are not yet anonymised."""
    periods = {p.legal_status: p for p in retention_periods()}
    due = []
    closed = Child.objects.filter(closed_on__isnull=False, closed_on__lt=today, anonymisation__isnull=True)
    for child in closed.order_by("closed_on", "pk").iterator(chunk_size=2000):
        period = periods[child.legal_status]
        keep_until = period.erase_after(date_of_birth=child.date_of_birth, closed_on=child.closed_on)
        if keep_until < today:
            reason = (
                f"{child.get_legal_status_display()}, closed {child.closed_on:%d %b %Y}: kept {period.description} "
                f"(to {keep_until:%d %b %Y})"
            )
            due.append(DueChild(child, keep_until, reason))
    return due


# Free text that can identify a child, by model: wiped whole on records about one child.
_CHILD_TEXT = {
    Audit: ["critical_action", "strengths", "areas_for_development", "recommended_actions", "moderation_reason"],
    SectionJudgement: ["evidence", "moderation_reason"],
    Answer: ["text"],
    Activity: ["notes", "family_words"],
    Acknowledgement: ["response"],
    Stage: ["outcome", "attendees", "decision_reason"],
    RemedialAction: ["description", "evidence"],
    PlanEvent: ["note"],
    SentMessage: ["subject", "body"],
    # The family's name, how they were reached, and their own words (the free-text answers: _family_answers).
    Invitation: ["recipient_name", "contact", "draft"],
    InvitationMessage: ["to"],
    Response: ["anything_else"],
    ContactRequest: ["note"],
}
# Records about many children: only the child's name and case ID are replaced in them.
_SHARED_TEXT = {
    LearningEntry: ["title", "summary", "prompted_by", "audience"],
    Recommendation: ["text", "agreed_action"],
    FollowUp: ["evidence"],
}


def _child_records(child: Child) -> dict[type, list]:
    audits = Audit.objects.filter(child=child)
    plans = ImprovementPlan.objects.filter(child=child)
    return {
        Audit: list(audits),
        SectionJudgement: list(SectionJudgement.objects.filter(audit__in=audits)),
        Answer: list(Answer.objects.filter(audit__in=audits)),
        Activity: list(Activity.objects.filter(audit__in=audits)),
        Acknowledgement: list(Acknowledgement.objects.filter(audit__in=audits)),
        Stage: list(Stage.objects.filter(plan__in=plans)),
        RemedialAction: list(RemedialAction.objects.filter(plan__in=plans)),
        PlanEvent: list(PlanEvent.objects.filter(plan__in=plans)),
        SentMessage: list(SentMessage.objects.filter(child=child)),
        Invitation: list(Invitation.objects.filter(audit__in=audits)),
        InvitationMessage: list(InvitationMessage.objects.filter(invitation__audit__in=audits)),
        Response: list(
            Response.objects.filter(invitation__audit__in=audits).prefetch_related(
                "invitation__questionnaire_version__questions"
            )
        ),
        ContactRequest: list(ContactRequest.objects.filter(child=child)),
    }


def _family_answers_removed(response: Response) -> bool:
    """The answers a family wrote in their own words go; the answers they chose stay, so the figures (how many
    chose each answer) do not move. True when something was removed."""
    questions = response.invitation.questionnaire_version.questions.all()
    free_text = {str(q.pk) for q in questions if q.kind == QuestionKind.FREE_TEXT}
    kept = {k: (REMOVED if k in free_text and v else v) for k, v in response.answers.items()}
    if kept == response.answers:
        return False
    response.answers = kept
    return True


def _identifiers(child: Child) -> list[str]:
    # Longest first, so "Olivia Own" goes before "Olivia".
    names = {child.name, child.case_id, *child.name.split()}
    return sorted((n for n in names if len(n) >= 3), key=len, reverse=True)


def _scrub(text: str, identifiers: list[str]) -> str:
    import re

    for identifier in identifiers:
        text = re.sub(rf"\b{re.escape(identifier)}\b", CHILD_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def child_anonymise(*, child: Child, run: RetentionRun, reason: str) -> dict[str, int]:
    """Remove what identifies the child; keep grades, dates, teams and kinds so figures do not move.

    The saves bypass auditlog on purpose: its entry would copy the old name and
    text into the change history. One entry per child says what was removed instead.
    """
    identifiers = _identifiers(child)
    fields_cleared: dict[str, int] = {}
    with disable_auditlog():
        for model, records in _child_records(child).items():
            fields = _CHILD_TEXT[model]
            for record in records:
                changed = [f for f in fields if getattr(record, f)]
                for name in changed:
                    setattr(record, name, REMOVED)
                if model is Response and _family_answers_removed(record):
                    changed.append("answers")
                if changed:
                    record.save(update_fields=changed)
                    key = model._meta.label
                    fields_cleared[key] = fields_cleared.get(key, 0) + len(changed)
        for model, fields in _SHARED_TEXT.items():
            mentions = Q()
            for identifier in identifiers:
                for name in fields:
                    mentions |= Q(**{f"{name}__icontains": identifier})
            for record in model.objects.filter(mentions):
                changed = []
                for name in fields:
                    scrubbed = _scrub(getattr(record, name), identifiers)
                    if scrubbed != getattr(record, name):
                        setattr(record, name, scrubbed)
                        changed.append(name)
                if changed:
                    record.save(update_fields=changed)
                    key = model._meta.label
                    fields_cleared[key] = fields_cleared.get(key, 0) + len(changed)
        child.name = f"Anonymised child {child.pk}"
        child.case_id = f"ANON-{child.pk}"
        # The birth year stays (age bands); the day and month go.
        if child.date_of_birth is not None:
            child.date_of_birth = child.date_of_birth.replace(month=1, day=1)
        child.save(update_fields=["name", "case_id", "date_of_birth"])
        Anonymisation.objects.create(child=child, run=run, reason=reason[:300])
    TrailEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Child),
        object_pk=str(child.pk),
        object_id=child.pk,
        object_repr=str(child),
        action=TrailEntry.Action.UPDATE,
        changes={
            "name": ["[removed]", child.name],
            "case_id": ["[removed]", child.case_id],
            "date_of_birth": ["[removed]", child.date_of_birth.isoformat() if child.date_of_birth else None],
        },
        actor=run.by,
        additional_data={"retention": reason, "free_text_fields_cleared": fields_cleared, "retention_run": run.pk},
    )
    return fields_cleared


@dataclass(frozen=True)
class RetentionResult:
    due: list[DueChild]
    run: RetentionRun | None


def retention_apply(*, today: datetime.date, by: Person | None, commit: bool) -> RetentionResult:
    """List (dry run) or anonymise (commit) every child past their retention period, in one transaction."""
    if not commit:
        return RetentionResult(retention_due(today=today), None)
    with transaction.atomic():
        due = retention_due(today=today)
        # The run row is created through the ORM, so the change history logs it (who, when, how many).
        run = RetentionRun.objects.create(as_of=today, by=by, os_user=_os_user(), children_anonymised=len(due))
        for item in due:
            child_anonymise(child=item.child, run=run, reason=item.reason)
    return RetentionResult(due, run)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"
