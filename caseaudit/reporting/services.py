"""Saving reports for publishing: a draft with a written summary, then a frozen snapshot of its figures."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from caseaudit.organisation.models import Person, ServiceArea, Team
from caseaudit.tasks.enqueue import enqueue_in_transaction

from .models import Report, ReportStatus
from .periods import Period
from .report import build_report, in_report_order
from .summary import draft_summary

TITLE_PREFIX = "Case file audits: "
log = logging.getLogger(__name__)


def report_title(period: Period, service_area: ServiceArea | None, team: Team | None) -> str:
    return f"{TITLE_PREFIX}{period.label}" + (f", {team or service_area}" if (team or service_area) else "")


def report_draft(*, period: Period, service_area: ServiceArea | None, team: Team | None, by: Person) -> Report:
    """A draft report over the period and scope, with the executive summary drafted from its figures."""
    figures = build_report(period, service_area=service_area, team=team)
    return Report.objects.create(
        title=report_title(period, service_area, team),
        start=period.start,
        end=period.end,
        service_area=service_area,
        team=team,
        summary=draft_summary(figures),
        created_by=by,
    )


def report_figures(report: Report) -> dict:
    """The figures as they are now, labelled with the report's own period name (a quarter, not two dates)."""
    period = Period(report.start, report.end, report.title.removeprefix(TITLE_PREFIX))
    return build_report(period, service_area=report.service_area, team=report.team)


def report_publish(*, report: Report, by: Person) -> None:
    """Freeze the figures into the report (the caller holds the row lock): later changes to records do not alter it."""
    report.snapshot = report_figures(report)
    report.status = ReportStatus.PUBLISHED
    report.published_by = by
    report.published_at = timezone.now()
    # Its PDF never changes now: make it once published, so nobody waits for WeasyPrint (seconds) on the
    # first download. It lands in the shared cache under the hash of its page (decision 0067). A task queued
    # in the publishing transaction (caseaudit/reporting/tasks.py); should it fail, the download makes it.
    from .tasks import report_pdf_make

    enqueue_in_transaction(report_pdf_make, report.pk)


class ReportChanged(Exception):
    """Someone else saved or published the report since the form was opened."""


def report_summary_save(*, report_id: int, summary: str, expected_version: int, publish: bool, by: Person) -> Report:
    """Save a draft report's written summary and, if asked, publish it (its figures frozen), in one transaction.
    Refused with ReportChanged when the report moved on since `expected_version` or is published already, so
    two people editing one report never overwrite each other."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.version != expected_version or report.is_published:
            raise ReportChanged
        report.summary = summary
        report.version += 1
        if publish:
            report_publish(report=report, by=by)
        report.save()
    return report


def report_pdf_prepare(*, report_id: int) -> bool:
    """Make a published report's PDF into the shared cache; False when there is nothing published to make."""
    from .charts import report_charts
    from .exports import pdf_bytes

    # The snapshot as the database gives it back, as a download will read it: the page (and its cache
    # key) must be the download's, whatever the database does to the JSON it stores.
    saved = Report.objects.filter(pk=report_id).first()
    if saved is None or saved.snapshot is None:
        return False
    figures = in_report_order(saved.snapshot)
    pdf_bytes(figures, saved.summary, report_charts(figures))
    return True
