"""Queue a task as part of the transaction that asked for it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def enqueue_in_transaction(task: Any, *args: Any) -> None:
    """The database backend writes the task's row in the current transaction: a rollback takes it away, a
    commit hands it to the workers, who then see everything the transaction saved. A backend that runs a task
    the moment it is enqueued (the immediate one, in tests) is given it when the transaction commits instead,
    so it too sees what was saved, as a worker would."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
