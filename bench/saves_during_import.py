"""Saves during a historic audit import, beside the same saves without one (`make bench`, decision 0082).

Issue 43: a 20,000-row historic import held the change history's lock for its whole transaction, so a
save of an audit activity elsewhere in the council waited 31 s, another over 60 s. Now an import's
history is one summary entry appended as its transaction ends. This script, on PostgreSQL:

1. drops and creates a benchmark database (its name must contain "bench"), runs the migrations and
   builds a small council: one draft audit per saver through the services (with their history), and
   the children the import file names;
2. writes a historic audits CSV for those children (--rows, default 2,000: under a minute of writing on a
   2-core machine, to keep `make bench` short; `--rows 20000` is the issue's size);
3. runs --savers threads, each on its own connection, each recording an audit activity with the real
   service (`caseaudit.audits.services.lifecycle.activity_record`) every --pause seconds: first for
   --seconds with nothing else running, then while the real command `caseaudit import_audits FILE
   --commit` runs in its own process. A save counts as "during the import" when it started after the
   command printed "Saving…" (every row checked, its transaction about to open) and before it exited;
4. prints p50 / p95 / max of each, checks that every save is in the database, writes bench/results.json
   ("saves_during_import", merged) and drops the database.

    .venv/bin/python bench/saves_during_import.py                     # 2,000 rows, 4 savers
    .venv/bin/python bench/saves_during_import.py --rows 20000        # the issue's import
    .venv/bin/python bench/saves_during_import.py --rows 1000 --seconds 5   # smoke check
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseaudit_bench_saves"
TARGET_MS = 1000.0  # issue 43: saves made during a 20,000-row import stay under one second
CHILDREN = 2000
HEAD = ["audit_ref", "child_id", "audit_date", "audit_kind", "overall_grade", "activities"]


def fresh_database(url: str, *, create: bool = True) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in name:
        sys.exit(
            f"Refusing to use {url!r}: the benchmark drops its database, so it must be PostgreSQL and named *bench*"
        )
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def build_council(savers: int):
    """(the draft audits the savers write to, their auditor, the children's case IDs)."""
    from django.db import transaction

    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.organisation.models import Child, Person, PersonRole, ServiceArea, Team
    from caseaudit.trail.bulk import recorded_in_bulk

    version = standard_tools_ensure()[0].current_version
    area = ServiceArea.objects.create(name="Bench area")
    team = Team.objects.create(name="Bench team", service_area=area)
    auditor = Person.objects.create(email="auditor@bench.example", full_name="Bench Auditor")
    PersonRole.objects.create(person=auditor, role="auditor")
    opened = datetime.date(2015, 1, 5)
    with transaction.atomic(), recorded_in_bulk("Benchmark council (bench/saves_during_import.py)", sweep=True):
        Child.objects.bulk_create(
            Child(case_id=f"B{n:05d}", name=f"Child {n}", legal_status="child_in_need", team=team, opened_on=opened)
            for n in range(CHILDREN)
        )
    children = list(Child.objects.order_by("pk"))
    audits = [audit_open(child=children[n], auditor=auditor, tool_version=version, due_on=None) for n in range(savers)]
    return audits, auditor, [c.case_id for c in children]


def write_file(path: Path, rows: int, case_ids: list[str], rng: random.Random) -> None:
    grades = ["Outstanding", "Good", "Requires improvement"]
    first = datetime.date(2016, 4, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEAD)
        for n in range(rows):
            day = first + datetime.timedelta(days=rng.randrange(3000))
            writer.writerow([f"H{n:06d}", case_ids[n % len(case_ids)], day.strftime("%d/%m/%Y"), "case file",
                             rng.choice(grades), rng.randint(1, 3)])  # fmt: skip


class Savers:
    """Threads each recording an activity on its own audit, every `pause` seconds, until stopped."""

    def __init__(self, audits, auditor, pause: float) -> None:
        self.audits, self.auditor, self.pause = audits, auditor, pause
        self.saves: list[tuple[float, float]] = []  # (started, seconds)
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _save_loop(self, n: int) -> None:
        from django.db import connections
        from django.utils import timezone

        from caseaudit.audits.models import ActivityKind
        from caseaudit.audits.services.lifecycle import activity_record

        audit, count = self.audits[n], 0
        try:
            while not self._stop.is_set():
                count += 1
                started = time.perf_counter()
                try:
                    activity_record(audit=audit, by=self.auditor, kind=ActivityKind.FILE_REVIEW,
                                    happened_on=timezone.localdate(), notes=f"bench saver {n} save {count}")  # fmt: skip
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    self.errors.append(repr(exc))
                    continue
                with self._lock:
                    self.saves.append((started, time.perf_counter() - started))
                self._stop.wait(self.pause)
        finally:
            connections.close_all()

    def run(self, until) -> None:
        self._stop.clear()
        threads = [threading.Thread(target=self._save_loop, args=(n,)) for n in range(len(self.audits))]
        for thread in threads:
            thread.start()
        try:
            until()
        finally:
            self._stop.set()
            for thread in threads:
                thread.join()


def summary(saves: list[tuple[float, float]]) -> dict:
    ms = sorted(seconds * 1000 for _, seconds in saves)
    if not ms:
        return {"saves": 0}
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"saves": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ms[-1], 1)}  # fmt: skip


def import_while_saving(savers: Savers, path: Path, env: dict) -> dict:
    marks: dict[str, float] = {}
    printed: list[str] = []
    outcome: list[str] = []

    def until() -> None:
        marks["started"] = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/caseaudit"), "import_audits", str(path), "--commit"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for line in process.stderr:
            printed.append(line.rstrip())
            if line.startswith("Saving") and "writing" not in marks:
                marks["writing"] = time.perf_counter()
        out = process.stdout.read()
        process.wait()
        marks["exited"] = time.perf_counter()
        if process.returncode != 0 or "writing" not in marks:
            sys.exit(f"The import failed ({process.returncode}) or never began writing:\n{out}\n" + "\n".join(printed))
        outcome.append(out.strip().splitlines()[0])
        time.sleep(0.5)  # a few saves after the commit too

    savers.run(until)
    during = [(s, d) for s, d in savers.saves if marks["writing"] <= s <= marks["exited"]]
    return {
        **summary(during),
        "import_seconds": round(marks["exited"] - marks["started"], 1),
        "writing_seconds": round(marks["exited"] - marks["writing"], 1),
        "import_printed": outcome[0],
    }


def machine(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())  # fmt: skip
    return {"host": platform.node(), "cpu": cpu, "cpus": os.cpu_count(), "postgresql": version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000, help="rows in the historic import (a multiple of 1,000)")
    parser.add_argument("--savers", type=int, default=4, help="threads saving activities")
    parser.add_argument("--pause", type=float, default=0.1, help="seconds each saver waits between saves")
    parser.add_argument("--seconds", type=float, default=10, help="how long the saves without an import run")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SAVES_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if args.rows % 1000:
        sys.exit("--rows must be a multiple of 1,000: the command prints 'Saving…' when its last thousand is checked")
    started = time.perf_counter()
    url = args.database_url
    fresh_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="caseaudit-saves-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base", "DATABASE_URL": url,
           "CASEAUDIT_VAR_DIR": str(workdir)}  # fmt: skip
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    audits, auditor, case_ids = build_council(args.savers)
    path = workdir / "historic.csv"
    write_file(path, args.rows, case_ids, random.Random(2026))  # noqa: S311 (benchmark data)
    print(f"Saves during an import: {args.savers} savers, one save each {args.pause} s per saver; "
          f"a historic import of {args.rows:,} rows; PostgreSQL ({platform.node()}, {os.cpu_count()} cores)")  # fmt: skip

    savers = Savers(audits, auditor, args.pause)
    savers.run(lambda: time.sleep(args.seconds))
    quiet = summary(savers.saves)
    acknowledged = len(savers.saves)
    savers.saves = []
    during = import_while_saving(savers, path, env)
    acknowledged += len(savers.saves)

    from caseaudit.audits.models import Activity

    stored = Activity.objects.filter(audit__in=audits).count()
    met = during.get("p95_ms", float("inf")) < TARGET_MS
    for label, figures in (("without an import", quiet), ("during the import", during)):
        print(f"  {label:<18} {figures['saves']:>5} saves  p50 {figures.get('p50_ms', 0):>8,.1f} ms  "
              f"p95 {figures.get('p95_ms', 0):>8,.1f} ms  max {figures.get('max_ms', 0):>8,.1f} ms")  # fmt: skip
    print(f"  the import: {during['import_printed']} in {during['import_seconds']} s, "
          f"{during['writing_seconds']} s of it writing in its transaction")  # fmt: skip
    print(f"  saves acknowledged {acknowledged}, in the database {stored}; errors {len(savers.errors)}")
    print(f"Target: p95 of saves during the import under {TARGET_MS:,.0f} ms: {'met' if met else 'MISSED'}")

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["saves_during_import"] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(url),
        "rows": args.rows,
        "savers": args.savers,
        "pause_seconds": args.pause,
        "without_import": quiet,
        "during_import": during,
        "acknowledged": acknowledged,
        "stored": stored,
        "errors": savers.errors[:20],
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")
    from django.db import connections

    connections.close_all()
    fresh_database(url, create=False)
    if stored != acknowledged or savers.errors:
        sys.exit("Saves were lost or failed")


if __name__ == "__main__":
    main()
