"""A published report's PDF, made by a worker as soon as it is published (services.report_publish)."""

from __future__ import annotations

from caseaudit.tasks.retry import durable

from .services import report_pdf_prepare


@durable()
def report_pdf_make(report_id: int) -> str:
    # Idempotent: the PDF goes to the cache under the hash of its page, so making it twice stores it once.
    made = report_pdf_prepare(report_id=report_id)
    return "PDF made" if made else "Nothing to make: the report is not published"
