from django.core.management.base import BaseCommand, CommandError

from caseaudit.trail.chain import verify_chain
from caseaudit.trail.coverage import pk_ranges, unrecorded_records
from caseaudit.trail.models import TrailEntry


class Command(BaseCommand):
    help = (
        "Check the change history's hash chain (OK, or the first entry altered or deleted) and that every "
        "record of an audited model has its creation entry (or the records that have none, by model and key)."
    )

    def handle(self, *args, **options):
        entries = TrailEntry.objects.order_by("sequence").iterator(chunk_size=2000)
        try:
            report = verify_chain(entries)
        finally:
            entries.close()  # release the cursor before any error ends the command
        coverage = unrecorded_records()
        problems = []
        if not report.ok:
            problems.append(f"TAMPERED: {report.message} ({report.checked} entries before it are intact.)")
        if not coverage.ok:
            problems.append(
                f"UNRECORDED: {coverage.count} of {coverage.checked} records have no creation entry "
                "in the change history:"
            )
            problems.extend(f"  {label} {pk_ranges(pks)}" for label, pks in coverage.unrecorded.items())
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(report.message)
        self.stdout.write(f"OK: all {coverage.checked} records of audited models have their creation entry.")
