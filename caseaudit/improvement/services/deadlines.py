"""Reminders before deadlines and escalations after them. Run by `caseaudit run_deadlines`.

Idempotent and safe to run twice at once: every message is claimed in the
ledger under a unique key before it is sent. It acts on everything due, not
only on what falls due today, so it catches up after a missed run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.web.workdays import working_days_between

from ..models import ImprovementPlan, PlanStatus, RemedialAction, Stage, StageKind, Timescales
from .messaging import plan_link
from .people import area_people, management_line, practice_lead_for
from .plans import check_meeting_cover, plan_open

LEVELS = ["team manager", "service manager", "head of service", "director"]


@dataclass
class DeadlineRun:
    reminders: int = 0
    escalations: int = 0
    cover_notices: int = 0
    plans_opened: int = 0
    details: list[str] = field(default_factory=list)


def stage_holders(stage: Stage, today: datetime.date) -> list[Person]:
    plan = stage.plan
    if stage.kind == StageKind.MEETING:
        lead, chair, absent = practice_lead_for(plan, stage.due_on or today)
        return [chair] if chair else area_people(plan, Role.SERVICE_MANAGER)
    if stage.kind == StageKind.SM_REVIEW:
        return area_people(plan, Role.SERVICE_MANAGER)
    if stage.kind == StageKind.CASELOAD_REVIEW:
        return [p for p in [plan.team.manager, *area_people(plan, Role.SERVICE_MANAGER)] if p]
    if stage.kind == StageKind.REAUDIT and stage.reaudit is not None:
        return [stage.reaudit.auditor] if stage.reaudit.auditor is not None else []
    return []


def _remind_and_escalate(
    run: DeadlineRun,
    *,
    key: str,
    what: str,
    due_on: datetime.date,
    holders: list[Person],
    plan: ImprovementPlan,
    today: datetime.date,
    timescales: Timescales,
) -> None:
    left = working_days_between(today, due_on)
    if 0 <= left <= timescales.reminder_working_days:
        for person in holders:
            if send_once(
                key=f"{key}:reminder",
                recipient=person,
                child=plan.child,
                reason=f"Reminder: {what} due",
                subject=f"Reminder: {what} for case {plan.child.case_id} is due {due_on:%d %B}",
                body=f"{what} for case {plan.child.case_id} is due by {due_on:%A %d %B %Y}.\n{plan_link(plan)}",
            ):
                run.reminders += 1
    if left >= 0:
        return
    overdue = -left
    interval = max(1, timescales.escalation_interval_working_days)
    line = management_line(plan)
    level = min(len(line), 1 + (overdue - 1) // interval)
    # Catch up: every level reached so far is told once, even after missed runs.
    for n in range(level):
        manager = line[n]
        if send_once(
            key=f"{key}:escalate:{n + 1}",
            recipient=manager,
            child=plan.child,
            reason=f"Escalation level {n + 1} ({LEVELS[n] if n < len(LEVELS) else 'manager'}): {what} overdue",
            subject=f"Overdue: {what} for case {plan.child.case_id}",
            body=f"{what} for case {plan.child.case_id} was due by {due_on:%d %B %Y} and is "
            f"{overdue} working day{'s' if overdue != 1 else ''} overdue.\n"
            f"It is escalated to you as {plan.responsible}'s manager in line.\n{plan_link(plan)}",
        ):
            run.escalations += 1
            run.details.append(f"{what} for {plan.child.case_id} escalated to {manager}")


# How far back the job looks for an inadequate audit left without a plan.
CATCH_UP_DAYS = 14


def plans_catch_up(run: DeadlineRun, today: datetime.date) -> None:
    """Open the plan for any recent inadequate first audit that has none.

    The plan opens after the moderation commits (on_commit): a process that dies
    between the two leaves a final Inadequate grade with no plan. plan_open is
    idempotent, so running this beside the signal is safe. Re-audits are left to
    the signal: their outcome is recorded on the earlier plan, not a plan of their own.
    """
    from caseaudit.audits import scales
    from caseaudit.audits.models import Audit

    since = today - datetime.timedelta(days=CATCH_UP_DAYS)
    orphans = Audit.objects.filter(
        final_grade__in=scales.NEEDS_RESPONSE,
        follows__isnull=True,
        finalised_at__date__gte=since,
        improvement_plan__isnull=True,
    ).select_related("child", "team", "worker", "auditor")
    for audit in orphans:
        if plan_open(audit=audit, today=today) is not None:
            run.plans_opened += 1
            run.details.append(f"Plan opened for {audit.child.case_id} (missed when the audit was finalised)")


def run_deadlines(*, today: datetime.date) -> DeadlineRun:
    run = DeadlineRun()
    plans_catch_up(run, today)
    timescales = Timescales.current()
    stages = (
        Stage.objects.filter(plan__status=PlanStatus.OPEN, completed_on__isnull=True, due_on__isnull=False)
        .exclude(kind__in=[StageKind.NOTIFICATION, StageKind.CLOSURE])
        .select_related("plan__child", "plan__team__manager", "plan__responsible__line_manager", "reaudit__auditor")
        .order_by("due_on", "pk")
    )
    for stage in stages.iterator(chunk_size=500):
        assert stage.due_on is not None  # noqa: S101 - filtered above
        with transaction.atomic():
            if stage.kind == StageKind.MEETING:
                run.cover_notices += check_meeting_cover(plan=stage.plan)
            _remind_and_escalate(
                run,
                key=f"stage:{stage.pk}:{stage.due_on.isoformat()}",
                what=stage.get_kind_display(),
                due_on=stage.due_on,
                holders=stage_holders(stage, today),
                plan=stage.plan,
                today=today,
                timescales=timescales,
            )
    actions = (
        RemedialAction.objects.filter(plan__status=PlanStatus.OPEN, completed_on__isnull=True)
        .select_related("plan__child", "plan__team__manager", "plan__responsible__line_manager", "owner")
        .order_by("due_on", "pk")
    )
    for action in actions.iterator(chunk_size=500):
        with transaction.atomic():
            _remind_and_escalate(
                run,
                key=f"action:{action.pk}:{action.due_on.isoformat()}",
                what=f"Remedial action “{action.description[:60]}”",
                due_on=action.due_on,
                holders=[action.owner],
                plan=action.plan,
                today=today,
                timescales=timescales,
            )
    return run
