"""No lost or half-written work: a process killed inside a multi-record change leaves all or nothing.

The change runs in a child process against the same test database; a signal
handler in the child SIGKILLs it at a point inside the transaction (after some
records of the change are written, before the commit). The parent then reads
the database: the change is either whole or absent. SIGKILL, not an exception:
no Python clean-up runs, as when the machine loses power or the OOM killer acts.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

CHILD_PRELUDE = """
import os, signal, sys, datetime
os.environ["DJANGO_SETTINGS_MODULE"] = "caseaudit.settings.test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["CRASH_DB_NAME"]
import django
django.setup()
from django.db.models.signals import post_save

def kill_on_save(model):
    # Dies the moment the first row of this model is written: mid-transaction.
    def die(sender, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    post_save.connect(die, sender=model, weak=False)
"""


def run_child(body: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRASH_DB_NAME": str(connection.settings_dict["NAME"]), "PYTHONPATH": str(ROOT)}
    script = CHILD_PRELUDE + textwrap.dedent(body)
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def audits(council):
    """A submitted audit and an inadequate one with its plan, committed (the child process reads them)."""
    from caseaudit.audits.services.lifecycle import (
        ModerationDecision,
        audit_moderate,
        audit_moderation_start,
        audit_open,
        audit_submit,
    )
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.improvement.models import ImprovementPlan
    from tests.audits.conftest import complete_draft

    tool, _ = standard_tools_ensure()
    auditor, moderator = council["auditor"], council["moderator"]

    def submitted(key, **grading):
        audit = audit_open(child=council.children[key], auditor=auditor, tool_version=tool.current_version, due_on=None)
        return audit_submit(audit_id=audit.pk, by=auditor, draft=complete_draft(audit, **grading), expected_version=1)

    good = submitted("colleagues")
    bad = submitted("team_b", grade="inadequate")
    audit_moderation_start(audit_id=bad.pk, moderator=moderator)
    bad.refresh_from_db()
    decision = ModerationDecision(
        overall_grade="inadequate", sections={j.section_id: (j.grade, "") for j in bad.judgements.all()}
    )
    audit_moderate(audit_id=bad.pk, moderator=moderator, decision=decision, expected_version=bad.version)
    # Committed at once here (transactional test), so the on_commit receiver has opened the plan.
    return {"submitted": good, "plan": ImprovementPlan.objects.get(audit=bad)}


def assert_killed(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == -signal.SIGKILL, f"the child was not killed mid-change: {result.stderr[-2000:]}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_day_three_meeting_leaves_no_actions_and_the_stage_open(council, audits):
    from caseaudit.improvement.models import PlanEvent, RemedialAction, StageKind

    plan = audits["plan"]
    events_before = PlanEvent.objects.filter(plan=plan).count()
    result = run_child(
        f"""
        from caseaudit.improvement.models import PlanEvent
        from caseaudit.improvement.services.plans import ActionSpec, meeting_record
        from caseaudit.organisation.models import Person
        kill_on_save(PlanEvent)  # after the stage and the actions are written
        today = datetime.date.today()
        owner = Person.objects.get(pk={council["colleague"].pk})
        meeting_record(plan_id={plan.pk}, by=Person.objects.get(pk={council["practice_lead"].pk}),
            held_on=today, attendees="PL, TM", actions=[ActionSpec("Visit", owner, today), ActionSpec("Plan", owner, today)])
        """
    )
    assert_killed(result)
    meeting = plan.stages.get(kind=StageKind.MEETING)
    assert meeting.completed_on is None and meeting.attendees == ""
    assert not RemedialAction.objects.filter(plan=plan).exists()
    assert PlanEvent.objects.filter(plan=plan).count() == events_before

    # The same change without the kill is whole: the test can tell the two apart.
    result = run_child(
        f"""
        from caseaudit.improvement.services.plans import ActionSpec, meeting_record
        from caseaudit.organisation.models import Person
        today = datetime.date.today()
        owner = Person.objects.get(pk={council["colleague"].pk})
        meeting_record(plan_id={plan.pk}, by=Person.objects.get(pk={council["practice_lead"].pk}),
            held_on=today, attendees="PL, TM", actions=[ActionSpec("Visit", owner, today), ActionSpec("Plan", owner, today)])
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert plan.stages.get(kind=StageKind.MEETING).completed_on == datetime.date.today()
    assert RemedialAction.objects.filter(plan=plan).count() == 2
    assert PlanEvent.objects.filter(plan=plan).count() == events_before + 1


@pytest.mark.django_db(transaction=True)
def test_a_killed_moderation_changes_no_grade_and_leaves_the_audit_in_moderation(council, audits):
    from caseaudit.audits.models import Activity, Audit, SectionJudgement
    from caseaudit.audits.services.lifecycle import audit_moderation_start

    audit = audits["submitted"]
    audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    audit.refresh_from_db()
    before = (audit.status, audit.version, audit.final_grade)
    activities = Activity.objects.filter(audit=audit).count()
    result = run_child(
        f"""
        from caseaudit.audits.models import Activity, Audit
        from caseaudit.audits.services.lifecycle import ModerationDecision, audit_moderate
        from caseaudit.organisation.models import Person
        kill_on_save(Activity)  # after every judgement and the audit are written
        audit = Audit.objects.get(pk={audit.pk})
        decision = ModerationDecision(
            overall_grade="inadequate", overall_reason="Plans are out of date",
            sections={{j.section_id: ("inadequate", "Changed at moderation") for j in audit.judgements.all()}})
        audit_moderate(audit_id=audit.pk, moderator=Person.objects.get(pk={council["moderator"].pk}),
            decision=decision, expected_version=audit.version)
        """
    )
    assert_killed(result)
    audit.refresh_from_db()
    assert (audit.status, audit.version, audit.final_grade) == before
    assert not SectionJudgement.objects.filter(audit=audit).exclude(moderated_grade="").exists()
    assert Activity.objects.filter(audit=audit).count() == activities
    assert not Audit.objects.filter(pk=audit.pk, moderated_overall_grade="inadequate").exists()


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_after_finalising_before_the_plan_opens_is_caught_up_by_run_deadlines(council, audits):
    """The plan opens after the moderation commits (on_commit). Killed between the two,
    the audit is final and inadequate with no plan: run_deadlines opens it."""
    from caseaudit.audits.models import Audit
    from caseaudit.audits.services.lifecycle import audit_moderation_start
    from caseaudit.improvement.models import ImprovementPlan
    from caseaudit.improvement.services.deadlines import run_deadlines

    audit = audits["submitted"]
    audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    audit.refresh_from_db()
    result = run_child(
        f"""
        from caseaudit.audits.models import Audit
        from caseaudit.audits.services.lifecycle import ModerationDecision, audit_moderate
        from caseaudit.improvement.models import ImprovementPlan
        from caseaudit.organisation.models import Person
        kill_on_save(ImprovementPlan)  # the plan is written in its own transaction after the commit
        audit = Audit.objects.get(pk={audit.pk})
        decision = ModerationDecision(
            overall_grade="inadequate", overall_reason="Plans are out of date",
            sections={{j.section_id: ("inadequate", "Changed at moderation") for j in audit.judgements.all()}})
        audit_moderate(audit_id=audit.pk, moderator=Person.objects.get(pk={council["moderator"].pk}),
            decision=decision, expected_version=audit.version)
        """
    )
    assert_killed(result)
    audit = Audit.objects.get(pk=audit.pk)
    assert audit.status == "finalised" and audit.final_grade == "inadequate"
    assert not ImprovementPlan.objects.filter(audit=audit).exists()

    run_deadlines(today=datetime.date.today())
    plan = ImprovementPlan.objects.get(audit=audit)
    assert plan.stages.count() >= 5
    run_deadlines(today=datetime.date.today())
    assert ImprovementPlan.objects.filter(audit=audit).count() == 1
