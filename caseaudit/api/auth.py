"""Bearer tokens, rate limits and body size, checked before any endpoint runs."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, Scope


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class BodyTooLarge(Exception):
    pass


class ScopeMissing(Exception):
    pass


def _lookup(raw: str) -> ApiToken | None:
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "ca":
        return None
    token = ApiToken.objects.select_related("person").filter(prefix=parts[1]).first()
    # Constant-time comparison of the SHA-256; expired, revoked and unknown tokens look alike to the caller.
    if token is None or not token.matches(raw) or not token.is_usable():
        return None
    return token


def _rate_limit(token: ApiToken) -> None:
    """A fixed window per token in the configured cache (CASEAUDIT_API_CACHE)."""
    limit = settings.CASEAUDIT_API_RATE_LIMIT
    window = settings.CASEAUDIT_API_RATE_WINDOW_SECONDS
    now = int(time.time())
    start = now - now % window
    key = f"api-rate:{token.pk}:{start}"
    cache = caches[settings.CASEAUDIT_API_CACHE]
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, start + window - now))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = _lookup(token)
        if found is None:
            return None
        request.api_token = found
        if found.person is not None:
            request.user = found.person
        _rate_limit(found)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.CASEAUDIT_API_MAX_BODY_BYTES:
            raise BodyTooLarge()
        # Last used to the minute: one write per token per minute at most.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


def require_scope(request, scope: Scope) -> None:
    """Service tokens hold exactly their scopes; personal tokens act as their person (role rules apply)."""
    token: ApiToken = request.auth
    if token.person is None and scope.value not in token.scopes:
        raise ScopeMissing()
