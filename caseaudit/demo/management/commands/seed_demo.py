"""`caseaudit seed_demo`: the demo council that `make run` serves, or a scale council for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from caseaudit.audits.models import Audit
from caseaudit.demo import scale
from caseaudit.demo.audits import build_demo_audits
from caseaudit.demo.family import build_demo_family
from caseaudit.demo.imports import write_demo_files
from caseaudit.demo.improvement import build_demo_plans
from caseaudit.demo.learning import build_demo_learning
from caseaudit.demo.organisation import DEMO_PASSWORD, build_demo_council
from caseaudit.demo.reporting import build_demo_reports
from caseaudit.demo.two_factor import DEMO_TOTP_SECRET, demo_two_factor_give
from caseaudit.organisation.models import Child, Person, Team
from caseaudit.trail.bulk import recorded_in_bulk


class Command(BaseCommand):
    help = "Load the demo council (idempotent: running it again adds nothing) and print a login per role."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--scale",
            choices=["demo", "large", "stress"],
            default="demo",
            help="demo (default): the demo council; large: the largest council's 20 years (about 100,000 audits); "
            "stress: 1,000,000 audits. large and stress need PostgreSQL and an empty database.",
        )

    def handle(self, *args, **options):
        if options["scale"] != "demo":
            self._bulk(options["scale"], options["quiet_logins"])
            return
        today = timezone.localdate()
        # The demo is written in bulk, not by anyone: one summary entry in the change history names
        # every record it adds (decision 0082), so verify_audit_trail finds each one recorded.
        with transaction.atomic(), recorded_in_bulk("Demo council (caseaudit seed_demo)", sweep=True):
            logins = build_demo_council(today)
            two_step = demo_two_factor_give([login.email for login in logins])
            build_demo_audits(today)
            build_demo_plans(today)
            build_demo_learning(today)
            build_demo_family(today)  # before the published report, whose snapshot shows the families' answers
            build_demo_reports(today)
        self.stdout.write(
            f"Demo council ready: {Team.objects.count()} teams, {Person.objects.count()} staff, "
            f"{Child.objects.count()} children, {Audit.objects.count()} audits."
        )
        files = write_demo_files(today)
        self.stdout.write("Example files for Imports: " + ", ".join(str(path) for path in files))
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\nDemo logins (every one uses the password {DEMO_PASSWORD}):")
        width = max(len(login.role) for login in logins)
        for login in sorted(logins, key=lambda entry: entry.role):
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email:<42} {login.name} – {login.note}")
        if two_step:
            self.stdout.write(
                f"\nThe {len(two_step)} senior logins also ask for a 6-digit code after the password. "
                "Get it with `.venv/bin/caseaudit demo_otp EMAIL`, "
                f"or add the demo key {DEMO_TOTP_SECRET} to an authenticator app."
            )

    def _bulk(self, which: str, quiet: bool) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("--scale large and stress generate their data in PostgreSQL SQL: set DATABASE_URL.")
        if Audit.objects.exists() or Person.objects.exists():
            raise CommandError(
                "--scale needs an empty, migrated database (it builds its own council): "
                "create a new database, run `caseaudit migrate`, then this command."
            )
        size = {"large": scale.LARGE_AUDITS, "stress": scale.STRESS_AUDITS}[which]
        first_day, last_day = scale.data_span(timezone.localdate())
        self.stdout.write(f"Generating the {which} council: {size:,} audits from {first_day} to {last_day}")
        started = time.perf_counter()
        result = scale.generate(size, first_day, last_day)
        logins = scale.logins_ensure(DEMO_PASSWORD)
        # As for the demo council: the roles that must use two-step verification get the published demo key.
        two_step = demo_two_factor_give([email for _, email, _ in logins])
        elapsed = time.perf_counter() - started
        rows = ", ".join(f"{table.split('_', 1)[1]} {count:,}" for table, count in result["rows"].items())
        self.stdout.write(
            f"{which.capitalize()} council ready in {elapsed:.1f} s: {result['teams']} teams, {result['people']} staff, "
            f"{result['children']:,} children; {rows}; database {result['database_size']}."
        )
        if quiet:
            return
        self.stdout.write(f"\nLogins (every one uses the password {DEMO_PASSWORD}):")
        for role, email, name in logins:
            self.stdout.write(f"  {role:<16} {email:<42} {name}")
        if two_step:
            self.stdout.write(
                f"{', '.join(two_step)} also need a 6-digit code: `.venv/bin/caseaudit demo_otp EMAIL`, "
                f"or add the demo key {DEMO_TOTP_SECRET} to an authenticator app."
            )
