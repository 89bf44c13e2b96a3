"""Improvement plans for the demo council's recent inadequate audits, at every stage."""

from __future__ import annotations

import datetime

from django.db import transaction

from caseaudit.audits import scales
from caseaudit.audits.models import Audit
from caseaudit.improvement.models import ImprovementPlan, StageKind
from caseaudit.improvement.services import plans
from caseaudit.improvement.services.people import practice_lead_for
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.web.workdays import add_working_days


def build_demo_plans(today: datetime.date) -> int:
    if ImprovementPlan.objects.exists():
        return 0
    since = today - datetime.timedelta(days=80)
    recent = (
        Audit.objects.filter(final_grade__in=scales.NEEDS_RESPONSE, audit_date__gte=since, follows__isnull=True)
        .select_related("child", "team", "worker", "auditor")
        .order_by("audit_date")
    )
    with transaction.atomic():
        for n, audit in enumerate(recent):
            plan = plans.plan_open(audit=audit, today=today)
            if plan is None:
                continue
            meeting = plan.stages.get(kind=StageKind.MEETING)
            # Most plans are on time; every fourth has a late meeting, to show escalation.
            if meeting.due_on < today and n % 4:
                _, chair, _ = practice_lead_for(plan, meeting.due_on)
                chair = (
                    chair
                    or Person.objects.filter(
                        role_assignments__role=Role.SERVICE_MANAGER, service_area_id=plan.team.service_area_id
                    ).first()
                )
                owners = [p for p in (plan.responsible, plan.team.manager) if p]
                if chair and owners:
                    due = max(today, add_working_days(meeting.due_on, 15))
                    plans.meeting_record(
                        plan_id=plan.pk,
                        by=chair,
                        held_on=meeting.due_on,
                        attendees="Practice lead, worker, team manager",
                        actions=[
                            plans.ActionSpec("Update the child's plan with clear timescales", owners[0], due),
                            plans.ActionSpec("Weekly supervision focused on this child", owners[-1], due),
                        ],
                        today=meeting.due_on,
                    )
            review = plan.stages.get(kind=StageKind.SM_REVIEW)
            manager = Person.objects.filter(
                role_assignments__role=Role.SERVICE_MANAGER, service_area_id=plan.team.service_area_id
            ).first()
            if review.due_on < today and manager and n % 3 and plan.stages.get(kind=StageKind.MEETING).is_done:
                plans.review_complete(
                    plan_id=plan.pk, by=manager, outcome="Plan agreed; progress checked in supervision."
                )
    return ImprovementPlan.objects.count()
