"""The scheduled work as tasks (schedule.py enqueues them). Each is idempotent: the commands they run claim
every message and report delivery in a ledger row before sending, so a second run sends nothing twice."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import ScheduledRun
from .retry import durable

KEEP_FINISHED_DAYS = 30


def _command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out, stderr=out)
    return out.getvalue()


@durable()
def deadlines_run() -> str:
    return _command("run_deadlines")


@durable()
def reports_send() -> str:
    return _command("send_reports")


@durable()
def imports_fail_stale() -> str:
    # By the command's name, like the jobs above: the task queue stands below the apps whose work it runs.
    return _command("fail_stale_imports")


@durable()
def task_results_prune() -> str:
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_FINISHED_DAYS)
    tasks, _ = DBTaskResult.objects.filter(status="SUCCESSFUL", finished_at__lt=cutoff).delete()
    runs, _ = ScheduledRun.objects.filter(slot__lt=cutoff).delete()
    return f"Removed {tasks} finished task(s) and {runs} scheduled run(s) older than {KEEP_FINISHED_DAYS} days."
