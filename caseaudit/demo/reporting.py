"""The demo council's published report: last full financial quarter, council-wide, as the DCS would read it."""

from __future__ import annotations

import datetime

from django.db import transaction

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.reporting.models import Report, ReportSubscription
from caseaudit.reporting.periods import Period, quarter
from caseaudit.reporting.services import report_draft, report_publish, report_title


def build_demo_reports(today: datetime.date) -> Report | None:
    """Idempotent: the quarterly subscription to the director, and last quarter's report published."""
    if not ReportSubscription.objects.exists():
        ReportSubscription.objects.create(frequency="quarterly")  # to the director
    publisher = Person.objects.filter(role_assignments__role=Role.QA_ADMIN, is_active=True).order_by("pk").first()
    if publisher is None:
        return None
    last_quarter = quarter(quarter(today).start - datetime.timedelta(days=1))
    return report_publish_demo(period=last_quarter, by=publisher)


@transaction.atomic
def report_publish_demo(*, period: Period, by: Person) -> Report:
    """The demo's published council-wide report for a period (idempotent: found by its title)."""
    existing = Report.objects.filter(title=report_title(period, None, None)).first()
    if existing is not None:
        return existing
    report = report_draft(period=period, service_area=None, team=None, by=by)
    report_publish(report=report, by=by)
    report.save()
    return report
