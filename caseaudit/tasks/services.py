"""Changes to tasks that people make (the workers' own changes are in recovery.py, retry.py and schedule.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks_db.compat import Task
from django_tasks_db.models import DBTaskResult

from .models import TaskRerun
from .retry import RETRIED


@dataclass(frozen=True)
class RunAgain:
    ran: bool
    why_not: str = ""
    task_id: str = ""


def task_run_again(*, task_id: str, by) -> RunAgain:
    """Queue a task that failed for good anew: the same task with the same arguments, from its first try.

    The TaskRerun row is the claim (one per failed task), written in the transaction that queues the new task:
    two presses queue it once, and a rollback takes both away."""
    with transaction.atomic():
        failed = DBTaskResult.objects.filter(id=task_id, status="FAILED").exclude(exception_class_path=RETRIED).first()
        if failed is None:
            return RunAgain(False, "it has not failed, or it is being tried again already")
        try:
            task = import_string(failed.task_path)
        except ImportError:
            task = None
        if not isinstance(task, Task):
            return RunAgain(False, "CaseAudit no longer has this task")
        try:
            with transaction.atomic():
                rerun = TaskRerun.objects.create(failed=failed, by=by)
        except IntegrityError:
            return RunAgain(False, "it has been run again already")
        kwargs = {k: v for k, v in failed.args_kwargs.get("kwargs", {}).items() if k != "try_number"}
        # Not failed.task: that keeps the old try's run_after. This one runs as soon as a worker is free.
        task = task.using(priority=failed.priority, queue_name=failed.queue_name, backend=failed.backend_name)
        result = task.enqueue(*failed.args_kwargs.get("args", []), **kwargs)
        rerun.task_id = str(result.id)
        rerun.save(update_fields=["task_id"])
    return RunAgain(True, task_id=rerun.task_id)
