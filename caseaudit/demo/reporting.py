"""The demo council's published report: last full financial quarter, council-wide, as the DCS would read it."""

from __future__ import annotations

import datetime

from django.db import transaction

from caseaudit.evidence.figures import last_twelve_months
from caseaudit.evidence.models import EvidencePack
from caseaudit.evidence.services import pack_create, pack_save
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
    pack_publish_demo(today=today, by=publisher)
    return report_publish_demo(period=last_quarter, by=publisher)


def pack_publish_demo(*, today: datetime.date, by: Person) -> EvidencePack:
    """The self-evaluation evidence pack for the last twelve whole months, published as drafted (idempotent)."""
    start, end = last_twelve_months(today)
    existing = EvidencePack.objects.filter(start=start, end=end, service_area=None).first()
    if existing is not None:
        return existing
    pack = pack_create(start=start, end=end, service_area=None, by=by)
    return pack_save(pack_id=pack.pk, narrative=pack.narrative(), expected_version=pack.version, publish=True, by=by)


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
