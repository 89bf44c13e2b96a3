from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from caseaudit.dataprotection import backup


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `caseaudit backup`, after checking it is an intact CaseAudit "
        "database. Stop the app first; --force restores into a database that is in use."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file")
        parser.add_argument("--force", action="store_true", help="Restore even though the database is in use")

    def handle(self, *args, **options):
        source = Path(options["path"])
        settings_dict = connection.settings_dict
        try:
            if connection.vendor == "sqlite":
                database = Path(settings_dict["NAME"])
                backup.sqlite_check(source)
                connection.close()  # our own connection must not count as "in use"
                if backup.sqlite_in_use(database) and not options["force"]:
                    raise CommandError(
                        f"{database} is in use (its -wal/-shm files exist): stop CaseAudit first, "
                        "or add --force to restore into the running database."
                    )
                head = backup.sqlite_restore(source, database)
            elif connection.vendor == "postgresql":
                backup.pg_check(source)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    )
                    others = cursor.fetchone()[0]
                connection.close()
                if others and not options["force"]:
                    raise CommandError(
                        f"{others} other connection(s) to the database are open: stop CaseAudit first, "
                        "or add --force to restore anyway."
                    )
                backup.pg_restore(settings_dict, source)
                head = None
            else:
                raise CommandError(f"Restoring a {connection.vendor} database is not supported.")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {source}. Run `caseaudit verify_audit_trail` to check the change history.")
        if head:
            self.stdout.write(f"The backup's change history ends at entry #{head.sequence} {head.entry_hash}")
