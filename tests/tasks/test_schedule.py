"""The schedule inside the workers (issue 34, point 3): once a slot across servers, caught up after downtime."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caseaudit.tasks.models import ScheduledRun
from caseaudit.tasks.schedule import JOBS, enqueue_due

from .worker import database_tasks, work_off

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY_9_07 = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 7))


def jobs_queued() -> list[str]:
    return sorted(path.rsplit(".", 1)[1] for path in DBTaskResult.objects.values_list("task_path", flat=True))


@database_tasks
def test_each_slot_is_enqueued_once_however_many_servers_look():
    first = enqueue_due(now=MONDAY_9_07)
    # A second server, and the first again a few seconds later, in the same quarter hour: nothing more.
    assert enqueue_due(now=MONDAY_9_07 + datetime.timedelta(seconds=5)) == []
    assert enqueue_due(now=MONDAY_9_07 + datetime.timedelta(minutes=7)) == []
    assert {run.job for run in first} == {job.name for job in JOBS}
    assert jobs_queued() == ["deadlines_run", "imports_fail_stale", "reports_send", "task_results_prune"]
    assert {run.slot for run in first if run.job == "deadlines"} == {
        timezone.make_aware(datetime.datetime(2026, 12, 7, 9))
    }

    # The next quarter hour: the 15-minute jobs again, not the daily one.
    again = enqueue_due(now=MONDAY_9_07 + datetime.timedelta(minutes=8))
    assert sorted(run.job for run in again) == ["deadlines", "imports-stale", "reports"]


@database_tasks
def test_a_server_that_lost_the_race_for_a_slot_enqueues_nothing():
    # Another server inserted the slot between this one's look and its insert: the unique slot turns it away.
    deadlines = next(job for job in JOBS if job.name == "deadlines")
    with transaction.atomic():
        ScheduledRun.objects.create(job="deadlines", slot=deadlines.slot(MONDAY_9_07))
    made = enqueue_due(now=MONDAY_9_07, jobs=(deadlines,))
    assert made == [] and DBTaskResult.objects.count() == 0


@database_tasks
def test_after_downtime_the_workers_catch_up_at_once_and_the_jobs_run(council):
    # The last runs were yesterday morning; the servers were off since. The first look runs everything now.
    yesterday = MONDAY_9_07 - datetime.timedelta(days=1)
    enqueue_due(now=yesterday)
    DBTaskResult.objects.all().delete()
    made = enqueue_due(now=MONDAY_9_07)
    assert sorted(run.job for run in made) == ["deadlines", "imports-stale", "prune", "reports"]

    work_off()

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    deadlines = DBTaskResult.objects.get(task_path__endswith="deadlines_run")
    assert "reminders" in deadlines.return_value and "escalations" in deadlines.return_value
