from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from caseaudit.dataprotection import backup


class Command(BaseCommand):
    help = (
        "Back up the database to PATH (default: a time-stamped file in CASEAUDIT_BACKUP_DIR). SQLite: a consistent "
        "copy while the app serves. PostgreSQL: pg_dump's custom format (needs pg_dump)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the backup")

    def handle(self, *args, **options):
        settings_dict = connection.settings_dict
        stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
        try:
            if connection.vendor == "sqlite":
                target = Path(options["path"] or settings.BACKUP_DIR / f"caseaudit-{stamp}.sqlite3")
                head = backup.sqlite_backup(Path(settings_dict["NAME"]), target)
                self.stdout.write(f"Backed up to {target} (integrity check: ok).")
                if head:
                    # Keep this line with the backup: it anchors the change history (docs/decisions/0003).
                    self.stdout.write(f"Change history head: entry #{head.sequence} {head.entry_hash}")
            elif connection.vendor == "postgresql":
                target = Path(options["path"] or settings.BACKUP_DIR / f"caseaudit-{stamp}.dump")
                head = self._pg_backup(settings_dict, target)
                self.stdout.write(f"Backed up to {target} (pg_dump custom format).")
                if head:
                    self.stdout.write(f"Change history head: entry #{head.sequence} {head.entry_hash}")
            else:
                raise CommandError(f"Backing up a {connection.vendor} database is not supported.")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _pg_backup(self, settings_dict: dict, target: Path) -> backup.TrailHead | None:
        """pg_dump from a snapshot this transaction exports, the head read in that same snapshot: the line
        printed is the newest entry in the dump, not one written while pg_dump ran."""
        with transaction.atomic(), connection.cursor() as cursor:
            # The first statement of the transaction: one snapshot for the head and for pg_dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT sequence, entry_hash FROM trail_trailentry ORDER BY sequence DESC LIMIT 1")
            row = cursor.fetchone()
            # The transaction stays open while pg_dump runs: an exported snapshot lives as long as it does.
            backup.pg_backup(settings_dict, target, snapshot=snapshot)
        return backup.TrailHead(*row) if row else None
