"""Writes of the data-protection app (retention writes are in retention.py)."""

from __future__ import annotations

from caseaudit.organisation.models import Child, Person
from caseaudit.trail.models import TrailEntry


def subject_access_log(*, child: Child, by: Person, export_format: str, redacted: bool) -> TrailEntry:
    """An export is a read of everything about the child: logged as a read, saying what was exported."""
    return TrailEntry.objects.log_create(
        child,
        force_log=True,
        action=TrailEntry.Action.ACCESS,
        actor=by,
        actor_email=by.email,
        additional_data={"subject_access_export": {"format": export_format, "staff_names_redacted": redacted}},
    )
