"""The WSGI entry point freezes what a warm server process holds, so full collections skip it (decision 0073)."""

import gc

from django.core.signals import request_finished
from django.test import Client

from caseaudit.web import warm


def test_the_wsgi_application_installs_the_freeze_and_a_served_request_counts_towards_it(monkeypatch):
    import itertools

    import caseaudit.wsgi  # noqa: F401  (installs the receiver, as gunicorn's import does)

    monkeypatch.setattr(warm, "_served", itertools.count(1))
    gc.unfreeze()
    try:
        Client().get("/healthz")  # request 1: collect, then freeze (so the receiver is connected)
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        # Objects made after the freeze, kept alive: a second freeze would take them all in. The count
        # may fall a little meanwhile, as frozen objects are freed; it must not grow.
        made_after = [[n] for n in range(1000)]
        for _ in range(3):  # requests 2 to 4: nothing more is frozen
            warm.freeze_when_warm()
        assert gc.get_freeze_count() <= frozen
        assert made_after
    finally:
        gc.unfreeze()
        request_finished.disconnect(dispatch_uid="caseaudit.web.warm")
