"""Monthly and quarterly reports emailed as PDFs by the scheduled job, each period once."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from . import periods
from .charts import report_charts
from .exports import pdf_bytes
from .models import Frequency, ReportDelivery, ReportSubscription
from .report import build_report
from .summary import draft_summary


def last_complete_period(frequency: str, today: datetime.date) -> periods.Period:
    if frequency == Frequency.MONTHLY:
        return periods.month(today.replace(day=1) - datetime.timedelta(days=1))
    return periods.quarter(periods.quarter(today).start - datetime.timedelta(days=1))


def send_due_reports(*, today: datetime.date) -> list[ReportDelivery]:
    sent = []
    for subscription in ReportSubscription.objects.filter(active=True).select_related("service_area"):
        period = last_complete_period(subscription.frequency, today)
        people = {p for p in subscription.recipients.filter(is_active=True)}
        people |= set(Person.objects.filter(is_active=True, role_assignments__role=Role.DIRECTOR))
        emails = sorted(p.email for p in people)
        if not emails:
            continue
        try:
            with transaction.atomic():
                delivery = ReportDelivery.objects.create(
                    subscription=subscription, start=period.start, end=period.end, recipients=", ".join(emails)
                )
                report = build_report(period, service_area=subscription.service_area)
                pdf = pdf_bytes(report, draft_summary(report), report_charts(report))
                message = EmailMessage(
                    subject=f"{settings.COUNCIL_NAME}: case file audit report, {period.label}",
                    body=(
                        f"The case file audit report for {period.label}"
                        f"{f' ({subscription.service_area})' if subscription.service_area else ''} is attached.\n\n"
                        f"It was drafted automatically from the records; published reports are in CaseAudit.\n"
                        f"{settings.SITE_URL}/reports/"
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=emails,
                )
                message.attach(f"caseaudit-report-{period.start}-{period.end}.pdf", pdf, "application/pdf")
                transaction.on_commit(message.send)
        except IntegrityError:
            continue  # this period was already sent (perhaps by another run at the same moment)
        sent.append(delivery)
    return sent
