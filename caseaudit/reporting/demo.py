"""The demo council's published report: last full financial quarter, council-wide, as the DCS would read it."""

from __future__ import annotations

import datetime

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from .models import Report, ReportSubscription
from .periods import quarter
from .services import report_publish_demo


def build_demo_reports(today: datetime.date) -> Report | None:
    """Idempotent: the quarterly subscription to the director, and last quarter's report published."""
    if not ReportSubscription.objects.exists():
        ReportSubscription.objects.create(frequency="quarterly")  # to the director
    publisher = Person.objects.filter(role_assignments__role=Role.QA_ADMIN, is_active=True).order_by("pk").first()
    if publisher is None:
        return None
    last_quarter = quarter(quarter(today).start - datetime.timedelta(days=1))
    return report_publish_demo(period=last_quarter, by=publisher)
