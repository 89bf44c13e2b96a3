"""Reports and dashboards may read from a read replica (DATABASE_REPLICA_URL); everything else uses the primary.

Opt-in per view (`@reads_from_replica`) rather than every read: a page that shows what someone just saved
must read the primary (a replica lags by up to seconds), and the sign-in, session and access checks are small.
Within a replica-reading view, the first write (e.g. the change log of a child record read) switches the rest
of that request back to the primary, so it reads its own writes. See docs/deployment.md and decision 0061.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
# None: not in a replica-reading view; "replica": reading from it; "primary": this request has written.
_state: contextvars.ContextVar[str | None] = contextvars.ContextVar("caseaudit_replica", default=None)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _state.set(REPLICA)
    try:
        yield
    finally:
        _state.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside reading_from_replica() go to the replica until the first write; writes always to primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _state.get() == REPLICA and getattr(settings, "CASEAUDIT_READ_REPLICA", False):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        if _state.get() == REPLICA:
            _state.set("primary")  # read your own writes for the rest of the request
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
