"""An audit's life: opened, drafted, submitted, moderated, finalised, shared, acknowledged."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from caseaudit.organisation.models import Child, Person
from caseaudit.organisation.roles import Role

from .. import scales
from ..errors import AuditRuleError, ConcurrentEditError
from ..models import (
    Acknowledgement,
    Activity,
    ActivityKind,
    Answer,
    Audit,
    AuditKind,
    AuditStatus,
    Programme,
    SectionJudgement,
    ToolVersion,
)
from ..signals import audit_finalised
from . import notify


class AuditIncomplete(AuditRuleError):
    """Submission refused; `errors` maps form field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("The audit is not complete")
        self.errors = errors


@dataclass
class AuditDraft:
    """What the auditor typed: overall judgement, and per section and question."""

    overall_grade: str = ""
    is_critical: bool = False
    strengths: str = ""
    areas_for_development: str = ""
    recommended_actions: str = ""
    overall_grade_reason: str = ""
    sections: dict[int, tuple[str, str]] = field(default_factory=dict)  # section id -> (grade, evidence)
    answers: dict[int, tuple[str, str]] = field(default_factory=dict)  # question id -> (choice, text)
    # False for one practice area's page (the task list, issue 37 point 5): the overall judgement is not
    # on that page, so it is left as it was instead of being saved as blank.
    includes_overall: bool = True


def draft_from_audit(audit: Audit) -> AuditDraft:
    """What is saved now, as a draft: submitting from Check your answers submits exactly what it showed."""
    draft = AuditDraft(
        overall_grade=audit.overall_grade,
        is_critical=audit.is_critical,
        strengths=audit.strengths,
        areas_for_development=audit.areas_for_development,
        recommended_actions=audit.recommended_actions,
        overall_grade_reason=audit.overall_grade_reason,
    )
    for judgement in audit.judgements.all():
        draft.sections[judgement.section_id] = (judgement.grade, judgement.evidence)
    for answer in audit.answers.all():
        draft.answers[answer.question_id] = (answer.choice, answer.text)
    return draft


def grade_rank(grade: str) -> int:
    """The grade's place on its scale, best first: 0 for Outstanding, 3 for Inadequate on Ofsted's."""
    return scales.rank(grade)


def overall_outside_areas(overall: str, area_grades: list[str]) -> tuple[str, str] | None:
    """(best, worst) of the areas' grades when the overall grade lies outside them, else None.

    An overall grade is a judgement, not an average, so it may lie outside; but a reader of "Outstanding"
    with an area "Inadequate" needs to know why (issue 44, point 3)."""
    graded = [g for g in area_grades if g]
    if not overall or not graded:
        return None
    best, worst = min(graded, key=grade_rank), max(graded, key=grade_rank)
    if grade_rank(best) <= grade_rank(overall) <= grade_rank(worst):
        return None
    return best, worst


def contradiction_message(overall: str, best: str, worst: str) -> str:
    label = scales.label
    spread = label(best) if best == worst else f"{label(best)} to {label(worst)}"
    return f"Explain why the overall grade is {label(overall)} when the practice areas are graded {spread}"


def may_audit(auditor: Person, child: Child, today: datetime.date | None = None) -> bool:
    """Nobody audits their own case, nor a case they manage (worker, line manager, team manager)."""
    if child.allocated_worker_id == auditor.pk:
        return False
    if child.allocated_worker is not None and child.allocated_worker.line_manager_id == auditor.pk:
        return False
    if child.team.manager_id == auditor.pk:
        return False
    if today and auditor.is_absent_on(today):
        return False
    return True


@transaction.atomic
def audit_open(
    *,
    child: Child,
    auditor: Person | None,
    tool_version: ToolVersion,
    due_on: datetime.date | None,
    programme: Programme | None = None,
    kind: str = AuditKind.CASE_FILE,
    follows: Audit | None = None,
) -> Audit:
    if auditor is not None and not may_audit(auditor, child):
        raise AuditRuleError(
            f"{auditor} cannot audit {child.case_id}: it is their own or their team's case", field="auditor"
        )
    audit = Audit.objects.create(
        kind=kind,
        child=child,
        team_id=child.team_id,
        worker_id=child.allocated_worker_id,
        tool_version=tool_version,
        programme=programme,
        follows=follows,
        auditor=auditor,
        due_on=due_on,
    )
    SectionJudgement.objects.bulk_create(
        [SectionJudgement(audit=audit, section=section) for section in tool_version.sections.all()]
    )
    return audit


def reaudit_open(*, earlier: Audit, auditor: Person, due_on: datetime.date) -> Audit:
    """A re-audit of the same child's file, linked to the audit it follows up."""
    version = earlier.tool_version.tool.current_version
    if version is None:
        raise AuditRuleError("The audit tool has no version to re-audit with")
    audit = audit_open(
        child=earlier.child,
        auditor=auditor,
        tool_version=version,
        due_on=due_on,
        kind=AuditKind.RE_AUDIT,
        follows=earlier,
    )
    notify.audits_assigned([audit], why=" to follow up its earlier audit")
    return audit


def lock_audit(audit_id: int, expected_version: int | None) -> Audit:
    audit = Audit.objects.select_for_update().select_related("child__team", "team").get(pk=audit_id)
    if expected_version is not None and audit.version != expected_version:
        raise ConcurrentEditError()
    return audit


def _apply(audit: Audit, draft: AuditDraft) -> bool:
    """Copy the draft onto the audit; returns True when it newly became critical."""
    became_critical = False
    if draft.includes_overall:
        became_critical = draft.is_critical and not audit.is_critical
        audit.overall_grade = draft.overall_grade
        audit.is_critical = draft.is_critical and scales.needs_response(draft.overall_grade)
        audit.strengths = draft.strengths
        audit.areas_for_development = draft.areas_for_development
        audit.recommended_actions = draft.recommended_actions
        audit.overall_grade_reason = draft.overall_grade_reason.strip()
    for judgement in audit.judgements.all():
        if judgement.section_id in draft.sections:
            grade, evidence = draft.sections[judgement.section_id]
            if (grade, evidence) != (judgement.grade, judgement.evidence):
                judgement.grade, judgement.evidence = grade, evidence
                judgement.save()
    existing = {a.question_id: a for a in audit.answers.all()}
    for question_id, (choice, text) in draft.answers.items():
        answer = existing.get(question_id)
        if answer is None:
            if choice or text:
                Answer.objects.create(audit=audit, question_id=question_id, choice=choice, text=text)
        elif (answer.choice, answer.text) != (choice, text):
            answer.choice, answer.text = choice, text
            answer.save()
    return became_critical and audit.is_critical


def _check_editable(audit: Audit, by: Person) -> None:
    if audit.auditor_id != by.pk:
        raise AuditRuleError("Only the assigned auditor can edit this audit")
    if audit.status != AuditStatus.DRAFT:
        raise AuditRuleError("This audit has been submitted and can no longer be edited")


def off_scale_fields(audit: Audit, overall: str, sections: dict[int, tuple[str, str]]) -> dict[str, str]:
    """Grades not on the audit's tool's scale, by field: a form offers only the scale's grades, but the API and
    a page kept open across a change of tool could send another scale's, which must never be stored."""
    scale = audit.tool_version.grading_scale
    errors = {
        f"section_{section_id}_grade": f"{scales.label(grade)} is not a grade on this tool's scale ({scale.name})"
        for section_id, (grade, _) in sections.items()
        if grade and grade not in scale.labels
    }
    if overall and overall not in scale.labels:
        errors["overall_grade"] = f"{scales.label(overall)} is not a grade on this tool's scale ({scale.name})"
    return errors


def audit_save_draft(*, audit_id: int, by: Person, draft: AuditDraft, expected_version: int) -> Audit:
    with transaction.atomic():
        audit = lock_audit(audit_id, expected_version)
        _check_editable(audit, by)
        off_scale = off_scale_fields(audit, draft.overall_grade if draft.includes_overall else "", draft.sections)
        if off_scale:
            raise AuditIncomplete(off_scale)
        became_critical = _apply(audit, draft)
        audit.version += 1
        audit.save()
        if became_critical:
            notify.critical_concern(audit)
    return audit


def incomplete_fields(audit: Audit, draft: AuditDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    for judgement in audit.judgements.select_related("section"):
        section = judgement.section
        grade, evidence = draft.sections.get(judgement.section_id, ("", ""))
        if not grade:
            errors[f"section_{judgement.section_id}_grade"] = f"Select a grade for {section.title}"
        if section.evidence_required and not evidence.strip():
            errors[f"section_{judgement.section_id}_evidence"] = f"Enter the evidence for {section.title}"
    if not draft.overall_grade:
        errors["overall_grade"] = "Select an overall grade"
    if draft.is_critical and not scales.needs_response(draft.overall_grade):
        errors["is_critical"] = "Only an Inadequate audit can be marked Inadequate – critical"
    outside = overall_outside_areas(draft.overall_grade, [grade for grade, _ in draft.sections.values()])
    if outside and not draft.overall_grade_reason.strip():
        errors["overall_grade_reason"] = contradiction_message(draft.overall_grade, *outside)
    return errors


def audit_submit(*, audit_id: int, by: Person, draft: AuditDraft, expected_version: int) -> Audit:
    """Save and submit for moderation. Nothing typed is lost when it is refused:
    the draft is saved first, then completeness is checked."""
    with transaction.atomic():
        audit = lock_audit(audit_id, expected_version)
        _check_editable(audit, by)
        off_scale = off_scale_fields(audit, draft.overall_grade, draft.sections)
        if off_scale:
            raise AuditIncomplete(off_scale)
        errors = incomplete_fields(audit, draft)
        became_critical = _apply(audit, draft)
        audit.version += 1
        if not errors:
            audit.status = AuditStatus.SUBMITTED
            audit.submitted_at = timezone.now()
            audit.audit_date = timezone.localdate()
            if not audit.activities.filter(kind=ActivityKind.FILE_REVIEW).exists():
                Activity.objects.create(
                    audit=audit, kind=ActivityKind.FILE_REVIEW, carried_out_by=by, happened_on=audit.audit_date
                )
        audit.save()
        if became_critical:
            notify.critical_concern(audit)
    if errors:
        raise AuditIncomplete(errors)
    return audit


def audit_moderation_start(*, audit_id: int, moderator: Person) -> Audit:
    with transaction.atomic():
        audit = lock_audit(audit_id, None)
        if not moderator.has_role(Role.MODERATOR):
            raise AuditRuleError("Only a moderator can moderate an audit")
        if audit.auditor_id == moderator.pk:
            raise AuditRuleError("You cannot moderate an audit you carried out")
        if audit.status == AuditStatus.IN_MODERATION and audit.moderator_id == moderator.pk:
            return audit
        if audit.status != AuditStatus.SUBMITTED:
            raise AuditRuleError("Only a submitted audit can be taken for moderation")
        _check_pair_ready(audit, moderator)
        audit.status = AuditStatus.IN_MODERATION
        audit.moderator = moderator
        audit.version += 1
        audit.save()
    return audit


def _second(audit: Audit) -> Audit | None:
    try:
        return audit.second_audit
    except Audit.DoesNotExist:
        return None


def _check_pair_ready(audit: Audit, moderator: Person) -> None:
    """A blind pair (issue 32) is moderated once, through its first audit, when both are submitted, by someone
    who audited neither."""
    if audit.second_of_id is not None:
        raise AuditRuleError("A second, blind audit is reconciled when its first audit is moderated")
    second = _second(audit)
    if second is None:
        return
    if second.auditor_id == moderator.pk:
        raise AuditRuleError("You cannot moderate an audit you carried out")
    if second.status != AuditStatus.SUBMITTED:
        raise AuditRuleError("This file has a second, blind audit: moderate it once both audits are submitted")


@dataclass
class ModerationDecision:
    overall_grade: str  # the moderator's overall grade (same as the auditor's when agreeing)
    overall_reason: str = ""
    sections: dict[int, tuple[str, str]] = field(default_factory=dict)  # section id -> (grade, reason)


def moderation_errors(audit: Audit, decision: ModerationDecision) -> dict[str, str]:
    errors = off_scale_fields(audit, decision.overall_grade, decision.sections)
    for judgement in audit.judgements.select_related("section"):
        grade, reason = decision.sections.get(judgement.section_id, ("", ""))
        if not grade:
            errors[f"section_{judgement.section_id}_grade"] = (
                f"Select the moderated grade for {judgement.section.title}"
            )
        elif grade != judgement.grade and not reason.strip():
            errors[f"section_{judgement.section_id}_reason"] = (
                f"Give a reason for changing the grade for {judgement.section.title}"
            )
    if not decision.overall_grade:
        errors["overall_grade"] = "Select the moderated overall grade"
    elif decision.overall_grade != audit.overall_grade and not decision.overall_reason.strip():
        errors["overall_reason"] = "Give a reason for changing the overall grade"
    return errors


def audit_moderate(*, audit_id: int, moderator: Person, decision: ModerationDecision, expected_version: int) -> Audit:
    """Agree or change each grade; both grades are kept and the moderated one is final."""
    with transaction.atomic():
        audit = lock_audit(audit_id, expected_version)
        if audit.status != AuditStatus.IN_MODERATION or audit.moderator_id != moderator.pk:
            raise AuditRuleError("Take this audit for moderation first")
        errors = moderation_errors(audit, decision)
        if errors:
            raise AuditIncomplete(errors)
        for judgement in audit.judgements.all():
            grade, reason = decision.sections[judgement.section_id]
            judgement.moderated_grade = grade
            judgement.moderation_reason = reason.strip() if grade != judgement.grade else ""
            judgement.save()
        audit.moderated_overall_grade = decision.overall_grade
        audit.moderation_reason = (
            decision.overall_reason.strip() if decision.overall_grade != audit.overall_grade else ""
        )
        if not scales.needs_response(audit.moderated_overall_grade):
            audit.is_critical = False
        audit.final_grade = audit.moderated_overall_grade
        second = _second(audit)
        if second is not None:
            # Reconciled: the moderator's grades, agreed from both, are the file's; the second keeps its own.
            second.status = AuditStatus.RECONCILED
            second.version += 1
            second.save(update_fields=["status", "version", "updated_at"])
        audit.status = AuditStatus.FINALISED
        audit.finalised_at = timezone.now()
        audit.version += 1
        audit.save()
        Activity.objects.create(
            audit=audit, kind=ActivityKind.MODERATION, carried_out_by=moderator, happened_on=timezone.localdate()
        )
        # Other capabilities (the improvement process) act on final grades.
        transaction.on_commit(lambda: audit_finalised.send(sender=Audit, audit_id=audit.pk))
    return audit


def audit_share(*, audit_id: int, by: Person) -> Audit:
    with transaction.atomic():
        audit = lock_audit(audit_id, None)
        if audit.status != AuditStatus.FINALISED:
            raise AuditRuleError("Only a finalised audit can be shared")
        audit.status = AuditStatus.SHARED
        audit.shared_at = timezone.now()
        audit.version += 1
        audit.save()
        notify.audit_shared(audit)
    return audit


def share_recipients(audit: Audit) -> list[Person]:
    people = [audit.worker, audit.team.manager]
    return [p for p in people if p is not None and p.is_active]


def audit_acknowledge(*, audit_id: int, by: Person, response: str) -> Acknowledgement:
    with transaction.atomic():
        audit = lock_audit(audit_id, None)
        if audit.status != AuditStatus.SHARED:
            raise AuditRuleError("This audit has not been shared yet")
        if by not in share_recipients(audit):
            raise AuditRuleError("Only the worker and their team manager acknowledge an audit")
        if audit.acknowledgements.filter(person=by).exists():
            raise AuditRuleError("You have already acknowledged this audit")
        return Acknowledgement.objects.create(audit=audit, person=by, response=response.strip())


def critical_action_record(*, audit_id: int, by: Person, action: str) -> Audit:
    if not action.strip():
        raise AuditRuleError("Describe the action taken", field="action")
    with transaction.atomic():
        audit = lock_audit(audit_id, None)
        if not audit.is_critical:
            raise AuditRuleError("This audit is not marked Inadequate – critical")
        if audit.critical_action:
            raise AuditRuleError("The action taken has already been recorded")
        audit.critical_action = action.strip()
        audit.critical_action_by = by
        audit.critical_action_at = timezone.now()
        audit.version += 1
        audit.save()
    return audit


@transaction.atomic
def activity_record(
    *, audit: Audit, by: Person, kind: str, happened_on: datetime.date, notes: str = "", family_words: str = ""
) -> Activity:
    if happened_on > timezone.localdate():
        raise AuditRuleError("The date cannot be in the future", field="happened_on")
    if kind == ActivityKind.FAMILY and not family_words.strip():
        raise AuditRuleError("Write what the family said, in their own words", field="family_words")
    return Activity.objects.create(
        audit=audit, kind=kind, carried_out_by=by, happened_on=happened_on, notes=notes, family_words=family_words
    )
