"""What the report's and the evidence pack's commands share: a period from the command line, and a service area
by its name."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError

from caseaudit.organisation.models import ServiceArea


def add_period_arguments(parser) -> None:
    parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--service-area", help="Name of one service area (default: the whole council)")


def checked_scope(start: datetime.date, end: datetime.date, service_area: str | None) -> ServiceArea | None:
    """The service area named (None for the whole council); refused when the period runs backwards or no area
    has the name, with the names there are."""
    if end < start:
        raise CommandError("--to must be on or after --from")
    if not service_area:
        return None
    area = ServiceArea.objects.filter(name__iexact=service_area).first()
    if area is None:
        names = ", ".join(ServiceArea.objects.values_list("name", flat=True))
        raise CommandError(f"No service area is called {service_area!r}. Known: {names}")
    return area
