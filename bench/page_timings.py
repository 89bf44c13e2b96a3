"""Single-request timings of the benchmark's pages, in-process (Django's test client), with query counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseaudit_perf_large \
        .venv/bin/python bench/page_timings.py [--runs 7] [--pages "monitoring dashboard,report page"]
        [--profile "report page"]   # needs pyinstrument (not a requirement: pip install it by hand)

Signs in as the QA administrator of the scale data (force_login plus django-otp's session key, as
tests/otp.py does), requests each page once to warm up, then --runs times, and prints the median, the
minimum and the maximum in milliseconds and the number of SQL queries of the last run. The pages and the
report period are those of bench/load_bench.py. Against the database in DATABASE_URL only.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings.base")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from caseaudit.audits.models import Audit  # noqa: E402
from caseaudit.organisation.models import Person  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_bench import pages_for  # noqa: E402

EMAIL = "qa-admin@largest-council.example"


def paths() -> dict[str, str]:
    audit = Audit.objects.filter(status="shared").order_by("-audit_date", "pk").values("pk", "child_id").first()
    return pages_for(audit["pk"], audit["child_id"], datetime.date(datetime.date.today().year - 1, 6, 1))


def client() -> Client:
    person = Person.objects.get(email=EMAIL)
    browser = Client()
    browser.force_login(person)
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name="page_timings", confirmed=True)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", default="home,my audits,audit page,child page,monitoring dashboard,report page")
    parser.add_argument("--profile", default="")
    args = parser.parse_args(argv)
    browser = client()
    every = paths()
    print(
        f"{'page':24} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>8} {'app CPU ms':>11}  (runs={args.runs}, {connection.vendor})"
    )
    for name in [p.strip() for p in args.pages.split(",") if p.strip()]:
        path = every[name]
        response = browser.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        times, cpu = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = browser.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {response.status_code}")
        print(
            f"{name:24} {statistics.median(times):10.1f} {min(times):8.1f} {max(times):8.1f} {len(queries):8d} {statistics.median(cpu):11.1f}",
            flush=True,
        )
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        with profiler:
            browser.get(every[args.profile])
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
