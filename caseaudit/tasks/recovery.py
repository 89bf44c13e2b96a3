"""Workers say they are alive; a task left "running" by a worker that died is put back in the queue.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker killed
(SIGKILL, the machine lost, a deploy that did not wait) leaves it RUNNING for ever. Each run_worker writes
its beat every CASEAUDIT_WORKER_BEAT_SECONDS; a RUNNING task whose worker has been silent for
CASEAUDIT_WORKER_LOST_SECONDS is made READY again by a conditional UPDATE (only if it is still the same
claim), so two workers finding it at once requeue it once. Tasks are idempotent, so running it again is safe.
"""

from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat


def worker_beat(worker_id: str, *, started_at: datetime.datetime | None = None) -> None:
    now = timezone.now()
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerBeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "beat_at": now,
                "started_at": started_at or now,
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )


def worker_gone(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def requeue_lost(*, now: datetime.datetime | None = None) -> list[str]:
    """Put back in the queue each task running on a worker that stopped beating; their ids."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CASEAUDIT_WORKER_LOST_SECONDS)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = []
    running = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff)
    for task_id, worker_ids, started_at in running.values_list("id", "worker_ids", "started_at"):
        if worker_ids and worker_ids[-1] in alive:
            continue
        if DBTaskResult.objects.filter(id=task_id, status="RUNNING", started_at=started_at).update(status="READY"):
            requeued.append(str(task_id))
    # Beats of workers long gone are no help to anyone.
    WorkerBeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=1)).delete()
    return requeued
