import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from caseaudit.accounts.staff_sync import staff_sync_file
from caseaudit.imports.management.commands._importing import report
from caseaudit.imports.readers import ImportFileError, check_size


class Command(BaseCommand):
    help = (
        "Joiners and leavers from the HR or directory export (CSV or XLSX: email, name, team, role, active). "
        "A dry run that writes nothing unless --commit; any bad row and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--commit", action="store_true", help="Write the changes (default: a dry run)")
        parser.add_argument("--json", action="store_true", help="Print the outcome as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            check_size(path.stat().st_size)
            result = staff_sync_file(data=path.read_bytes(), filename=path.name, commit=options["commit"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except IntegrityError:  # someone added one of these people while the sync ran: all of it rolled back
            raise CommandError(
                "Someone changed the same people while this ran: nothing was written. Run it again."
            ) from None
        report(self, result, as_json=options["json"])
        if not result.ok:
            sys.exit(1)
