from django.core.management.base import BaseCommand, CommandError

from caseaudit.trail.chain import verify_chain
from caseaudit.trail.models import TrailEntry


class Command(BaseCommand):
    help = "Check the change history's hash chain; report OK or the first entry that was altered or deleted."

    def handle(self, *args, **options):
        entries = TrailEntry.objects.order_by("sequence").iterator(chunk_size=2000)
        try:
            report = verify_chain(entries)
        finally:
            entries.close()  # release the cursor before any error ends the command
        if not report.ok:
            raise CommandError(f"TAMPERED: {report.message} ({report.checked} entries before it are intact.)")
        self.stdout.write(report.message)
