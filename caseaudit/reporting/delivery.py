"""Monthly and quarterly reports emailed as PDFs by the scheduled job, each period once."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.web import outbox

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
    """Claim each subscription's last complete period (once: a unique row), then send every claimed report
    whose try is due: the new ones, and those waiting after a passing fault. The deliveries tried, each
    with how it ended (sent, waiting to be tried again, failed: caseaudit/web/outbox.py)."""
    for subscription in ReportSubscription.objects.filter(active=True).select_related("service_area"):
        period = last_complete_period(subscription.frequency, today)
        people = {p for p in subscription.recipients.filter(is_active=True)}
        people |= set(Person.objects.filter(is_active=True, role_assignments__role=Role.DIRECTOR))
        emails = sorted(p.email for p in people)
        if not emails:
            continue
        try:
            with transaction.atomic():
                ReportDelivery.objects.create(
                    subscription=subscription, start=period.start, end=period.end, recipients=", ".join(emails)
                )
        except IntegrityError:
            continue  # this period was already claimed (perhaps by another run at the same moment)
    tried = []
    with outbox.batch():
        for delivery_id in outbox.due(ReportDelivery.objects.order_by("next_attempt_at", "pk")).values_list(
            "pk", flat=True
        ):
            if report_deliver(delivery_id=delivery_id) is not None:
                tried.append(delivery_id)
    deliveries = ReportDelivery.objects.select_related("subscription__service_area").in_bulk(tried)
    return [deliveries[pk] for pk in tried]


def _email(delivery: ReportDelivery) -> EmailMessage:
    """The PDF of the delivery's period, made now: a report tried again is the report as it stands then."""
    subscription = delivery.subscription
    period = (
        periods.month(delivery.start)
        if subscription.frequency == Frequency.MONTHLY
        else periods.quarter(delivery.start)
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
        to=[address.strip() for address in delivery.recipients.split(",") if address.strip()],
    )
    message.attach(f"caseaudit-report-{period.start}-{period.end}.pdf", pdf, "application/pdf")
    return message


def report_deliver(*, delivery_id: int) -> str | None:
    """Make and send one claimed report if its try is due; its status afterwards (None: nothing to do)."""
    return outbox.deliver(ReportDelivery, delivery_id, _email)


def report_resend(*, delivery_id: int) -> str | None:
    """A QA administrator's "Send again" for a failed or unconfirmed report."""
    return outbox.resend(ReportDelivery, delivery_id, _email)
