"""Emails not sent: the messages and reports whose sending failed or was never confirmed, for QA administrators
to read the mail server's answer and send again (caseaudit/web/outbox.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caseaudit.messaging.models import SentMessage
from caseaudit.messaging.services import message_resend
from caseaudit.organisation.roles import Role
from caseaudit.reporting.delivery import report_resend
from caseaudit.reporting.models import ReportDelivery
from caseaudit.web import outbox
from caseaudit.web.permissions import require_role

SHOWN = 200


def index(request):
    require_role(request.user, Role.QA_ADMIN)
    stuck = outbox.needs_attention(SentMessage.objects.select_related("recipient"))
    stuck_reports = outbox.needs_attention(ReportDelivery.objects.select_related("subscription__service_area"))
    waiting = outbox.waiting_to_retry(SentMessage.objects.select_related("recipient"))
    waiting_reports = outbox.waiting_to_retry(ReportDelivery.objects.select_related("subscription__service_area"))
    return render(
        request,
        "home/messages.html",
        {
            "stuck_messages": stuck.order_by("-claimed_at", "-pk")[:SHOWN],
            "stuck_reports": stuck_reports.order_by("-claimed_at", "-pk")[:SHOWN],
            "waiting_messages": waiting.order_by("next_attempt_at", "pk")[:SHOWN],
            "waiting_reports": waiting_reports.order_by("next_attempt_at", "pk")[:SHOWN],
        },
    )


def _said(request, status: str | None, what: str, row) -> None:
    if status == outbox.DeliveryStatus.SENT:
        messages.success(request, f"Sent to {what}: the mail server accepted it.")
    elif status == outbox.DeliveryStatus.WAITING:
        messages.error(
            request,
            f"Not sent to {what}: the mail server answered “{row.answer}”. "
            f"CaseAudit will try again from {row.next_attempt_at:%H:%M}.",
        )
    elif status is None:
        messages.error(request, f"Nothing sent: the email to {what} is no longer failed or unconfirmed.")
    else:
        messages.error(request, f"Not sent to {what}: {row.answer}")


@require_POST
def message_resend_view(request, pk: int):
    require_role(request.user, Role.QA_ADMIN)
    message = get_object_or_404(SentMessage.objects.select_related("recipient"), pk=pk)
    status = message_resend(message_id=message.pk)
    message.refresh_from_db()
    _said(request, status, message.recipient.email, message)
    return redirect("web:messages")


@require_POST
def report_resend_view(request, pk: int):
    require_role(request.user, Role.QA_ADMIN)
    delivery = get_object_or_404(ReportDelivery, pk=pk)
    status = report_resend(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    _said(request, status, delivery.recipients, delivery)
    return redirect("web:messages")
