"""Tasks for the tests only: module-level, so a worker in another process finds them by their path."""

from __future__ import annotations

import datetime

from django.db import OperationalError

from caseaudit.tasks.models import ScheduledRun
from caseaudit.tasks.retry import durable

SLOT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@durable()
def echo(text: str) -> str:
    return f"echo: {text}"


@durable()
def record_once(n: int) -> int:
    """Writes a unique row: a second run of the same task would fail on the constraint."""
    ScheduledRun.objects.create(job=f"test-{n}", slot=SLOT)
    return n


@durable(attempts=3)
def always_locked() -> None:
    raise OperationalError("database is locked")


@durable()
def broken() -> None:
    raise ValueError("The figures for March are missing")


@durable()
def always_broken_with(number: int, *, note: str) -> None:
    raise ValueError(f"Record {number} ({note}) is missing")
