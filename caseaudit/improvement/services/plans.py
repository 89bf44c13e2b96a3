"""Opening, progressing and closing improvement plans. Each change in one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from caseaudit.audits import scales
from caseaudit.audits.models import Audit
from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.web.workdays import add_working_days, is_working_day

from ..errors import PlanRuleError
from ..models import (
    CaseloadDecision,
    ImprovementPlan,
    PlanEvent,
    PlanStatus,
    RemedialAction,
    ResponsibleRole,
    Stage,
    StageKind,
    Timescales,
)
from .messaging import plan_link
from .people import area_people, head_of_service, practice_lead_for


def next_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _event(
    plan: ImprovementPlan, by: Person | None, stage: str, from_state: str, to_state: str, note: str = ""
) -> None:
    PlanEvent.objects.create(plan=plan, by=by, stage=stage, from_state=from_state, to_state=to_state, note=note)


def plan_event_record(*, plan: ImprovementPlan, by: Person | None, to_state: str, note: str = "") -> None:
    """A line in the plan's history for a step another app takes about the plan (the case system's difference
    escalated by reconciliation): improvement's public door to its history, so no other app writes PlanEvent."""
    _event(plan, by, "", "", to_state, note)


def caseload_review_due(responsible: Person | None, audit: Audit, timescales: Timescales) -> bool:
    """Default criterion: the same professional had another inadequate final grade within the look-back."""
    if responsible is None:
        return False
    since = (audit.audit_date or timezone.localdate()) - relativedelta(months=timescales.caseload_lookback_months)
    return (
        Audit.objects.filter(worker=responsible, final_grade__in=scales.NEEDS_RESPONSE, audit_date__gte=since)
        .exclude(pk=audit.pk)
        .exists()
    )


def plan_open(*, audit: Audit, today: datetime.date | None = None) -> ImprovementPlan | None:
    """Open the plan for an inadequate final grade; a re-audit of an open plan's
    child updates that plan instead. Idempotent: a second call changes nothing."""
    if not scales.needs_response(audit.final_grade) and not audit.follows_id:
        return None
    today = today or timezone.localdate()
    with transaction.atomic():
        earlier_plan = (
            ImprovementPlan.objects.select_for_update()
            .filter(audit_id=audit.follows_id, status=PlanStatus.OPEN)
            .first()
            if audit.follows_id
            else None
        )
        if earlier_plan is not None:
            reaudit_outcome(plan=earlier_plan, reaudit=audit, today=today)
            return earlier_plan
        if not scales.needs_response(audit.final_grade) or hasattr(audit, "improvement_plan"):
            return None
        return _open(audit, today)


def _open(audit: Audit, today: datetime.date) -> ImprovementPlan:
    timescales = Timescales.current()
    day0 = audit.finalised_at.date() if audit.finalised_at else today
    plan = ImprovementPlan.objects.create(
        audit=audit,
        child=audit.child,
        team=audit.team,
        responsible=audit.worker,
        responsible_role=ResponsibleRole.SOCIAL_WORKER,
        opened_on=day0,
    )
    Stage.objects.create(plan=plan, kind=StageKind.NOTIFICATION, due_on=day0, completed_on=day0)
    Stage.objects.create(
        plan=plan, kind=StageKind.MEETING, due_on=add_working_days(day0, timescales.meeting_working_days)
    )
    Stage.objects.create(
        plan=plan, kind=StageKind.SM_REVIEW, due_on=add_working_days(day0, timescales.review_working_days)
    )
    if caseload_review_due(plan.responsible, audit, timescales):
        Stage.objects.create(
            plan=plan,
            kind=StageKind.CASELOAD_REVIEW,
            due_on=add_working_days(day0, timescales.caseload_review_working_days),
        )
    reaudit_due = next_working_day(day0 + relativedelta(months=timescales.reaudit_months))
    reaudit_stage = Stage.objects.create(plan=plan, kind=StageKind.REAUDIT, due_on=reaudit_due)
    Stage.objects.create(plan=plan, kind=StageKind.CLOSURE)
    _schedule_reaudit(plan, reaudit_stage, audit)
    _event(plan, None, StageKind.NOTIFICATION, "", "Plan opened", f"Final grade Inadequate on {day0:%d %B %Y}")
    _notify_opened(plan)
    check_meeting_cover(plan=plan)
    return plan


def _schedule_reaudit(plan: ImprovementPlan, stage: Stage, audit: Audit) -> None:
    """The re-audit is scheduled at once: an audit of the same child, assigned and due."""
    from caseaudit.audits.services.lifecycle import reaudit_open
    from caseaudit.audits.services.sampling import auditor_pool, may_audit

    candidates = [audit.auditor] if audit.auditor and may_audit(audit.auditor, audit.child) else []
    candidates += [p for p in auditor_pool() if may_audit(p, audit.child)]
    if not candidates:
        return
    assert stage.due_on is not None  # noqa: S101 - set when the plan opened, just above
    stage.reaudit = reaudit_open(earlier=audit, auditor=candidates[0], due_on=stage.due_on)
    stage.save(update_fields=["reaudit"])


def _notify_opened(plan: ImprovementPlan) -> None:
    recipients = [
        plan.responsible,
        plan.team.manager,
        *area_people(plan, Role.SERVICE_MANAGER),
        *area_people(plan, Role.PRACTICE_LEAD),
    ]
    meeting = plan.stages.get(kind=StageKind.MEETING)
    body = (
        f"The audit of case {plan.child.case_id} ({plan.team}) was graded Inadequate on {plan.opened_on:%d %B %Y}.\n\n"
        f"The day-three meeting is due by {meeting.due_on:%A %d %B %Y}.\n{plan_link(plan)}"
    )
    for person in recipients:
        send_once(
            key=f"plan:{plan.pk}:opened",
            recipient=person,
            child=plan.child,
            reason="Inadequate audit: notification",
            subject=f"Inadequate audit: case {plan.child.case_id}",
            body=body,
        )


def check_meeting_cover(*, plan: ImprovementPlan) -> int:
    """If the practice lead is away on the meeting's due date, tell the named cover;
    with no cover, tell the service manager that nobody covers. Returns how many messages this call sent."""
    meeting = plan.stages.get(kind=StageKind.MEETING)
    if meeting.is_done or meeting.due_on is None:
        return 0
    lead, chair, absent = practice_lead_for(plan, meeting.due_on)
    if not absent:
        return 0
    if chair is not None:
        return int(
            send_once(
                key=f"stage:{meeting.pk}:cover",
                recipient=chair,
                child=plan.child,
                reason="Covering the practice lead",
                subject=f"Please chair the day-three meeting for case {plan.child.case_id}",
                body=f"{lead} is away on {meeting.due_on:%d %B %Y}; you are their named cover.\n{plan_link(plan)}",
            )
        )
    sent = 0
    for manager in area_people(plan, Role.SERVICE_MANAGER):
        sent += send_once(
            key=f"stage:{meeting.pk}:no-cover",
            recipient=manager,
            child=plan.child,
            reason="Practice lead absent with no cover",
            subject=f"Nobody covers the day-three meeting for case {plan.child.case_id}",
            body=f"{lead} is away on {meeting.due_on:%d %B %Y} and no cover is recorded. "
            f"Please arrange someone to chair the meeting.\n{plan_link(plan)}",
        )
    return sent


def _locked(plan_id: int) -> ImprovementPlan:
    plan = ImprovementPlan.objects.select_for_update().select_related("audit", "team", "child").get(pk=plan_id)
    if not plan.is_open:
        raise PlanRuleError("This plan is closed")
    return plan


OWN_WORK = "You cannot sign off this stage: it is about your own work"
MEETING_CHAIRS = "The practice lead, or their named cover, chairs the day-three meeting"
REVIEWERS = "A service manager completes this review"
CASELOAD_DECIDERS = "A manager decides on a whole caseload review"


def _not_own_work(plan: ImprovementPlan, by: Person) -> None:
    if by.pk == plan.responsible_id or by.pk == plan.audit.auditor_id:
        raise PlanRuleError(OWN_WORK)


# Who may record each stage, asked before a form is offered (the plan page) and again by the service that
# records it: the same rule in one place, so that nobody is offered a form only to be refused at the end.


def meeting_refusal(plan: ImprovementPlan, person: Person, day: datetime.date) -> str | None:
    """Why `person` may not record the day-three meeting held on `day`, or None when they may."""
    if person.pk in (plan.responsible_id, plan.audit.auditor_id):
        return OWN_WORK
    lead, chair, _ = practice_lead_for(plan, day)
    if person.pk in {p.pk for p in (lead, chair) if p is not None}:
        return None
    return None if person.has_role(Role.QA_ADMIN, Role.SERVICE_MANAGER) else MEETING_CHAIRS


def review_refusal(plan: ImprovementPlan, person: Person) -> str | None:
    if not person.has_role(Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE):
        return REVIEWERS
    return OWN_WORK if person.pk in (plan.responsible_id, plan.audit.auditor_id) else None


def caseload_refusal(plan: ImprovementPlan, person: Person) -> str | None:
    if not person.has_role(Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE):
        return CASELOAD_DECIDERS
    return OWN_WORK if person.pk in (plan.responsible_id, plan.audit.auditor_id) else None


@dataclass
class ActionSpec:
    description: str
    owner: Person | None
    due_on: datetime.date | None


def meeting_record(
    *,
    plan_id: int,
    by: Person,
    held_on: datetime.date,
    attendees: str,
    actions: list[ActionSpec],
    notes: str = "",
    today: datetime.date | None = None,
) -> ImprovementPlan:
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = _locked(plan_id)
        stage = plan.stages.select_for_update().get(kind=StageKind.MEETING)
        if stage.is_done:
            raise PlanRuleError("The day-three meeting has already been recorded")
        refusal = meeting_refusal(plan, by, held_on)
        if refusal:
            raise PlanRuleError(refusal)
        if held_on > today:
            raise PlanRuleError("The meeting date cannot be in the future", field="held_on")
        if not actions:
            raise PlanRuleError("Agree at least one remedial action", field="actions")
        for n, action in enumerate(actions, start=1):
            if not action.description.strip():
                raise PlanRuleError(f"Describe action {n}", field="actions")
            if action.owner is None:
                raise PlanRuleError(f"Choose who owns action {n}", field="actions")
            if action.due_on is None or action.due_on < today:
                raise PlanRuleError(f"Action {n} needs a due date today or later", field="actions")
        stage.completed_on = held_on
        stage.completed_by = by
        stage.chair = by
        stage.attendees = attendees.strip()
        stage.outcome = notes.strip()
        stage.save()
        # One create() each, not bulk_create: the change history only sees saves (decision 0003).
        created = [
            RemedialAction.objects.create(
                plan=plan, description=a.description.strip(), owner=a.owner, due_on=a.due_on, created_on=today
            )
            for a in actions
            if a.owner is not None and a.due_on is not None  # checked above: every action has both
        ]
        _event(plan, by, StageKind.MEETING, "Due", "Held", f"{len(actions)} remedial actions agreed")
        for remedial in created:
            send_once(
                key=f"action:{remedial.pk}:assigned",
                recipient=remedial.owner,
                child=plan.child,
                reason="Remedial action assigned",
                subject=f"Remedial action for case {plan.child.case_id}",
                body=f"You own this action, due {remedial.due_on:%d %B %Y}:\n{remedial.description}\n{plan_link(plan)}",
            )
    return plan


def review_complete(*, plan_id: int, by: Person, outcome: str) -> ImprovementPlan:
    with transaction.atomic():
        plan = _locked(plan_id)
        stage = plan.stages.select_for_update().get(kind=StageKind.SM_REVIEW)
        if stage.is_done:
            raise PlanRuleError("The service manager review has already been recorded")
        refusal = review_refusal(plan, by)
        if refusal:
            raise PlanRuleError(refusal)
        if not outcome.strip():
            raise PlanRuleError("Record the outcome of the review", field="outcome")
        stage.completed_on = timezone.localdate()
        stage.completed_by = by
        stage.outcome = outcome.strip()
        stage.save()
        _event(plan, by, StageKind.SM_REVIEW, "Due", "Completed", outcome.strip()[:200])
    plan_try_close(plan_id=plan.pk)
    return plan


def caseload_decide(*, plan_id: int, by: Person, decision: str, reason: str) -> ImprovementPlan:
    with transaction.atomic():
        plan = _locked(plan_id)
        stage = plan.stages.select_for_update().filter(kind=StageKind.CASELOAD_REVIEW).first()
        if stage is None:
            raise PlanRuleError("A whole caseload review is not flagged for this plan")
        if stage.decision:
            raise PlanRuleError("The decision has already been recorded")
        refusal = caseload_refusal(plan, by)
        if refusal:
            raise PlanRuleError(refusal)
        if decision not in CaseloadDecision.values:
            raise PlanRuleError("Choose whether a whole caseload review is required", field="decision")
        if decision == CaseloadDecision.NOT_REQUIRED and not reason.strip():
            raise PlanRuleError("Give the reason a whole caseload review is not required", field="reason")
        stage.decision = decision
        stage.decision_reason = reason.strip()
        stage.decided_by = by
        if decision == CaseloadDecision.NOT_REQUIRED:
            stage.completed_on = timezone.localdate()
            stage.completed_by = by
        stage.save()
        _event(plan, by, StageKind.CASELOAD_REVIEW, "Flagged", CaseloadDecision(decision).label, reason.strip())
    plan_try_close(plan_id=plan.pk)
    return plan


def caseload_complete(*, plan_id: int, by: Person, findings: str) -> ImprovementPlan:
    with transaction.atomic():
        plan = _locked(plan_id)
        stage = plan.stages.select_for_update().get(kind=StageKind.CASELOAD_REVIEW)
        if stage.decision != CaseloadDecision.REQUIRED or stage.is_done:
            raise PlanRuleError("There is no whole caseload review in progress")
        _not_own_work(plan, by)
        if not findings.strip():
            raise PlanRuleError("Record the findings of the review", field="findings")
        stage.completed_on = timezone.localdate()
        stage.completed_by = by
        stage.outcome = findings.strip()
        stage.save()
        _event(plan, by, StageKind.CASELOAD_REVIEW, "Required", "Completed", findings.strip()[:200])
    plan_try_close(plan_id=plan.pk)
    return plan


def action_complete(*, action_id: int, by: Person, evidence: str) -> RemedialAction:
    with transaction.atomic():
        action = RemedialAction.objects.select_for_update().select_related("plan").get(pk=action_id)
        if action.owner_id != by.pk:
            raise PlanRuleError("Only the action's owner can complete it")
        if action.is_done:
            raise PlanRuleError("This action is already complete")
        if not evidence.strip():
            raise PlanRuleError("Describe the evidence that the action is done", field="evidence")
        action.completed_on = timezone.localdate()
        action.evidence = evidence.strip()
        action.save()
        _event(action.plan, by, "", "Action open", "Action complete", action.description[:200])
    plan_try_close(plan_id=action.plan_id)
    return action


def responsible_change(
    *, plan_id: int, by: Person, responsible: Person, role: str, expected_version: int | None = None
) -> ImprovementPlan:
    """expected_version is the plan version the form was built from: a change made
    since by someone else is refused, not silently overwritten."""
    with transaction.atomic():
        plan = _locked(plan_id)
        if not by.has_role(Role.QA_ADMIN, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE):
            raise PlanRuleError("A service manager or QA administrator names the responsible professional")
        if expected_version is not None and plan.version != expected_version:
            raise PlanRuleError(
                f"{plan.responsible or 'Nobody'} ({plan.get_responsible_role_display()}) was named by someone else "
                "while you were editing. Your choice is below: save again to replace theirs."
            )
        before = f"{plan.responsible} ({plan.get_responsible_role_display()})"
        plan.responsible = responsible
        plan.responsible_role = role
        plan.version += 1
        plan.save()
        _event(
            plan, by, "", before, f"{responsible} ({ResponsibleRole(role).label})", "Responsible professional changed"
        )
    return plan


def reaudit_outcome(*, plan: ImprovementPlan, reaudit: Audit, today: datetime.date) -> None:
    """A re-audit of the plan's child was finalised: repeat inadequate escalates, otherwise the stage is done."""
    stage = plan.stages.select_for_update().get(kind=StageKind.REAUDIT)
    if stage.is_done and stage.reaudit_id == reaudit.pk:
        return
    if scales.needs_response(reaudit.final_grade):
        plan.repeat_inadequate = True
        plan.save(update_fields=["repeat_inadequate"])
        timescales = Timescales.current()
        stage.reaudit = None
        stage.due_on = next_working_day(today + relativedelta(months=timescales.reaudit_months))
        stage.outcome = f"Re-audit on {reaudit.audit_date or today:%d %B %Y} was Inadequate again"
        stage.save()
        _event(plan, None, StageKind.REAUDIT, "Due", "Repeat inadequate", "Escalated to the head of service")
        send_once(
            key=f"plan:{plan.pk}:repeat:{reaudit.pk}",
            recipient=head_of_service(plan),
            child=plan.child,
            reason="Repeat inadequate",
            subject=f"Repeat inadequate: case {plan.child.case_id}",
            body=f"The re-audit of case {plan.child.case_id} was Inadequate again.\n{plan_link(plan)}",
        )
        _schedule_reaudit(plan, stage, reaudit)
        return
    stage.completed_on = today
    stage.reaudit = reaudit
    stage.outcome = f"Re-audit graded {reaudit.get_final_grade_display()}"
    stage.save()
    _event(plan, None, StageKind.REAUDIT, "Due", "Completed", stage.outcome)
    transaction.on_commit(lambda: plan_try_close(plan_id=plan.pk))


def plan_try_close(*, plan_id: int) -> bool:
    """Close once the re-audit is not inadequate and every stage and action is done."""
    with transaction.atomic():
        plan = ImprovementPlan.objects.select_for_update().get(pk=plan_id)
        if not plan.is_open:
            return False
        open_stages = plan.stages.exclude(kind=StageKind.CLOSURE).filter(completed_on__isnull=True)
        if open_stages.exists() or plan.actions.filter(completed_on__isnull=True).exists():
            return False
        today = timezone.localdate()
        plan.status = PlanStatus.CLOSED
        plan.closed_on = today
        plan.version += 1
        plan.save()
        closure = plan.stages.get(kind=StageKind.CLOSURE)
        closure.completed_on = today
        closure.save()
        _event(plan, None, StageKind.CLOSURE, "Open", "Closed", "Re-audit not inadequate and every action complete")
    return True
