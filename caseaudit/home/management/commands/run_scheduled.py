"""The scheduled work as one job: run_deadlines then send_reports, by one server at a time.

Every app server may carry the same cron line or systemd timer. On PostgreSQL the job takes a session
advisory lock first: a second server starting while the first is still running finds the lock held and
exits at once, saying so. Correctness does not depend on the lock (each message and each report delivery
is claimed in a unique ledger row before it is sent, so even two runs at once send everything once); the
lock saves the duplicate work and keeps the log readable. SQLite means one server, so no lock is needed.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed 64-bit number, the same on every server: "CASEAUDT" in ASCII.
LOCK_KEY = 0x4341534541554454


class Command(BaseCommand):
    help = "Run run_deadlines and send_reports, unless another server is already running them."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self._run()
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                self.stdout.write("Another server is running the scheduled jobs: nothing to do.")
                return
            try:
                self._run()
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

    def _run(self) -> None:
        from caseaudit.imports.services.runs import fail_stale

        # An import whose process died (no heartbeat for two minutes) is marked failed and its upload deleted.
        for run_id in fail_stale():
            self.stdout.write(f"Import run {run_id} had stopped without finishing: marked failed, upload deleted.")
        call_command("run_deadlines", stdout=self.stdout, stderr=self.stderr)
        call_command("send_reports", stdout=self.stdout, stderr=self.stderr)
