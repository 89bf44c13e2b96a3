"""Guessing links is slowed down: an address that opens too many unknown links is refused for a while.

A fixed window per address in the default cache (shared by this machine's workers). The token's 128 bits are
what keep it safe; this only keeps the guessing out of the logs and the database.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(request: HttpRequest) -> str:
    window = settings.CASEAUDIT_FAMILY_LINK_GUESS_WINDOW_SECONDS
    return f"family-link-guesses:{request.META.get('REMOTE_ADDR', '')}:{int(time.time()) // window}"


def is_blocked(request: HttpRequest) -> bool:
    return (cache.get(_key(request)) or 0) >= settings.CASEAUDIT_FAMILY_LINK_GUESSES


def record_wrong_guess(request: HttpRequest) -> None:
    key = _key(request)
    timeout = settings.CASEAUDIT_FAMILY_LINK_GUESS_WINDOW_SECONDS + 5
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
