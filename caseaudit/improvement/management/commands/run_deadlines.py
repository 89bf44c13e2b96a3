import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from caseaudit.improvement.models import Timescales
from caseaudit.improvement.services.deadlines import run_deadlines
from caseaudit.learning.services import recommendations_due


class Command(BaseCommand):
    help = (
        "Send reminders before and escalations after improvement-plan deadlines. Idempotent: run it as often as "
        "you like (cron every 15 minutes); each message is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        run = run_deadlines(today=today)
        # Overdue recommendations join the same reminders and escalation.
        recommendations = recommendations_due(
            today=today, interval_working_days=Timescales.current().escalation_interval_working_days
        )
        self.stdout.write(
            f"{today:%Y-%m-%d}: {run.reminders + recommendations.reminders} reminders, "
            f"{run.escalations + recommendations.escalations} escalations, {run.cover_notices} cover notices sent."
        )
        for line in run.details + recommendations.details:
            self.stdout.write(f"  {line}")
