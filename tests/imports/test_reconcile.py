"""Reconciliation: every kind of disagreement between open plans and the latest case extract."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from caseaudit.imports.models import Deviation, DeviationKind, DeviationStatus
from caseaudit.imports.services.reconcile import DeviationError, deviation_acknowledge, deviation_escalate, reconcile
from caseaudit.imports.services.runs import run_import
from caseaudit.improvement.models import PlanEvent, Stage, StageKind

from .files import LCS_HEADINGS, csv_bytes, lcs_row

pytestmark = pytest.mark.django_db


def extract(child, **changes):
    row = lcs_row(child.case_id, "Olivia", "Own", "2015-05-01", "CIN", "Team A", "North",
                  "social_worker@council.example", child.opened_on.isoformat(), "")  # fmt: skip
    headings = [*LCS_HEADINGS, "Practice Meeting Date"]
    fields = {"team": 5, "worker": 7, "end": 9}
    for key, value in changes.items():
        if key != "meeting":
            row[fields[key]] = value
    result = run_import("cases", csv_bytes(headings, [[*row, changes.get("meeting", "")]]), filename="x.csv",
                        actor=None, commit=True)  # fmt: skip
    assert result.committed, result.errors


@pytest.fixture
def plan(council, finalise):
    audit = finalise("own")
    return audit.improvement_plan


def kinds():
    return sorted(Deviation.objects.filter(status=DeviationStatus.OPEN).values_list("kind", flat=True))


def test_no_deviation_when_the_extract_agrees(council, plan):
    extract(council.children["own"])
    assert reconcile().found == 0 and not Deviation.objects.exists()


def test_every_kind_of_deviation_is_found(council, plan):
    meeting = plan.stages.get(kind=StageKind.MEETING)
    day0 = plan.opened_on
    Stage.objects.filter(pk=meeting.pk).update(completed_on=day0 + datetime.timedelta(days=6))
    closed = (day0 + datetime.timedelta(days=10)).isoformat()
    if datetime.date.fromisoformat(closed) > datetime.date.today():
        closed = datetime.date.today().isoformat()
    extract(
        council.children["own"],
        team="Team B",
        worker="colleague@council.example",
        end=closed,
        meeting=(day0 + datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
    )
    run = reconcile()
    assert kinds() == sorted(
        [
            DeviationKind.CASE_CLOSED,
            DeviationKind.TRANSFERRED,
            DeviationKind.WORKER_CHANGED,
            DeviationKind.REAUDIT_ON_CLOSED,
            DeviationKind.STAGE_DATE_LATER,
        ]
    )
    # The import itself reconciled: the five were found then, so this run finds them again, none new.
    assert run.found == 5 and run.new == 0
    reasons = {d.kind: d.reason for d in Deviation.objects.all()}
    assert "moved from Team A to Team B" in reasons[DeviationKind.TRANSFERRED]
    assert "allocates" in reasons[DeviationKind.WORKER_CHANGED] and "Colleague" in reasons[DeviationKind.WORKER_CHANGED]
    assert "4 days earlier" in reasons[DeviationKind.STAGE_DATE_LATER]
    assert Deviation.objects.get(kind=DeviationKind.STAGE_DATE_LATER).stage_id == meeting.pk
    # Running again finds the same five, not five more.
    assert reconcile().new == 0 and Deviation.objects.count() == 5


def test_acknowledge_and_escalate(council, plan, django_capture_on_commit_callbacks):
    extract(council.children["own"], team="Team B", worker="colleague@council.example")
    reconcile()
    moved = Deviation.objects.get(kind=DeviationKind.TRANSFERRED)
    worker = Deviation.objects.get(kind=DeviationKind.WORKER_CHANGED)
    deviation_acknowledge(deviation_id=moved.pk, by=council["qa_admin"], note="Team B manager told on the phone")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, told = deviation_escalate(deviation_id=worker.pk, by=council["qa_admin"], note="Please update the plan")
    assert told == [council["team_manager"]]
    assert [m.to for m in mail.outbox] == [["team_manager@council.example"]]
    assert "Please update the plan" in mail.outbox[0].body
    assert PlanEvent.objects.filter(plan=plan, to_state="Case system difference escalated").count() == 1
    with pytest.raises(DeviationError, match="Qa Admin already marked this escalated"):
        deviation_escalate(deviation_id=worker.pk, by=council["head_of_service"], note="again")
    assert len(mail.outbox) == 1
    # Handled deviations stay handled on the next run; they are not raised again.
    reconcile()
    assert Deviation.objects.get(pk=moved.pk).status == DeviationStatus.ACKNOWLEDGED
    assert Deviation.objects.count() == 2


def test_a_deviation_no_longer_found_is_resolved(council, plan):
    extract(council.children["own"], worker="colleague@council.example")
    reconcile()
    assert kinds() == [DeviationKind.WORKER_CHANGED]
    extract(council.children["own"])
    assert kinds() == []  # the import reconciled at once
    assert Deviation.objects.get().status == DeviationStatus.RESOLVED
    assert Deviation.objects.get().status == DeviationStatus.RESOLVED


def test_command_lists_deviations(council, plan, capsys):
    extract(council.children["own"], team="Team B")
    call_command("reconcile")
    out = capsys.readouterr().out
    assert out.startswith("1 deviations found (0 new, 0 no longer found)")
    assert "[Case transferred to another team while the plan is open]" in out
