"""Pages under load: real gunicorn on PostgreSQL, loopback only (`make bench` runs it first).

For each data set (demo, large = 100,000 audits, stress = 1,000,000) it makes sure a benchmark
database holds that data (created, migrated and seeded once, then reused; --fresh rebuilds), starts two
gunicorn instances on two loopback ports against that one database, signs in as the QA administrator
through the real sign-in form, and for each page and each number of concurrent users (1, 10, 50)
sends requests round-robin across both ports for a fixed time, recording every latency and status.

Then, on the large data, 50 users mix reads with saves (recording audit activity through the real
form, CSRF and all) for --mixed-seconds, and the saves acknowledged with a redirect are counted in
the database afterwards: zero errors and zero lost writes is the target.

Finally bench/import_bench.py times the case-extract import (--no-import leaves it out) and its figures
are kept with the pages. Results go to bench/results.json under "load" (merged).

    .venv/bin/python bench/load_bench.py                       # demo, large, stress (about 15-20 minutes)
    .venv/bin/python bench/load_bench.py --datasets demo --seconds 3 --mixed-seconds 10   # smoke
"""

# ruff: noqa: S603 - the benchmark runs its own programs from .venv/bin with fixed arguments

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"
BIN = ROOT / ".venv" / "bin"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PORTS = (8101, 8102)
USERS = (1, 10, 50)
PASSWORD = "CaseAudit-demo-2026"  # noqa: S105 - the published demo password
# name -> (database, seed arguments, minimum audits that mark it as seeded, QA administrator's email)
DATASETS = {
    "demo": ("caseaudit_bench_demo", [], 100, "qa-admin@demo-borough.example"),
    "large": ("caseaudit_bench_large", ["--scale", "large"], 100_000, "qa-admin@largest-council.example"),
    "stress": ("caseaudit_bench_stress", ["--scale", "stress"], 1_000_000, "qa-admin@largest-council.example"),
}
# The two instances' shared cache (drawn charts, made PDFs): emptied before each data set is measured.
CACHE_TABLE = "caseaudit_cache"
# Each gunicorn instance's processes and threads (as `make run` serves; --workers/--threads change them).
WORKERS, THREADS = 2, 4
PAGES = ["home", "my audits", "audit page", "child page", "monitoring dashboard", "report page", "report PDF"]
LIST_DETAIL = ["home", "my audits", "audit page", "child page", "monitoring dashboard"]
TARGET_P95_MS = 150.0  # list and detail pages, large data, 10 users
TARGET_REPORT_MS = 1000.0
STRESS_FACTOR = 2.0


def url(dbname: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"


def admin():
    return psycopg.connect(**PG, dbname="postgres", autocommit=True)


def audits_in(dbname: str) -> int | None:
    try:
        with psycopg.connect(**PG, dbname=dbname) as conn:
            return conn.execute("SELECT count(*) FROM audits_audit").fetchone()[0]
    except psycopg.Error:
        return None


def ensure_dataset(name: str, fresh: bool) -> dict:
    dbname, seed_args, minimum, _ = DATASETS[name]
    env = {**os.environ, "DATABASE_URL": url(dbname), "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base"}
    have = audits_in(dbname)
    if not fresh and have is not None and have >= minimum:
        # New indexes and columns reach a reused database too.
        subprocess.run([BIN / "caseaudit", "migrate", "--noinput", "-v0"], env=env, check=True)
        print(f"  {name}: reusing {dbname} ({have:,} audits)", flush=True)
        return {"database": dbname, "audits": have, "seeded_now": False}
    with admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    subprocess.run([BIN / "caseaudit", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run([BIN / "caseaudit", "seed_demo", "--quiet-logins", *seed_args], env=env, check=True)
    seconds = round(time.perf_counter() - started, 1)
    print(f"  {name}: seeded {dbname} in {seconds} s", flush=True)
    return {"database": dbname, "audits": audits_in(dbname), "seeded_now": True, "seed_seconds": seconds}


class Servers:
    """Two gunicorn instances on one database: stateless app servers behind a (here: client-side) balancer."""

    def __init__(self, dbname: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": url(dbname),
            "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base",
            "LOG_LEVEL": "ERROR",
            "DEBUG": "false",
            # Several app servers share one cache (docs/deployment.md): here a table on the one database.
            "CASEAUDIT_CACHE_URL": f"db://{CACHE_TABLE}",
        }
        self.procs: list[subprocess.Popen] = []

    def __enter__(self):
        # A fresh cache: every chart and PDF is made once during the run, not carried over from the last.
        subprocess.run([BIN / "caseaudit", "createcachetable"], env=self.env, check=True)
        subprocess.run(
            [BIN / "caseaudit", "shell", "-c", "from django.core.cache import cache; cache.clear()"],
            env=self.env,
            check=True,
        )
        for port in PORTS:
            self.procs.append(
                subprocess.Popen(
                    [
                        BIN / "gunicorn",
                        "caseaudit.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(WORKERS),
                        "--threads",
                        str(THREADS),
                        "--log-level",
                        "warning",
                        "--timeout",
                        "120",
                    ],
                    env=self.env,
                    cwd=ROOT,
                    start_new_session=True,
                )
            )
        for port in PORTS:
            for _ in range(100):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    c.request("GET", "/account/sign-in")
                    c.getresponse().read()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"gunicorn did not start on port {port}")
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still finishing slow requests (PDFs): the run is over anyway
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


class Browser:
    """One signed-in person's cookies over keep-alive connections (stdlib: no client library needed)."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = dict(cookies or {})
        self.conns: dict[int, http.client.HTTPConnection] = {}

    def request(self, port: int, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        started = time.perf_counter()
        for attempt in (1, 2):
            conn = self.conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            self.conns[port] = conn
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.conns.pop(port, None)
                if attempt == 2:
                    return 0, b"", (time.perf_counter() - started) * 1000
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content, elapsed

    def csrf(self, content: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if not match:
            raise RuntimeError("no CSRF token on the page")
        return match.group(1).decode()


def demo_second_step(dbname: str, email: str) -> str:
    """Give a demo login that needs two-step verification the published demo key (idempotent, as seed_demo does
    for the demo council) and return its current code, in a child process (this script has no Django set-up)."""
    env = {**os.environ, "DATABASE_URL": url(dbname), "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base"}
    script = f"""
import django; django.setup()
from django_otp.plugins.otp_totp.models import TOTPDevice
from caseaudit.demo.two_factor import demo_code, demo_two_factor_give
demo_two_factor_give([{email!r}])
device = TOTPDevice.objects.filter(user__email={email!r}, confirmed=True).first()
print(demo_code(device) if device else "")
"""
    done = subprocess.run([BIN / "python", "-c", script], env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout.strip()


def sign_in(email: str, dbname: str) -> dict[str, str]:
    """The real sign-in form, then the two-step code page for the roles that need it (QA administrators)."""
    code = demo_second_step(dbname, email)
    browser = Browser()
    status, content, _ = browser.request(PORTS[0], "GET", "/account/sign-in")
    token = browser.csrf(content)
    status, _, _ = browser.request(
        PORTS[0],
        "POST",
        "/account/sign-in",
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
    )
    if status != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(f"could not sign in as {email} (status {status})")
    if code:
        status, content, _ = browser.request(PORTS[0], "GET", "/account/two-step?next=/")
        status, _, _ = browser.request(
            PORTS[0],
            "POST",
            "/account/two-step",
            {"csrfmiddlewaretoken": browser.csrf(content), "code": code, "next": "/"},
        )
        if status != 302:
            raise RuntimeError(f"the two-step code for {email} was refused (status {status})")
    status, _, _ = browser.request(PORTS[0], "GET", "/")
    if status != 200:
        raise RuntimeError(
            f"signed in as {email}, but the home page answered {status}: every figure would be a redirect"
        )
    return browser.cookies


def pages_for(audit_id: int, child_id: int, fy_day: datetime.date) -> dict[str, str]:
    """The benchmark's pages (also bench/page_timings.py's): an audit, its child, and the year containing fy_day."""
    report = "/reports/?" + urlencode({"kind": "year", "day": fy_day.strftime("%d/%m/%Y")})
    return {
        "home": "/",
        "my audits": "/audits/mine/",
        "audit page": f"/audits/{audit_id}/",
        "child page": f"/children/{child_id}/",
        "monitoring dashboard": "/improvement/",
        "report page": report,
        "report PDF": report + "&format=pdf",
    }


def page_paths(dbname: str, fy_day: datetime.date) -> dict[str, str]:
    with psycopg.connect(**PG, dbname=dbname) as conn:
        audit_id, child_id = conn.execute(
            "SELECT a.id, a.child_id FROM audits_audit a WHERE a.status = 'shared' ORDER BY a.audit_date DESC, a.id"
            " LIMIT 1"
        ).fetchone()
    return pages_for(audit_id, child_id, fy_day)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def hammer(cookies: dict, users: int, seconds: float, work) -> dict:
    """`users` threads each calling work(browser, port) until the time is up; statuses and latencies."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(n: int) -> None:
        browser = Browser(cookies)
        turn = n
        while time.perf_counter() < deadline:
            port = PORTS[turn % len(PORTS)]
            turn += 1
            for status, ms in work(browser, port, n):
                with lock:
                    latencies.append(ms)
                    statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def measure_pages(name: str, seconds: float, users_levels: tuple[int, ...], pages: list[str]) -> dict:
    dbname, _, _, email = DATASETS[name]
    fy_day = datetime.date(datetime.date.today().year - 1, 6, 1)
    paths = page_paths(dbname, fy_day)
    out = {}
    with Servers(dbname):
        cookies = sign_in(email, dbname)
        for page in pages:
            path = paths[page]
            # Warm each worker's caches (templates, first connection) so the figures are steady-state.
            warm = Browser(cookies)
            first = None
            for port in PORTS:
                for _ in range(2):
                    status, _, ms = warm.request(port, "GET", path)
                    first = ms if first is None else first
            # The first request drew the charts or made the PDF for everyone after it (the shared cache): its
            # time is what the first person to open a new period waits.
            out[page] = {"path": path, "first_request_ms": round(first, 1)}
            print(f"  {name:<7} {page:<21} first request (nothing cached) {first:8.1f} ms", flush=True)
            for users in users_levels:
                duration = seconds
                result = hammer(cookies, users, duration, lambda b, port, n, p=path: [b.request(port, "GET", p)[::2]])
                out[page][str(users)] = result
                print(
                    f"  {name:<7} {page:<21} {users:>3} users  p50 {result['p50_ms']:>8} ms  p95 {result['p95_ms']:>8} ms"
                    f"  {result['per_second']:>6}/s  {result['statuses']}",
                    flush=True,
                )
    return out


def mixed_load(seconds: float, users: int) -> dict:
    """Reads and saves at once; every acknowledged save must be in the database afterwards."""
    dbname, _, _, _ = DATASETS["large"]
    auditor_email = "auditor@largest-council.example"
    # Open one draft audit per user for the auditor, through the app's own service (in a child process, so this
    # script needs no Django set-up of its own).
    env = {**os.environ, "DATABASE_URL": url(dbname), "DJANGO_SETTINGS_MODULE": "caseaudit.settings.base"}
    script = f"""
import django; django.setup()
from caseaudit.audits.models import Audit, ToolVersion
from caseaudit.audits.services.lifecycle import audit_open
from caseaudit.organisation.models import Child, Person
auditor = Person.objects.get(email={auditor_email!r})
have = list(Audit.objects.filter(auditor=auditor, status="draft").values_list("pk", flat=True)[:{users}])
version = ToolVersion.objects.filter(tool__kind="case_file").order_by("-pk").first()
for child in Child.objects.exclude(audits__status="draft").order_by("pk")[: {users} - len(have)]:
    have.append(audit_open(child=child, auditor=auditor, tool_version=version, due_on=None).pk)
print(",".join(map(str, have)))
"""
    drafts = [
        int(x)
        for x in subprocess.run([BIN / "python", "-c", script], env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .split(",")
    ]
    marker = f"bench-load-{int(time.time())}"
    acknowledged: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    with Servers(dbname):
        cookies = sign_in(auditor_email, dbname)
        admin_cookies = sign_in("qa-admin@largest-council.example", dbname)
        paths = page_paths(dbname, datetime.date(datetime.date.today().year - 1, 6, 1))

        def work(browser: Browser, port: int, n: int):
            audit = drafts[n % len(drafts)]
            results = []
            if n % 2:  # half the users read (as the QA administrator would)
                reader = Browser(admin_cookies) if not hasattr(browser, "reader") else browser.reader
                browser.reader = reader
                for page in ("home", "audit page", "monitoring dashboard"):
                    status, _, ms = reader.request(port, "GET", paths[page])
                    results.append((status, ms))
                    if status != 200:
                        with lock:
                            failures.append(f"GET {page}: {status}")
                return results
            status, content, ms = browser.request(port, "GET", f"/audits/{audit}/activities/new")
            results.append((status, ms))
            if status != 200:
                with lock:
                    failures.append(f"GET activity form: {status}")
                return results
            note = f"{marker}-{next(counter)}"
            status, _, ms = browser.request(
                port,
                "POST",
                f"/audits/{audit}/activities/new",
                {
                    "csrfmiddlewaretoken": browser.csrf(content),
                    "kind": "file_review",
                    "happened_on": datetime.date.today().strftime("%d/%m/%Y"),
                    "notes": note,
                    "family_words": "",
                },
            )
            results.append((status, ms))
            with lock:
                if status == 302:
                    acknowledged.append(note)
                else:
                    failures.append(f"POST activity: {status}")
            return results

        result = hammer(cookies, users, seconds, work)
    with psycopg.connect(**PG, dbname=dbname) as conn:
        stored = {
            row[0]
            for row in conn.execute("SELECT notes FROM audits_activity WHERE notes LIKE %s", [marker + "-%"]).fetchall()
        }
    lost = [note for note in acknowledged if note not in stored]
    result.update(
        {
            "users": users,
            "seconds": seconds,
            "saves_acknowledged": len(acknowledged),
            "saves_in_database": len(stored),
            "lost_writes": len(lost),
            "errors": len(failures),
            "error_examples": failures[:5],
        }
    )
    print(
        f"  mixed   {users} users {seconds:.0f} s: {result['requests']} requests, p50 {result['p50_ms']} ms,"
        f" p95 {result['p95_ms']} ms; saves acknowledged {len(acknowledged)}, in the database {len(stored)},"
        f" lost {len(lost)}, errors {len(failures)}",
        flush=True,
    )
    return result


# ----------------------------------------------------------------------------- the case-extract import
def import_figures() -> dict | None:
    """The case-extract import (`caseaudit import_cases FILE`), benchmarked by bench/import_bench.py in its own
    process. That script prints its table and writes its figures to results.json under "import"; they are
    read back from there and kept beside the pages."""
    done = subprocess.run([BIN / "python", BENCH / "import_bench.py"], cwd=ROOT, capture_output=True, text=True)
    print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        return {"error": f"import_bench.py exited {done.returncode}", "stderr": done.stderr[-2000:]}
    return json.loads(RESULTS.read_text()).get("import", {}).get("postgresql")


# ----------------------------------------------------------------------------- verdicts and output
def verdicts(pages: dict) -> dict:
    out = {}
    large, stress = pages.get("large"), pages.get("stress")
    # A run of some pages or some numbers of users judges only what it measured.
    at_10 = {p: by["10"]["p95_ms"] for p, by in (large or {}).items() if "10" in by}
    if all(p in at_10 for p in LIST_DETAIL):
        out["large_list_detail_p95_10_users_under_150ms"] = all(at_10[p] < TARGET_P95_MS for p in LIST_DETAIL)
    if "report page" in at_10:
        out["large_report_page_p95_10_users_under_1s"] = at_10["report page"] < TARGET_REPORT_MS
    if at_10 and stress:
        out["stress_within_2x_of_large_10_users"] = {
            p: round(stress[p]["10"]["p95_ms"] / max(at_10[p], 0.1), 2)
            for p in PAGES
            if p in at_10 and "10" in stress.get(p, {})
        }
    return out


def print_table(pages: dict, users_levels: tuple[int, ...]) -> None:
    head = f"{'data':<7} {'page':<21}" + "".join(f" {f'{u} users p50/p95 ms':>24}" for u in users_levels)
    print("\n" + head + "\n" + "-" * len(head))
    for name, by_page in pages.items():
        for page in [p for p in PAGES if p in by_page]:
            cells = "".join(
                f" {by_page[page][str(u)]['p50_ms']:>11}/{by_page[page][str(u)]['p95_ms']:<11}" for u in users_levels
            )
            print(f"{name:<7} {page:<21}{cells}")


def machine() -> dict:
    with admin() as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "postgresql": version,
        "gunicorn": f"2 instances (ports {PORTS[0]}, {PORTS[1]}) x {WORKERS} workers x {THREADS} threads, one database",
    }


def save(data: dict, pages: dict, mixed: dict | None, imported: dict | None, checks: dict, started: float) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous = results.get("load", {})
    results["load"] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": {**previous.get("data", {}), **data},
        "pages": {**previous.get("pages", {}), **pages},
        "mixed": mixed or previous.get("mixed"),
        "import": imported if imported is not None else previous.get("import"),
        "checks": checks or previous.get("checks", {}),
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="demo,large,stress")
    parser.add_argument("--users", default=",".join(map(str, USERS)))
    parser.add_argument("--seconds", type=float, default=6.0, help="per page and number of users")
    parser.add_argument("--mixed-seconds", type=float, default=120.0)
    parser.add_argument("--mixed-users", type=int, default=50)
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark databases")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark databases afterwards")
    parser.add_argument("--pages", default=",".join(PAGES), help="a comma-separated subset of the pages")
    parser.add_argument("--no-import", action="store_true", help="leave out the import benchmark")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes per instance")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    args = parser.parse_args(argv)
    global WORKERS, THREADS
    WORKERS, THREADS = args.workers, args.threads
    chosen = [p for p in PAGES if p in args.pages.split(",")]
    names = [n for n in args.datasets.split(",") if n]
    users_levels = tuple(int(u) for u in args.users.split(","))
    started = time.perf_counter()
    print("Data sets:", flush=True)
    data = {name: ensure_dataset(name, args.fresh) for name in names}
    print("Pages (two gunicorn instances, round-robin):", flush=True)
    pages = {}
    for name in names:
        pages[name] = measure_pages(name, args.seconds, users_levels, chosen)
        save(data, pages, None, None, {}, started)  # a partial run still leaves its figures
    print_table(pages, users_levels)
    mixed = None
    if "large" in names and args.mixed_seconds > 0:
        print("\nReads and saves at once (large data):", flush=True)
        mixed = mixed_load(args.mixed_seconds, args.mixed_users)
    imported = None
    if not args.no_import:
        print("\nImport:", flush=True)
        imported = import_figures()
    checks = verdicts(pages)
    if mixed:
        checks["mixed_zero_errors"] = mixed["errors"] == 0
        checks["mixed_zero_lost_writes"] = mixed["lost_writes"] == 0
    print("\nTargets:", json.dumps(checks, indent=1))
    save(data, pages, mixed, imported, checks, started)
    if args.drop:
        with admin() as conn:
            for name in names:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATASETS[name][0]))
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
