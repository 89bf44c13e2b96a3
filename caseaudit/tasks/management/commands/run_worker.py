"""django-tasks-db's db_worker, plus what makes it safe to run on several servers at once.

A thread beside the worker writes its beat (it is alive), enqueues the scheduled work whose slot has come
(schedule.py: once across every server) and puts back in the queue the tasks of workers that died
(recovery.py). Stop it with SIGTERM or Ctrl+C: the task in hand finishes first (a second signal ends it at
once; the task is then put back by another worker's recovery and run again).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from caseaudit.tasks.recovery import requeue_lost, worker_beat, worker_gone
from caseaudit.tasks.schedule import enqueue_due

log = logging.getLogger("caseaudit.tasks")


class Command(DbWorkerCommand):
    help = "Run background tasks, enqueue the scheduled work when due, and requeue tasks of workers that died."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_false", dest="schedule", help="Do not enqueue the schedule")

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        schedule = options.pop("schedule")
        started_at = timezone.now()
        # Alive before the first claim: a task claimed by a worker with no beat would look lost.
        worker_beat(worker_id, started_at=started_at)
        if options.get("reload"):
            options["reload"] = False  # the reloader's child would beat under the parent's id
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat, args=(worker_id, started_at, schedule, stop), name="task-worker-beat", daemon=True
        )
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            # Wait for the beat's last write to end (a beat busy on a locked SQLite database finishes within its
            # busy timeout): a beat written after worker_gone would leave the worker looking alive.
            beat.join()
            _say_gone(worker_id)


def _say_gone(worker_id: str, tries: int = 5) -> None:
    """Remove the worker's beat, trying again while SQLite is busy with another worker's write; if it cannot,
    the beat goes stale and requeue_lost treats the worker as stopped, as after a crash."""
    for attempt in range(tries):
        try:
            worker_gone(worker_id)
            return
        except DatabaseError as exc:
            log.info("Worker beat not removed (%s); trying again", exc)
            time.sleep(0.5 * (attempt + 1))


def _beat(worker_id: str, started_at, schedule: bool, stop: threading.Event) -> None:
    """Daemon: it only says the worker is alive and enqueues work; a task's own work never runs here."""
    try:
        while True:
            try:
                worker_beat(worker_id, started_at=started_at)
                if schedule:
                    for run in enqueue_due():
                        log.info("Enqueued %s", run)
                for task_id in requeue_lost():
                    log.warning("Task %s was running on a worker that stopped: put back in the queue", task_id)
            except DatabaseError as exc:  # SQLite busy with a long import, a connection lost: next beat
                log.info("Worker beat not written (%s); trying again", exc)
            if stop.wait(settings.CASEAUDIT_WORKER_BEAT_SECONDS):
                return
    finally:
        connections.close_all()
