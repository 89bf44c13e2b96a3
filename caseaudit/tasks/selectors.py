"""Reads about tasks for the QA administrators: the tasks page and the count on the home page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .retry import RETRIED
from .words import describe, error_in_words

FAILED = "FAILED"


def tasks_failed_for_good() -> QuerySet[DBTaskResult]:
    """Failed on the last try (a try that is queued again ended with TaskRetried) and not yet run again."""
    return DBTaskResult.objects.filter(status=FAILED, rerun__isnull=True).exclude(exception_class_path=RETRIED)


def task_work() -> dict[str, QuerySet]:
    """For the QA administrator's home page (to count)."""
    return {"failed_tasks": tasks_failed_for_good()}


def task_list(*, failed_only: bool) -> QuerySet[DBTaskResult]:
    """Newest first; failed only: those that failed for good, run again or not (the page says which)."""
    rows = DBTaskResult.objects.select_related("rerun__by")
    if failed_only:
        rows = rows.filter(status=FAILED).exclude(exception_class_path=RETRIED)
    return rows.order_by("-enqueued_at", "-pk")


@dataclass(frozen=True)
class TaskRow:
    """One task as the page shows it: in words, not in the backend's terms."""

    result: DBTaskResult
    what: str
    status: str
    colour: str
    tries: int
    starts: int
    error: str
    waits_until: datetime.datetime | None

    @property
    def can_run_again(self) -> bool:
        return self.status == "Failed" and not hasattr(self.result, "rerun")


def task_row(result: DBTaskResult, *, now: datetime.datetime | None = None) -> TaskRow:
    args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
    waits_until = None
    if result.status == "READY":
        status, colour = "Waiting", "grey"
        now = now or timezone.now()
        if result.run_after != get_date_max() and result.run_after > now:
            waits_until = result.run_after
    elif result.status == "RUNNING":
        status, colour = "Running", "blue"
    elif result.status == "SUCCESSFUL":
        status, colour = "Done", "green"
    elif result.exception_class_path == RETRIED:
        status, colour = "Failed, tried again", "yellow"
    else:
        status, colour = "Failed", "red"
    return TaskRow(
        result=result,
        what=describe(result.task_path.rsplit(".", 1)[-1], args, kwargs),
        status=status,
        colour=colour,
        tries=int(kwargs.get("try_number", 1)),
        # A worker that died mid-task leaves it to be started again (recovery.py): each start names its worker.
        starts=len(result.worker_ids or []),
        error=error_in_words(result.exception_class_path, result.traceback) if result.status == FAILED else "",
        waits_until=waits_until,
    )
