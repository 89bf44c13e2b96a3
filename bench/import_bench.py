"""Benchmark of the case extract import (`make bench`).

Builds a council (5 service areas, 30 teams, 330 workers) in a fresh benchmark
database, writes an LCS-shaped CSV of 100,000 children, then times the real
command `caseaudit import_cases FILE --commit` in its own process, four ways:

1. dry run of the new file (checks every row, writes nothing);
2. first import (100,000 children created);
3. the same file again (every row unchanged: nothing written);
4. a file where 10% of the children changed team, worker or closed.

For each it prints rows per second (whole command: start-up, reading,
checking and writing) and the process's peak resident memory (ru_maxrss from
wait4), checks the database holds what the file says, and writes
bench/results.json (key "import", merged). Targets: 20,000 rows/s and 300 MB.

    .venv/bin/python bench/import_bench.py                       # PostgreSQL, 100,000 rows
    .venv/bin/python bench/import_bench.py --sqlite              # the embedded default
    .venv/bin/python bench/import_bench.py --rows 10000          # smoke check
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseaudit_bench_import"
RATE_TARGET = 20_000
MEMORY_TARGET_MB = 300
AREAS, TEAMS_PER_AREA, WORKERS_PER_TEAM = 5, 6, 11
HEADINGS = ["Person ID", "Forename", "Surname", "Date of Birth", "Case Status", "Allocated Team", "Service",
            "Allocated Worker", "Case Start Date", "Case End Date"]  # fmt: skip
STATUSES = ["CIN", "CP", "LAC", "Care Leaver", "Early Help"]


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name}: a benchmark database's name must contain 'bench'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(env: dict, *args: str) -> tuple[float, float, str]:
    """Run the real command in its own process: (seconds, peak resident memory in MB, what it printed)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(ROOT / ".venv/bin/caseaudit"), *args], env=env, stdout=out, stderr=err)  # noqa: S603
        # wait4, not wait(): it gives this child's own peak memory (Linux reports ru_maxrss in KB).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed = out.read().decode()
        if process.returncode != 0:
            sys.exit(f"caseaudit {' '.join(args)} failed ({process.returncode}):\n{printed}\n{err.read().decode()}")
    return seconds, usage.ru_maxrss / 1024, printed


def build_council(env: dict) -> list[tuple[str, str, list[str]]]:
    """Areas, teams and workers through the ORM; returns (area, team, worker emails)."""
    script = f"""
import django; django.setup()
from caseaudit.organisation.models import ServiceArea, Team, Person, PersonRole
teams = []
for a in range({AREAS}):
    area = ServiceArea.objects.create(name=f"Area {{a + 1}}")
    for t in range({TEAMS_PER_AREA}):
        team = Team.objects.create(name=f"Team {{a + 1}}.{{t + 1}}", service_area=area)
        for w in range({WORKERS_PER_TEAM}):
            p = Person.objects.create(email=f"w{{a}}-{{t}}-{{w}}@bench.example", full_name=f"Worker {{a}} {{t}} {{w}}", team=team)
            PersonRole.objects.create(person=p, role="social_worker")
"""
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", script], env=env, check=True, cwd=ROOT)  # noqa: S603
    return [
        (f"Area {a + 1}", f"Team {a + 1}.{t + 1}", [f"w{a}-{t}-{w}@bench.example" for w in range(WORKERS_PER_TEAM)])
        for a in range(AREAS)
        for t in range(TEAMS_PER_AREA)
    ]


def write_extract(path: Path, rows: int, teams, rng: random.Random, changed_from: list[list[str]] | None = None):
    today = datetime.date.today()
    if changed_from is None:
        data = []
        for n in range(rows):
            area, team, workers = rng.choice(teams)
            born = today - datetime.timedelta(days=rng.randint(100, 6500))
            opened = today - datetime.timedelta(days=rng.randint(30, 3000))
            closed = (opened + datetime.timedelta(days=rng.randint(1, 29))).strftime("%d/%m/%Y") if n % 50 == 0 else ""
            data.append([f"LCS{n:07d}", f"First{n}", f"Surname{n % 997}", born.isoformat(), rng.choice(STATUSES),
                         team, area, rng.choice(workers), opened.strftime("%d/%m/%Y"), closed])  # fmt: skip
    else:
        data = [list(row) for row in changed_from]
        for row in rng.sample(data, len(data) // 10):
            area, team, workers = rng.choice(teams)
            row[5], row[6], row[7] = team, area, rng.choice(workers)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        writer.writerows(data)
    return data


def count_children(env: dict) -> int:
    script = (
        "import django; django.setup()\nfrom caseaudit.organisation.models import Child; print(Child.objects.count())"
    )
    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", script], env=env, check=True, capture_output=True)  # noqa: S603
    return int(out.stdout.decode().strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="Use a throwaway SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="caseaudit-import-bench-"))
    if args.sqlite:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        engine = "SQLite"
    else:
        url = args.database_url
        fresh_database(url)
        engine = "PostgreSQL"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base",
        "DATABASE_URL": url,
        "CASEAUDIT_VAR_DIR": str(workdir),
    }
    print(f"Import benchmark: {args.rows:,} rows on {engine} ({platform.node()}, {os.cpu_count()} cores)")
    subprocess.run([str(ROOT / ".venv/bin/caseaudit"), "migrate", "-v0"], env=env, check=True)  # noqa: S603
    rng = random.Random(2026)  # noqa: S311 (benchmark data, not security)
    teams = build_council(env)
    first = workdir / "extract.csv"
    data = write_extract(first, args.rows, teams, rng)
    changed = workdir / "extract-changed.csv"
    write_extract(changed, args.rows, teams, rng, changed_from=data)
    size_mb = first.stat().st_size / (1024 * 1024)

    results = []
    for label, path, extra, expect in [
        ("dry run, new file", first, [], 0),
        ("first import (all created)", first, ["--commit"], args.rows),
        ("same file again (no change)", first, ["--commit"], args.rows),
        ("10% changed", changed, ["--commit"], args.rows),
    ]:
        seconds, peak_mb, out = timed(env, "import_cases", str(path), "--profile", "lcs", *extra)
        children = count_children(env)
        if children != expect:
            sys.exit(f"{label}: the database holds {children} children, expected {expect}\n{out}")
        rate = args.rows / seconds
        results.append({"case": label, "seconds": round(seconds, 2), "rows_per_second": round(rate),
                        "peak_memory_mb": round(peak_mb, 1), "summary": out.strip().splitlines()[1:4]})  # fmt: skip
        ok = rate >= RATE_TARGET and peak_mb < MEMORY_TARGET_MB
        print(
            f"  {label:<30} {seconds:6.2f} s  {rate:>9,.0f} rows/s  peak {peak_mb:6.1f} MB  {'ok' if ok else 'MISSED'}"
        )
    print(f"File: {size_mb:.1f} MB. Targets: {RATE_TARGET:,} rows/s, under {MEMORY_TARGET_MB} MB peak.")

    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored.setdefault("import", {})[engine.lower()] = {
        "measured_at": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "runs": results,
    }
    RESULTS.write_text(json.dumps(stored, indent=2) + "\n")
    if not args.sqlite:
        fresh_database(url)  # leave nothing large behind


if __name__ == "__main__":
    main()
