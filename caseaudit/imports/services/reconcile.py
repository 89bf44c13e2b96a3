"""Reconciliation: where open improvement plans and the latest case extract disagree.

The case extract import keeps each child's team, worker, open/closed dates and
some event dates as the case system has them; this compares open plans with
that and keeps one Deviation per disagreement, so a deviation once
acknowledged is not raised again until the facts change again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from caseaudit.improvement.models import ImprovementPlan, PlanStatus, ResponsibleRole, Stage, StageKind
from caseaudit.improvement.services.messaging import plan_link
from caseaudit.improvement.services.people import management_line
from caseaudit.improvement.services.plans import plan_event_record
from caseaudit.messaging.services import send_once
from caseaudit.organisation.models import Person

from ..models import CaseEvent, Deviation, DeviationKind, DeviationStatus

STAGE_LABELS = dict(StageKind.choices)


class DeviationError(Exception):
    """Someone else handled the deviation first; the message says who."""


@dataclass
class Found:
    key: str
    kind: str
    plan: ImprovementPlan
    child_id: int
    reason: str
    stage: Stage | None = None


@dataclass
class ReconcileRun:
    found: int = 0
    new: int = 0
    resolved: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def find_deviations() -> list[Found]:
    plans = list(
        ImprovementPlan.objects.filter(status=PlanStatus.OPEN).select_related(
            "child__team", "child__allocated_worker", "team", "responsible"
        )
    )
    plan_ids = [plan.pk for plan in plans]
    stages: dict[int, list[Stage]] = {}
    for stage in Stage.objects.filter(plan_id__in=plan_ids).order_by("pk"):
        stages.setdefault(stage.plan_id, []).append(stage)
    events = {
        (e.child_id, e.kind): e.happened_on
        for e in CaseEvent.objects.filter(child_id__in=[plan.child_id for plan in plans])
    }
    found: list[Found] = []
    for plan in plans:
        child = plan.child
        ref = child.case_id
        if child.closed_on:
            found.append(
                Found(
                    f"closed:{plan.pk}:{child.closed_on}",
                    DeviationKind.CASE_CLOSED,
                    plan,
                    child.pk,
                    f"{ref}'s case closed on {_day(child.closed_on)} in the case system while the plan is open: "
                    "close the plan or record why it stays open.",
                )
            )
        if child.team_id != plan.team_id:
            found.append(
                Found(
                    f"transferred:{plan.pk}:{child.team_id}",
                    DeviationKind.TRANSFERRED,
                    plan,
                    child.pk,
                    f"{ref} moved from {plan.team} to {child.team} in the case system while the plan is open: "
                    "the receiving team needs to know about the plan.",
                )
            )
        if plan.responsible_role == ResponsibleRole.SOCIAL_WORKER and child.allocated_worker_id != plan.responsible_id:
            now = child.allocated_worker.full_name if child.allocated_worker else "nobody (unallocated)"
            found.append(
                Found(
                    f"worker:{plan.pk}:{child.allocated_worker_id or 0}",
                    DeviationKind.WORKER_CHANGED,
                    plan,
                    child.pk,
                    f"The case system allocates {ref} to {now}; the plan's responsible professional is "
                    f"{plan.responsible or 'nobody'}: the responsible professional may need updating.",
                )
            )
        for stage in stages.get(plan.pk, []):
            if stage.kind == StageKind.REAUDIT and not stage.completed_on and child.closed_on:
                due = f" due on {_day(stage.due_on)}" if stage.due_on else ""
                found.append(
                    Found(
                        f"reaudit:{plan.pk}:{stage.pk}:{child.closed_on}",
                        DeviationKind.REAUDIT_ON_CLOSED,
                        plan,
                        child.pk,
                        f"The re-audit{due} is for a case the case system closed on {_day(child.closed_on)}.",
                        stage,
                    )
                )
            recorded = events.get((child.pk, stage.kind))
            if stage.completed_on and recorded and recorded >= plan.opened_on and recorded < stage.completed_on:
                label = STAGE_LABELS[stage.kind].lower()
                found.append(
                    Found(
                        f"later:{plan.pk}:{stage.pk}:{recorded}",
                        DeviationKind.STAGE_DATE_LATER,
                        plan,
                        child.pk,
                        f"CaseAudit records the {label} on {_day(stage.completed_on)}; the case system has it on "
                        f"{_day(recorded)}, {(stage.completed_on - recorded).days} days earlier. "
                        "Correct the stage date if the case system is right (timeliness figures use it).",
                        stage,
                    )
                )
    return found


@transaction.atomic
def reconcile(*, today: datetime.date | None = None) -> ReconcileRun:
    """Record what is found now; what is no longer found and was never handled is marked resolved."""
    today = today or timezone.localdate()
    run = ReconcileRun()
    found = find_deviations()
    keys = {f.key for f in found}
    stored = {d.key: d for d in Deviation.objects.select_for_update().filter(key__in=keys)}
    for item in found:
        run.found += 1
        run.by_kind[item.kind] = run.by_kind.get(item.kind, 0) + 1
        deviation = stored.get(item.key)
        if deviation is None:
            Deviation.objects.create(
                key=item.key,
                kind=item.kind,
                plan=item.plan,
                stage=item.stage,
                child_id=item.child_id,
                reason=item.reason,
                first_found_on=today,
                last_found_on=today,
            )
            run.new += 1
            continue
        deviation.last_found_on = today
        deviation.reason = item.reason
        if deviation.status == DeviationStatus.RESOLVED:
            deviation.status = DeviationStatus.OPEN
            run.new += 1
        deviation.save(update_fields=["last_found_on", "reason", "status"])
    for deviation in Deviation.objects.select_for_update().filter(status=DeviationStatus.OPEN).exclude(key__in=keys):
        deviation.status = DeviationStatus.RESOLVED
        deviation.save(update_fields=["status"])
        run.resolved += 1
    return run


def _claim(deviation_id: int, by: Person, note: str, status: str) -> Deviation:
    deviation = Deviation.objects.select_for_update(of=("self",)).select_related("plan", "child").get(pk=deviation_id)
    if deviation.status not in (DeviationStatus.OPEN, DeviationStatus.RESOLVED):
        who = deviation.handled_by.full_name if deviation.handled_by else "someone"
        when = timezone.localtime(deviation.handled_at).strftime("%-d %B %Y at %H:%M") if deviation.handled_at else ""
        raise DeviationError(f"{who} already marked this {deviation.get_status_display().lower()} {when}".strip())
    deviation.status = status
    deviation.note = note
    deviation.handled_by = by
    deviation.handled_at = timezone.now()
    deviation.save(update_fields=["status", "note", "handled_by", "handled_at"])
    return deviation


@transaction.atomic
def deviation_acknowledge(*, deviation_id: int, by: Person, note: str) -> Deviation:
    return _claim(deviation_id, by, note, DeviationStatus.ACKNOWLEDGED)


@transaction.atomic
def deviation_escalate(*, deviation_id: int, by: Person, note: str) -> tuple[Deviation, list[Person]]:
    """Escalate through the plan's management line, as a missed deadline would be: the first manager in line
    is told by email (once) and the plan's history records it."""
    deviation = _claim(deviation_id, by, note, DeviationStatus.ESCALATED)
    plan = deviation.plan
    line = management_line(plan)
    told = []
    for manager in line[:1]:
        if send_once(
            key=f"deviation:{deviation.pk}:escalate",
            recipient=manager,
            subject=f"CaseAudit: the case system disagrees with the plan for {plan.child.case_id}",
            body=(
                f"{by.full_name} escalated a difference between the improvement plan for {plan.child.case_id} "
                f"and the case management system.\n\n{deviation.reason}\n\nTheir note: {note}\n\n{plan_link(plan)}"
            ),
            reason=f"Reconciliation: {deviation.get_kind_display()}",
            child=plan.child,
        ):
            told.append(manager)
    plan_event_record(
        plan=plan, by=by, to_state="Case system difference escalated", note=f"{deviation.reason} {note}".strip()
    )
    return deviation, told
