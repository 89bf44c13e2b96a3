import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from caseaudit.family.contacts import contact_requests_due
from caseaudit.family.sending import family_messages_run
from caseaudit.improvement.models import Timescales
from caseaudit.improvement.services.deadlines import run_deadlines
from caseaudit.learning.services import recommendations_due
from caseaudit.messaging.models import SentMessage
from caseaudit.messaging.services import messages_deliver_due
from caseaudit.web import outbox


class Command(BaseCommand):
    help = (
        "Send reminders before and escalations after improvement-plan deadlines. Idempotent: run it as often as "
        "you like (cron every 15 minutes); each message is sent once, and one the mail server refused for now is "
        "tried again when due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        # One run: a mail server found unreachable is not waited for again by every message after it.
        with outbox.batch():
            run = run_deadlines(today=today)
            # Overdue recommendations join the same reminders and escalation.
            recommendations = recommendations_due(
                today=today, interval_working_days=Timescales.current().escalation_interval_working_days
            )
            # Families who asked to be contacted (issue 31): the team manager reminded, then their line told.
            timescales = Timescales.current()
            contacts = contact_requests_due(
                today=today,
                reminder_working_days=timescales.reminder_working_days,
                interval_working_days=timescales.escalation_interval_working_days,
            )
            # Messages waiting after a passing fault (or claimed by a run that stopped) whose try is due.
            retried = messages_deliver_due()
        self.stdout.write(
            f"{today:%Y-%m-%d}: {run.reminders + recommendations.reminders} reminders, "
            f"{run.escalations + recommendations.escalations} escalations, {run.cover_notices} cover notices sent or queued."
        )
        for line in run.details + recommendations.details:
            self.stdout.write(f"  {line}")
        if contacts.reminders or contacts.escalations:
            self.stdout.write(
                f"Families who asked to be contacted: {contacts.reminders} reminders, {contacts.escalations} "
                "escalations sent or queued."
            )
            for line in contacts.details:
                self.stdout.write(f"  {line}")
        if any(retried.values()):
            self.stdout.write(
                f"Tried again: {retried['sent']} sent, {retried['waiting']} still waiting, {retried['failed']} failed."
            )
        waiting = outbox.waiting_to_retry(SentMessage.objects).count()
        attention = outbox.needs_attention(SentMessage.objects).count()
        if waiting or attention:
            self.stdout.write(
                f"Mail: {waiting} message{'s' if waiting != 1 else ''} waiting to be tried again, {attention} failed "
                f"or unconfirmed (QA administrators: Emails not sent, /messages/)."
            )
        # Family feedback (issue 31): the one reminder before a link expires, and messages waiting to be tried again.
        family = family_messages_run()
        if family.reminders or any(family.retried.values()) or family.waiting or family.needs_attention:
            self.stdout.write(
                f"Family feedback: {family.reminders} reminder(s) claimed; tried again: {family.retried['sent']} sent, "
                f"{family.retried['waiting']} still waiting, {family.retried['failed']} failed; {family.waiting} "
                f"waiting to be tried again, {family.needs_attention} failed or unconfirmed (on their audits' pages)."
            )
