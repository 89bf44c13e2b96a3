"""Work that starts once a transaction has committed and runs in a thread of its own.

Used for what a person should not wait for: checking a long import file, making a published report's
PDF. There is no job queue to run (decision 0072): the work runs in the process that asked for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections, transaction

log = logging.getLogger(__name__)


def after_commit_in_thread(job: Callable[..., object], *args: object, name: str) -> None:
    """Start `job(*args)` in a new thread when the current transaction commits (at once outside one).

    After commit, so the thread's own connection sees what the transaction wrote. Not a daemon: a command
    that starts such work (seed_demo, so `make run`) waits for it at exit; a daemon thread still inside
    WeasyPrint's C libraries when the interpreter shut down aborted the process (SIGABRT). The thread
    closes its connections when done: they are its own, not a request's, and nothing else would.
    """
    transaction.on_commit(lambda: threading.Thread(target=_run, args=(job, args), name=name, daemon=False).start())


def _run(job: Callable[..., object], args: tuple) -> None:
    close_old_connections()
    try:
        job(*args)
    except Exception:  # the job's own handling failed too; nobody is waiting on this thread to hear it
        log.exception("Background work %s failed", getattr(job, "__name__", job))
    finally:
        connections.close_all()
