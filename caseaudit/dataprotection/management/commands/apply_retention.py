import datetime

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseaudit.dataprotection.retention import retention_apply
from caseaudit.organisation.models import Person


class Command(BaseCommand):
    help = (
        "Anonymise closed children whose retention period has ended. Without --commit it only lists "
        "who would be anonymised and why (a dry run)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="List only (the default)")
        mode.add_argument("--commit", action="store_true", help="Anonymise, in one transaction")
        parser.add_argument("--by", metavar="EMAIL", help="The QA administrator running it (recorded)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Count periods to this day")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        by = None
        if options["by"]:
            by = Person.objects.filter(email__iexact=options["by"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active person with the email {options['by']}.")
        with set_actor(by):
            result = retention_apply(today=today, by=by, commit=options["commit"])
        for item in result.due:
            self.stdout.write(f"child {item.child.pk} ({item.child.case_id}): {item.reason}")
        if options["commit"]:
            self.stdout.write(f"Anonymised {len(result.due)} children (retention run {result.run.pk}).")
        else:
            self.stdout.write(
                f"Dry run: {len(result.due)} children would be anonymised. Nothing was changed; "
                "run with --commit to anonymise them."
            )
