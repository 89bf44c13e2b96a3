import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from caseaudit.reporting.delivery import send_due_reports


class Command(BaseCommand):
    help = "Email each subscribed monthly or quarterly report (PDF) once its period has ended. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        sent = send_due_reports(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}: {len(sent)} report{'s' if len(sent) != 1 else ''} sent.")
        for delivery in sent:
            self.stdout.write(f"  {delivery.subscription}: {delivery.start} to {delivery.end} → {delivery.recipients}")
