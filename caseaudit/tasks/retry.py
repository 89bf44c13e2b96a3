"""Tasks that are tried again after a passing fault (django-tasks has no retries of its own).

`@durable()` makes a module-level function a task. When a try fails with a fault that may pass (the database
locked or its connection lost, the mail server or network away, a time-out) and tries remain, the next try is
enqueued to run later (30 seconds, then 2, 8, 32 minutes...: CASEAUDIT_TASK_RETRY_SECONDS times 4 to the power
of the tries so far) and this try ends failed with TaskRetried, which says so. Any other error, or the last
try, ends the task failed for good: the tasks page lists it and the QA administrators are e-mailed
(failures.py). Tasks are written to be idempotent, so a try that ran twice (its worker died after the work
but before recording it) does no harm.
"""

from __future__ import annotations

import datetime
import functools
import smtplib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
RETRIED = "caseaudit.tasks.retry.TaskRetried"


class TaskRetried(Exception):
    """This try met a passing fault; the next try is queued (the message says when)."""


def retry_delay(try_number: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CASEAUDIT_TASK_RETRY_SECONDS * 4 ** (try_number - 1))


def durable(
    *, attempts: int | None = None, transient: tuple[type[BaseException], ...] = TRANSIENT, priority: int = 0
) -> Callable[[Callable[..., Any]], Any]:
    """A task tried at most `attempts` times (CASEAUDIT_TASK_ATTEMPTS if None) when it fails with `transient`."""

    def wrap(func: Callable[..., Any]) -> Any:
        path = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def run(*args: Any, try_number: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except transient as exc:
                limit = attempts or settings.CASEAUDIT_TASK_ATTEMPTS
                this = import_string(path)  # the Task itself, bound to the module's name
                if try_number >= limit or not this.get_backend().supports_defer:
                    raise
                when = timezone.now() + retry_delay(try_number)
                with transaction.atomic():
                    this.using(run_after=when).enqueue(*args, try_number=try_number + 1, **kwargs)
                raise TaskRetried(
                    f"Try {try_number} of {limit} failed ({exc}); tried again from {timezone.localtime(when):%H:%M:%S}"
                ) from exc

        return task(priority=priority)(run)

    return wrap
