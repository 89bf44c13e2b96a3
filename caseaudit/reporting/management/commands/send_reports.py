import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from caseaudit.reporting.delivery import send_due_reports
from caseaudit.web.outbox import DeliveryStatus


class Command(BaseCommand):
    help = (
        "Email each subscribed monthly or quarterly report (PDF) once its period has ended, and try again those the "
        "mail server refused for now. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        tried = send_due_reports(today=today)
        sent = [d for d in tried if d.status == DeliveryStatus.SENT]
        self.stdout.write(f"{today:%Y-%m-%d}: {len(sent)} report{'s' if len(sent) != 1 else ''} sent.")
        for delivery in tried:
            line = f"  {delivery.subscription}: {delivery.start} to {delivery.end} → {delivery.recipients}"
            if delivery.status == DeliveryStatus.WAITING:
                line += f": not sent yet ({delivery.answer}); tried again from {delivery.next_attempt_at:%d %B %H:%M}"
            elif delivery.status != DeliveryStatus.SENT:
                line += f": {delivery.get_status_display().lower()} ({delivery.answer}); QA administrators can send it again"
            self.stdout.write(line)
