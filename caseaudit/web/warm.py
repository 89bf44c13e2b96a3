"""Keep the garbage collector off what every request shares, once a server process is warm (decision 0073).

A worker that has served its first pages holds about 180,000 tracked objects that live as long as the
process: modules, URL patterns, compiled templates, model metadata. Each full (oldest generation)
collection walks all of them, about 60 ms on these machines, and on the dashboard one came about every 17
requests, into that request's time. `gc.freeze()` moves everything alive at that moment out of
the collector's reach; what later requests make is collected as before. Freezing happens after the 1st,
50th and 500th request a process serves, so what the first pages load lazily (templates, translations,
querysets' class caches) is frozen too, each time after a collection so no garbage is frozen with it.
Only the WSGI entry point (gunicorn) installs it: tests and commands run without it.
"""

from __future__ import annotations

import gc
import itertools
import threading

from django.core.signals import request_finished

FREEZE_AFTER = frozenset({1, 50, 500})

_served = itertools.count(1)
_lock = threading.Lock()


def freeze_when_warm(sender=None, **kwargs) -> None:
    """request_finished receiver: count requests, and collect then freeze at the counts in FREEZE_AFTER."""
    with _lock:
        served = next(_served)
        if served in FREEZE_AFTER:
            gc.collect()
            gc.freeze()


def install() -> None:
    request_finished.connect(freeze_when_warm, dispatch_uid="caseaudit.web.warm")
