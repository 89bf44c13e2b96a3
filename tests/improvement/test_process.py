"""The response to an inadequate audit, walked through every path with the clock controlled."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connections

from caseaudit.improvement.errors import PlanRuleError
from caseaudit.improvement.models import ImprovementPlan, PlanStatus, StageKind
from caseaudit.improvement.services import plans
from caseaudit.improvement.services.deadlines import run_deadlines
from caseaudit.messaging.models import SentMessage

from .conftest import MONDAY

D = datetime.date


def stage(plan, kind):
    return plan.stages.get(kind=kind)


def ledger(reason_contains="", to=None):
    messages = SentMessage.objects.filter(reason__contains=reason_contains)
    if to is not None:
        messages = messages.filter(recipient=to)
    return messages


@pytest.fixture
def plan(finalise, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    audit = finalise("own")
    return ImprovementPlan.objects.get(audit=audit)


def test_an_inadequate_final_grade_opens_a_plan_with_stored_deadlines_and_notifies(plan, council):
    assert plan.responsible == council["social_worker"] and plan.opened_on == MONDAY
    assert stage(plan, StageKind.MEETING).due_on == D(2026, 3, 5)
    assert stage(plan, StageKind.SM_REVIEW).due_on == D(2026, 3, 16)
    assert stage(plan, StageKind.REAUDIT).due_on == D(2026, 6, 2)
    assert stage(plan, StageKind.NOTIFICATION).completed_on == MONDAY
    assert not plan.stages.filter(kind=StageKind.CASELOAD_REVIEW).exists()
    told = set(ledger("notification").values_list("recipient__email", flat=True))
    assert told == {
        "social_worker@council.example",
        "team_manager@council.example",
        "service_manager@council.example",
        "practice_lead@council.example",
    }
    reaudit = stage(plan, StageKind.REAUDIT).reaudit
    assert reaudit.kind == "re_audit" and reaudit.follows == plan.audit and reaudit.due_on == D(2026, 6, 2)
    assert plan.events.first().to_state == "Plan opened"


def test_a_good_grade_opens_no_plan(finalise):
    audit = finalise("colleagues", grade="good")
    assert not ImprovementPlan.objects.filter(audit=audit).exists()


def test_on_time_path_closes_when_the_re_audit_is_good_and_actions_are_done(plan, council, finalise, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 4, 10, 0), tick=False)
    plans.meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=D(2026, 3, 4),
        attendees="PL, SW, TM",
        actions=[
            plans.ActionSpec("Update the child's plan", council["social_worker"], D(2026, 3, 20)),
            plans.ActionSpec("Visit the child alone", council["social_worker"], D(2026, 3, 13)),
        ],
    )
    plans.review_complete(plan_id=plan.pk, by=council["service_manager"], outcome="Plan is on track")
    for action in plan.actions.all():
        plans.action_complete(action_id=action.pk, by=council["social_worker"], evidence="Done; see case note 12 March")
    assert run_deadlines(today=D(2026, 3, 16)).escalations == 0  # everything on time: nobody is chased
    plan.refresh_from_db()
    assert plan.is_open  # the re-audit is still to come
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0), tick=False)
    finalise(follows=plan.audit, grade="good", child=plan.child)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_on == D(2026, 6, 1)
    assert not plan.repeat_inadequate
    assert [e.to_state for e in plan.events.all()][-1] == "Closed"


def test_a_late_meeting_escalates_one_level_per_interval_and_never_twice(
    plan, council, django_capture_on_commit_callbacks
):
    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return run_deadlines(today=day)

    assert run(D(2026, 3, 4)).reminders == 1  # the practice lead, the day before
    assert run(D(2026, 3, 5)).escalations == 0  # due today: not late yet
    assert run(D(2026, 3, 6)).escalations == 1
    assert ledger("Escalation level 1").get().recipient == council["team_manager"]
    assert run(D(2026, 3, 6)).escalations == 0  # the same day again: nothing new
    assert run(D(2026, 3, 9)).escalations == 0  # 2 working days late: still within the first interval
    assert run(D(2026, 3, 10)).escalations == 1  # 3 late: the next interval, the service manager
    assert ledger("Escalation level 2").get().recipient == council["service_manager"]
    emails = [m for m in mail.outbox if "Overdue: Day-three meeting" in m.subject]
    assert sorted(m.to[0] for m in emails) == ["service_manager@council.example", "team_manager@council.example"]
    reminder = next(m for m in mail.outbox if m.subject.startswith("Reminder: Day-three meeting"))
    assert reminder.to == ["practice_lead@council.example"]


def test_a_missed_run_catches_up_on_everything_due(plan, council):
    run = run_deadlines(today=D(2026, 3, 20))  # nothing ran for two weeks
    levels = {m.reason.split(" (")[0] for m in ledger("Day-three meeting overdue")}
    assert levels == {"Escalation level 1", "Escalation level 2", "Escalation level 3", "Escalation level 4"}
    assert ledger("Escalation level 4").filter(reason__contains="Day-three").get().recipient == council["director"]
    assert ledger("Service manager review overdue").exists()
    assert run.escalations >= 5
    assert run_deadlines(today=D(2026, 3, 20)).escalations == 0


def test_the_named_cover_is_told_when_the_practice_lead_is_away(finalise, council, away, time_machine):
    away("practice_lead", D(2026, 3, 1), D(2026, 3, 13), cover_key="service_manager")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    plan = ImprovementPlan.objects.get(audit=finalise("own"))
    cover = ledger("Covering the practice lead").get()
    assert cover.recipient == council["service_manager"]
    assert "Please chair the day-three meeting" in cover.subject
    # The cover can record the meeting.
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, 0), tick=False)
    plans.meeting_record(
        plan_id=plan.pk,
        by=council["service_manager"],
        held_on=D(2026, 3, 5),
        attendees="SM, SW",
        actions=[plans.ActionSpec("Review the plan", council["social_worker"], D(2026, 3, 30))],
    )
    assert stage(plan, StageKind.MEETING).chair == council["service_manager"]


def test_with_no_cover_the_service_manager_is_told_nobody_covers(finalise, council, away, time_machine):
    away("practice_lead", D(2026, 3, 1), D(2026, 3, 13))
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    finalise("own")
    notice = ledger("no cover").get()
    assert notice.recipient == council["service_manager"]
    assert "Nobody covers" in notice.subject


def test_an_absence_recorded_later_is_picked_up_by_the_scheduled_job(plan, council, away):
    away("practice_lead", D(2026, 3, 4), D(2026, 3, 6), cover_key="head_of_service")
    assert not ledger("Covering").exists()
    run_deadlines(today=D(2026, 3, 3))
    assert ledger("Covering").get().recipient == council["head_of_service"]


def test_a_second_inadequate_within_a_year_flags_a_caseload_review(finalise, council, time_machine):
    from ..factories import ChildFactory

    time_machine.move_to(datetime.datetime(2026, 1, 12, 10, 0), tick=False)
    finalise("own")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    second = ChildFactory(team=council.team_a, allocated_worker=council["social_worker"])
    plan = ImprovementPlan.objects.get(audit=finalise(child=second))
    review = stage(plan, StageKind.CASELOAD_REVIEW)
    assert review.due_on == D(2026, 3, 16)
    with pytest.raises(PlanRuleError, match="reason"):
        plans.caseload_decide(plan_id=plan.pk, by=council["team_manager"], decision="not_required", reason="  ")
    plans.caseload_decide(
        plan_id=plan.pk,
        by=council["team_manager"],
        decision="not_required",
        reason="Both files pre-date the worker's return from leave; supervision plan in place",
    )
    review.refresh_from_db()
    assert review.is_done and review.decided_by == council["team_manager"]


def test_a_required_caseload_review_is_completed_with_findings(finalise, council, time_machine):
    from ..factories import ChildFactory

    time_machine.move_to(datetime.datetime(2026, 1, 12, 10, 0), tick=False)
    finalise("own")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    plan = ImprovementPlan.objects.get(
        audit=finalise(child=ChildFactory(team=council.team_a, allocated_worker=council["social_worker"]))
    )
    plans.caseload_decide(plan_id=plan.pk, by=council["service_manager"], decision="required", reason="")
    assert not stage(plan, StageKind.CASELOAD_REVIEW).is_done
    with pytest.raises(PlanRuleError, match="findings"):
        plans.caseload_complete(plan_id=plan.pk, by=council["service_manager"], findings="")
    plans.caseload_complete(plan_id=plan.pk, by=council["service_manager"], findings="12 cases read; 2 need new plans")
    assert stage(plan, StageKind.CASELOAD_REVIEW).outcome.startswith("12 cases")


def test_a_repeat_inadequate_is_escalated_to_the_head_of_service(plan, council, finalise, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0), tick=False)
    finalise(follows=plan.audit, grade="inadequate", child=plan.child)
    plan.refresh_from_db()
    assert plan.repeat_inadequate and plan.is_open
    assert ledger("Repeat inadequate").get().recipient == council["head_of_service"]
    reaudit = stage(plan, StageKind.REAUDIT)
    assert not reaudit.is_done and reaudit.due_on == D(2026, 9, 1)
    assert reaudit.reaudit is not None and reaudit.reaudit.due_on == D(2026, 9, 1)
    assert ImprovementPlan.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (("Update the plan", None, D(2026, 3, 20)), "Choose who owns action 1"),
        (("Update the plan", "social_worker", D(2026, 2, 27)), "due date today or later"),
        (("", "social_worker", D(2026, 3, 20)), "Describe action 1"),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_recorded(plan, council, action, message):
    description, owner, due = action
    spec = plans.ActionSpec(description, council[owner] if owner else None, due)
    with pytest.raises(PlanRuleError, match=message):
        plans.meeting_record(
            plan_id=plan.pk, by=council["practice_lead"], held_on=MONDAY, attendees="PL", actions=[spec], today=MONDAY
        )
    assert not stage(plan, StageKind.MEETING).is_done and not plan.actions.exists()


def test_nobody_signs_off_a_stage_for_their_own_work(plan, council):
    from caseaudit.organisation.roles import Role

    council["social_worker"].role_assignments.create(role=Role.SERVICE_MANAGER)
    council["social_worker"].__dict__.pop("roles", None)
    with pytest.raises(PlanRuleError, match="your own work"):
        plans.review_complete(plan_id=plan.pk, by=council["social_worker"], outcome="Fine")
    with pytest.raises(PlanRuleError, match="your own work"):
        plans.meeting_record(
            plan_id=plan.pk,
            by=council["social_worker"],
            held_on=MONDAY,
            attendees="",
            actions=[plans.ActionSpec("x", council["colleague"], MONDAY)],
            today=MONDAY,
        )


def test_only_the_owner_completes_an_action_and_evidence_is_needed(plan, council):
    plans.meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=MONDAY,
        attendees="",
        actions=[plans.ActionSpec("Visit", council["social_worker"], D(2026, 3, 9))],
        today=MONDAY,
    )
    action = plan.actions.get()
    with pytest.raises(PlanRuleError, match="owner"):
        plans.action_complete(action_id=action.pk, by=council["team_manager"], evidence="done")
    with pytest.raises(PlanRuleError, match="evidence"):
        plans.action_complete(action_id=action.pk, by=council["social_worker"], evidence=" ")


def test_an_overdue_action_escalates_to_the_owners_line(plan, council):
    plans.meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=MONDAY,
        attendees="",
        actions=[plans.ActionSpec("Visit", council["social_worker"], D(2026, 3, 9))],
        today=MONDAY,
    )
    run_deadlines(today=D(2026, 3, 10))
    assert (
        ledger("Remedial action").filter(reason__startswith="Escalation level 1").get().recipient
        == council["team_manager"]
    )


def test_a_team_manager_can_be_named_responsible(plan, council):
    plans.responsible_change(
        plan_id=plan.pk, by=council["service_manager"], responsible=council["team_manager"], role="team_manager"
    )
    plan.refresh_from_db()
    assert plan.responsible == council["team_manager"] and plan.get_responsible_role_display() == "Team manager"
    assert plan.events.last().note == "Responsible professional changed"


@pytest.mark.django_db(transaction=True)
def test_two_deadline_runs_at_once_send_each_message_once(council, django_capture_on_commit_callbacks):
    from caseaudit.audits.models import Audit
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure

    version = standard_tools_ensure()[0].current_version
    for key in ("own", "colleagues", "team_b"):
        audit = audit_open(child=council.children[key], auditor=council["auditor"], tool_version=version, due_on=None)
        Audit.objects.filter(pk=audit.pk).update(status="finalised", final_grade="inadequate", audit_date=MONDAY)
        audit.refresh_from_db()
        plans.plan_open(audit=audit, today=MONDAY)
    before = SentMessage.objects.count()
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(run_deadlines(today=D(2026, 3, 20)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = SentMessage.objects.count() - before
    assert sent > 0
    assert sum(r.escalations + r.reminders + r.cover_notices for r in results) == sent
    assert SentMessage.objects.values("key").distinct().count() == SentMessage.objects.count()
