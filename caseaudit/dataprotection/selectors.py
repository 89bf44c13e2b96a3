"""Reads the data-protection pages share."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from caseaudit.organisation.models import Child
from caseaudit.trail.models import TrailEntry

from .subject_access import child_records_trail


def child_history(
    *,
    child: Child,
    person: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TrailEntry]:
    """Who read or changed the child's records, newest first; filters are by the person
    (name or email, also matching the email kept on the entry) and by day, both ends included."""
    entries = child_records_trail(child)
    if person:
        entries = entries.filter(
            Q(actor__full_name__icontains=person) | Q(actor__email__icontains=person) | Q(actor_email__icontains=person)
        )
    if date_from:
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to:
        entries = entries.filter(timestamp__date__lte=date_to)
    return entries.order_by("-sequence")
