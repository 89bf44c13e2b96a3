"""API calls in the change history, like page views: every call, and every child-level record read."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from caseaudit.trail.models import TrailEntry

ACCESS = 3  # auditlog's LogEntry.Action.ACCESS


def _remote_addr(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def log_record(request, instance, **extra) -> None:
    token = getattr(request, "api_token", None)
    TrailEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance)[:200] if not hasattr(instance, "case_id") else instance.case_id,
        action=ACCESS,
        actor=token.person if token is not None else None,
        remote_addr=_remote_addr(request),
        additional_data={"api_token": token.pk if token else None, "path": request.path, **extra},
    )


def log_call(request, status: int) -> None:
    """One entry per call, on the token (or none when no token was accepted)."""
    token = getattr(request, "api_token", None)
    if token is None:
        return
    log_record(request, token, method=request.method, status=status)
