"""The message ledger's public door for the apps below the one that keeps it (decision 0088).

The ledger (improvement.SentMessage and improvement.services.messaging.send_once: each message claimed once,
then sent after the commit with its outcome recorded, failures listed on "Emails not sent") belongs to
improvement, which imports audits. audits importing improvement back would close a circle (issue 36), so audits
sends through this base module instead, and improvement plugs its ledger in when it starts
(ImprovementConfig.ready). Both arrows point down: audits -> web <- improvement.

When the ledger itself moves to a shared module (issue 36, point 2), `send_once` here keeps its name and
arguments and the plug goes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from caseaudit.organisation.models import Person


class Ledger(Protocol):
    def __call__(self, *, key: str, recipient: Person | None, subject: str, body: str, reason: str) -> bool: ...


_ledger: Ledger | None = None
_last_claimed: Callable[[str], datetime.datetime | None] | None = None


def ledger_connect(ledger: Ledger, last_claimed: Callable[[str], datetime.datetime | None]) -> None:
    """Called once, by the app that keeps the ledger, when Django starts."""
    global _ledger, _last_claimed
    _ledger, _last_claimed = ledger, last_claimed


def _connected() -> None:
    if _ledger is None or _last_claimed is None:
        raise ImproperlyConfigured("No message ledger is connected: caseaudit.improvement must be installed")


def send_once(*, key: str, recipient: Person | None, subject: str, body: str, reason: str) -> bool:
    """Claim `key` for `recipient` in the ledger and send after the transaction commits; a key already claimed
    sends nothing, nor does a rolled-back transaction. True when this call claimed it."""
    _connected()
    assert _ledger is not None  # noqa: S101 - for the type checker; _connected() raised otherwise
    return _ledger(key=key, recipient=recipient, subject=subject, body=body, reason=reason)


def last_claimed(key_prefix: str) -> datetime.datetime | None:
    """When the latest message whose key starts with `key_prefix` was claimed, or None."""
    _connected()
    assert _last_claimed is not None  # noqa: S101 - as above
    return _last_claimed(key_prefix)
