"""An import's check and commit as tasks (caseaudit/tasks): enqueued with the run, idempotent (runs.run_task).

Not tried again after an error: a file that cannot be imported fails in plain words on its own page, and
the person uploads it again. A worker that died mid-import is different: its task is put back in the queue."""

from __future__ import annotations

from caseaudit.tasks.retry import durable

from .services import runs


@durable(attempts=1)
def import_check(run_id: int) -> str:
    return runs.run_task("check", run_id)


@durable(attempts=1)
def import_commit(run_id: int) -> str:
    return runs.run_task("commit", run_id)
