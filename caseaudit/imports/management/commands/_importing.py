"""What import_cases and import_audits share: reading the file, printing the outcome, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import IntegrityError, OperationalError, connection

from caseaudit.organisation.models import Person

from ...readers import ImportFileError, check_size
from ...services.runs import run_import
from ...tables import ImportResult

SHOWN_ERRORS = 200
CONCURRENT_IMPORT = (
    "Another import wrote some of the same records while this one was running, so nothing from this run was "
    "written. Run it again: the records the other import wrote are then left as they are, and the rest is imported."
)
BUSY_DATABASE = (
    "Another import kept the database busy for too long, so nothing from this run was written. Run it again "
    "when that import has finished."
)


def actor(email: str | None) -> Person | None:
    if not email:
        return None
    person = Person.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise CommandError(f"No active person has the email {email}")
    return person


def add_common_arguments(parser) -> None:
    parser.add_argument("file", nargs="?", help="CSV or XLSX file")
    parser.add_argument(
        "--commit", action="store_true", help="Write the changes (default: a dry run that writes nothing)"
    )
    parser.add_argument("--as", dest="as_email", help="Email of the person the import is recorded against")
    parser.add_argument("--json", action="store_true", help="Print the outcome as JSON")


def run(command, kind: str, options, **extra) -> None:
    if not options.get("file"):
        raise CommandError("Give the CSV or XLSX file to import")
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"{path} is not a file")
    # A case extract streams its rows with COPY on PostgreSQL: psycopg's own error, not Django's wrapper.
    integrity_errors = (IntegrityError, connection.Database.IntegrityError)
    try:
        check_size(path.stat().st_size)
        data = path.read_bytes()
        stderr = command.stderr

        def progress(done: int, total: int, phase: str = "checking") -> None:
            if phase == "writing":  # a historic import, row by row
                if done and done % 20000 == 0:
                    stderr.write(f"Written {done:,} of {total:,} rows")
                    stderr.flush()
                return
            if phase == "written":
                stderr.write(f"Written {done:,} rows; finishing…")
            elif done == total:
                stderr.write(f"Checked {done:,} of {total:,} rows")
                if options["commit"]:
                    stderr.write("Saving…")
            elif done % 20000 == 0:
                stderr.write(f"Checked {done:,} of {total:,} rows")
            stderr.flush()

        result = run_import(
            kind,
            data,
            filename=path.name,
            actor=actor(options.get("as_email")),
            commit=options["commit"],
            progress=progress,
            **extra,
        )
    except ImportFileError as exc:
        raise CommandError(str(exc)) from None
    except integrity_errors:
        # The import is one transaction: the other run's rows are in, none of this one's.
        raise CommandError(CONCURRENT_IMPORT) from None
    except OperationalError as exc:
        if "locked" not in str(exc):  # SQLite's busy timeout ran out while another import held the database
            raise
        raise CommandError(BUSY_DATABASE) from None
    report(command, result, as_json=options["json"])
    if not result.ok:
        sys.exit(1)


def report(command, result: ImportResult, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(result.to_dict(), indent=2, default=str))
        return
    what = "Imported" if result.committed else "Dry run (nothing written)" if result.ok else "Not imported"
    command.stdout.write(f"{what}: {result.total_rows:,} rows")
    for action, refs in sorted(result.changes.items()):
        command.stdout.write(f"  {action}: {len(refs):,}")
    for label, names in result.created_around.items():
        command.stdout.write(f"  new {label}: {', '.join(names)}")
    for warning in result.warnings[:SHOWN_ERRORS]:
        command.stdout.write(f"  warning: {warning}")
    if result.errors:
        command.stdout.write(f"{len(result.errors):,} problems; nothing was written:")
        for error in result.errors[:SHOWN_ERRORS]:
            command.stdout.write(f"  {error}")
        if len(result.errors) > SHOWN_ERRORS:
            command.stdout.write(f"  … and {len(result.errors) - SHOWN_ERRORS:,} more (use --json for all)")
