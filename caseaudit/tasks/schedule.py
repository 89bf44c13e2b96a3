"""The periodic work, enqueued by the workers themselves: once a slot, across every server.

Each job has a period (a quarter hour, a day, a month, in the council's time zone). Every worker looks every
few seconds (run_worker's beat); the first to insert the job's ScheduledRun for the current slot enqueues its
task in the same transaction, and the unique (job, slot) turns every other server away. After downtime the
current slot has no run, so the job runs as soon as a worker starts: missed runs are caught up by that one
run, because each job acts on everything due up to now (every reminder due, every report period ended and
not yet sent, every import stopped), never only on its own slot's share.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

QUARTER_HOUR, DAY, MONTH = "quarter-hour", "day", "month"


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: str

    def slot(self, now: datetime.datetime) -> datetime.datetime:
        local = timezone.localtime(now)
        if self.every == QUARTER_HOUR:
            start = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
        elif self.every == DAY:
            start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elif self.every == MONTH:
            start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        else:
            raise ValueError(f"Unknown period {self.every!r}")
        return start


JOBS = (
    Job("imports-stale", "caseaudit.tasks.jobs.imports_fail_stale", QUARTER_HOUR),
    Job("deadlines", "caseaudit.tasks.jobs.deadlines_run", QUARTER_HOUR),
    # Monthly and quarterly reports go once their period has ended; a refused one is tried again when due.
    Job("reports", "caseaudit.tasks.jobs.reports_send", QUARTER_HOUR),
    Job("prune", "caseaudit.tasks.jobs.task_results_prune", DAY),
)


def enqueue_due(*, now: datetime.datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[ScheduledRun]:
    """Enqueue each job whose current slot has no run yet; the runs this call made (none if another did)."""
    now = now or timezone.now()
    made = []
    for job in jobs:
        slot = job.slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = import_string(job.task_path).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another server took this slot first
            continue
        made.append(run)
    return made
