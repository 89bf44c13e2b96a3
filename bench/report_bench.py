"""Benchmark of the period report on PostgreSQL (`make bench`).

For each size (default 100,000 audits, the largest council's 20 years, and a
1,000,000-audit stress database) it:

1. drops and creates a benchmark database (its name must contain "bench") and
   runs the migrations;
2. builds the organisation and the standard tools through the ORM, then the
   audits, section judgements, activities and improvement plans with set-based
   SQL (INSERT ... SELECT FROM generate_series), every CHECK constraint intact;
3. runs VACUUM ANALYZE;
4. for one financial year and the whole 20 years, times the report's figures
   (`audit_figures`, and `improvement_figures`) against a hand-written SQL
   aggregate computing the same numbers: median of 5 runs after a warm-up,
   runs interleaved; counts the queries; checks the numbers are equal (and
   stops with the difference if not); takes EXPLAIN ANALYZE of every query;
5. prints the table and writes bench/results.json (key "report", merged).

    .venv/bin/python bench/report_bench.py                  # 100,000 and 1,000,000
    .venv/bin/python bench/report_bench.py --quick          # 10,000 only (smoke check)
    .venv/bin/python bench/report_bench.py --sizes 100000 --explain
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The generator is shared with `seed_demo --scale` (it imports Django only inside its functions).
from caseaudit.demo.scale import GRADE_NAMES, GRADES, YEARS, data_span, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseaudit_bench"
DEFAULT_SIZES = [100_000, 1_000_000]
QUICK_SIZES = [10_000]
LARGE_COUNCIL = 100_000  # the size the 1 s target applies to
RUNS = 5
RATIO_TARGET = 1.5
TIME_TARGET_MS = 1000.0


# --------------------------------------------------------------------------- set-up


def configure(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in name:
        sys.exit(
            f"Refusing to use {url!r}: the benchmark drops its database, so it must be PostgreSQL and named *bench*."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "caseaudit.settings.base"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --------------------------------------------------------------------------- the hand-written SQL

CASE_FILE = "a.kind IN ('case_file', 're_audit') AND a.status IN ('finalised', 'shared') AND a.audit_date BETWEEN %(start)s AND %(end)s"

RAW_AUDITS = """
SELECT count(*) FILTER (WHERE a.kind <> 'themed') AS total,
       count(*) FILTER (WHERE a.kind = 'case_file') AS new,
       count(*) FILTER (WHERE a.kind = 're_audit') AS re_audits,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.final_grade = 'outstanding') AS outstanding,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.final_grade = 'good') AS good,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.final_grade = 'requires_improvement') AS requires_improvement,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.final_grade = 'inadequate') AS inadequate,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.final_grade = 'inadequate' AND a.is_critical) AS critical,
       count(*) FILTER (WHERE a.kind = 're_audit' AND a.final_grade = 'inadequate'
                        AND f.final_grade = 'inadequate') AS repeat,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.moderated_overall_grade <> '') AS moderated,
       count(*) FILTER (WHERE a.kind <> 'themed' AND a.moderated_overall_grade <> ''
                        AND a.moderated_overall_grade <> a.overall_grade) AS changed,
       count(DISTINCT a.programme_id) FILTER (WHERE a.kind = 'themed') AS themed,
       count(DISTINCT a.child_id) FILTER (WHERE a.kind = 'themed') AS themed_children
FROM audits_audit a LEFT JOIN audits_audit f ON f.id = a.follows_id
WHERE a.kind IN ('case_file', 're_audit', 'themed') AND a.status IN ('finalised', 'shared')
  AND a.audit_date BETWEEN %(start)s AND %(end)s
"""

# The same numbers, tuned: the followed audit's grade is looked up only for the period's inadequate re-audits
# (EXISTS inside the FILTER), instead of joining every audit in the table. The ORM can express this shape too
# (Q(Exists(Audit.objects.filter(pk=OuterRef("follows_id"), final_grade=...))) in the Count's filter).
RAW_AUDITS_TUNED = RAW_AUDITS.replace(
    """f.final_grade = 'inadequate') AS repeat""",
    """EXISTS (SELECT 1 FROM audits_audit f WHERE f.id = a.follows_id
                                    AND f.final_grade = 'inadequate')) AS repeat""",
).replace("FROM audits_audit a LEFT JOIN audits_audit f ON f.id = a.follows_id", "FROM audits_audit a")
if "LEFT JOIN" in RAW_AUDITS_TUNED or "EXISTS" not in RAW_AUDITS_TUNED:
    raise RuntimeError("RAW_AUDITS_TUNED was not derived from RAW_AUDITS: update the two together")

RAW_ACTIVITIES = f"""
SELECT count(*) FROM audits_activity ac JOIN audits_audit a ON a.id = ac.audit_id WHERE {CASE_FILE}
"""  # noqa: S608 - constants only

RAW_SECTIONS = f"""
SELECT s.title,
       count(*) FILTER (WHERE x.grade = 'outstanding'), count(*) FILTER (WHERE x.grade = 'good'),
       count(*) FILTER (WHERE x.grade = 'requires_improvement'), count(*) FILTER (WHERE x.grade = 'inadequate')
FROM (
    SELECT j.section_id, CASE WHEN j.moderated_grade <> '' THEN j.moderated_grade ELSE j.grade END AS grade
    FROM audits_sectionjudgement j JOIN audits_audit a ON a.id = j.audit_id
    WHERE {CASE_FILE} AND (j.grade <> '' OR j.moderated_grade <> '')
) x JOIN audits_toolsection s ON s.id = x.section_id
GROUP BY s.title
ORDER BY min(s.position), s.title
"""  # noqa: S608 - constants only

RAW_PLANS = "SELECT count(*) FROM improvement_improvementplan WHERE opened_on BETWEEN %(start)s AND %(end)s"

RAW_STAGES = """
SELECT st.kind, count(*), count(*) FILTER (WHERE st.completed_on <= st.due_on)
FROM improvement_stage st JOIN improvement_improvementplan p ON p.id = st.plan_id
WHERE p.opened_on BETWEEN %(start)s AND %(end)s
  AND st.kind IN ('meeting', 'sm_review', 'caseload_review', 'reaudit')
  AND (st.due_on <= %(end)s OR st.completed_on IS NOT NULL)
GROUP BY st.kind
"""

RAW_MANAGERS = """
SELECT pe.full_name, count(*), count(*) FILTER (WHERE st.completed_on <= st.due_on)
FROM improvement_stage st
JOIN improvement_improvementplan p ON p.id = st.plan_id
JOIN organisation_person pe ON pe.id = st.completed_by_id
WHERE p.opened_on BETWEEN %(start)s AND %(end)s AND st.kind = 'sm_review'
GROUP BY pe.full_name
ORDER BY pe.full_name
"""

# Every action belongs to a plan, so the whole council's actions need no join.
RAW_ACTIONS = """
SELECT count(*), count(*) FILTER (WHERE due_on < %(end)s)
FROM improvement_remedialaction
WHERE created_on <= %(end)s AND (completed_on IS NULL OR completed_on > %(end)s)
"""

RAW_AUDIT_STATEMENTS = [RAW_AUDITS, RAW_ACTIVITIES, RAW_SECTIONS]
TUNED_AUDIT_STATEMENTS = [RAW_AUDITS_TUNED, RAW_ACTIVITIES, RAW_SECTIONS]
RAW_IMPROVEMENT_STATEMENTS = [RAW_PLANS, RAW_STAGES, RAW_MANAGERS, RAW_ACTIONS]


def pct(part: int, whole: int) -> float:
    """One decimal place, half up, in whole numbers (independent of the app's Decimal arithmetic)."""
    if not whole:
        return 0.0
    tenths = (2000 * part + whole) // (2 * whole)
    return tenths / 10


def raw_audit_figures(start: datetime.date, end: datetime.date, *, tuned: bool = False) -> dict:
    from django.db import connection

    params = {"start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(RAW_AUDITS_TUNED if tuned else RAW_AUDITS, params)
        columns = [c.name for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
        cursor.execute(RAW_ACTIVITIES, params)
        activities = cursor.fetchone()[0]
        cursor.execute(RAW_SECTIONS, params)
        sections = {title: dict(zip(GRADE_NAMES.values(), counts, strict=True)) for title, *counts in cursor.fetchall()}
    total = row["total"]
    grades = {GRADE_NAMES[g]: row[g] for g in GRADES}
    percents = {name: pct(count, total) for name, count in grades.items()}
    percents["good_or_better"] = pct(row["outstanding"] + row["good"], total)
    percents["good_or_requires_improvement"] = pct(row["good"] + row["requires_improvement"], total)
    return {
        "audits": {"total": total, "new": row["new"], "re_audits": row["re_audits"], "themed": row["themed"]},
        "themed_children": row["themed_children"],
        "activities": activities,
        "grades": grades,
        "percent": percents,
        "inadequate": {
            "count": row["inadequate"],
            "percent": pct(row["inadequate"], total),
            "critical": row["critical"],
        },
        "repeat_inadequate": {"count": row["repeat"], "percent": pct(row["repeat"], total)},
        "moderation": {
            "moderated": row["moderated"],
            "changed": row["changed"],
            "change_rate": pct(row["changed"], row["moderated"]),
        },
        "sections": sections,
        # The report keeps its practice areas' order beside them (a published snapshot's jsonb loses it).
        "section_order": list(sections),
    }


STAGE_LABELS = {
    "meeting": "Day-three meeting",
    "sm_review": "Service manager review",
    "caseload_review": "Whole caseload review",
    "reaudit": "Re-audit",
}


def raw_improvement_figures(start: datetime.date, end: datetime.date) -> dict:
    from django.db import connection

    params = {"start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(RAW_PLANS, params)
        plans = cursor.fetchone()[0]
        cursor.execute(RAW_STAGES, params)
        by_kind = {kind: (counted, on_time) for kind, counted, on_time in cursor.fetchall()}
        cursor.execute(RAW_MANAGERS, params)
        managers = cursor.fetchall()
        cursor.execute(RAW_ACTIONS, params)
        open_actions, overdue = cursor.fetchone()
    stages = {}
    for kind, label in STAGE_LABELS.items():
        counted, on_time = by_kind.get(kind, (0, 0))
        stages[label] = {"on_time": on_time, "of": counted, "percent": pct(on_time, counted)}
    return {
        "plans_opened": plans,
        "stages": stages,
        "service_manager_reviews_by_manager": [
            {"manager": name, "on_time": on_time, "of": counted, "percent": pct(on_time, counted)}
            for name, counted, on_time in managers
        ],
        "actions": {"open": open_actions, "overdue": overdue},
    }


# --------------------------------------------------------------------------- measuring


def differences(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                out.append(f"{path}/{key}: report {a.get(key, '(missing)')!r} raw SQL {b.get(key, '(missing)')!r}")
            else:
                out.extend(differences(a[key], b[key], f"{path}/{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [f"{path}: report {a!r} raw SQL {b!r}"]


def explain(sql: str, params: dict | None = None) -> dict:
    """EXPLAIN ANALYZE of one statement: planning, execution and JIT milliseconds, and the plan text."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        text = "\n".join(r[0] for r in cursor.fetchall())
    jit = plan.get("JIT", {}).get("Timing", {}).get("Total")
    return {
        "planning_ms": round(plan.get("Planning Time", 0.0), 2),
        "execution_ms": round(plan.get("Execution Time", 0.0), 2),
        "jit_ms": round(jit, 2) if jit is not None else None,
        "top_node": plan["Plan"]["Node Type"],
        "text": text,
    }


def compare(
    label: str,
    report_fn: Callable[[], dict],
    raw_fn: Callable[[], dict],
    raw_statements: list[str],
    params: dict,
    tuned_fn: Callable[[], dict] | None = None,
    tuned_statements: list[str] | None = None,
) -> dict:
    """Check the numbers agree, count queries, time them (interleaved), and explain every statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as report_ctx:
        report = report_fn()
    with CaptureQueriesContext(connection) as raw_ctx:
        raw = raw_fn()
    diff = differences(report, raw)
    if tuned_fn is not None:
        diff += [f"(tuned SQL) {d}" for d in differences(report, tuned_fn())]
    if diff:
        print(f"\nMISMATCH in {label}: the report's figures differ from the raw SQL's:", file=sys.stderr)
        for line in diff[:40]:
            print("   ", line, file=sys.stderr)
        print(json.dumps({"report": report, "raw_sql": raw}, indent=1, default=str)[:6000], file=sys.stderr)
        sys.exit(1)

    report_times, raw_times, tuned_times = [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        report_fn()
        report_times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        raw_fn()
        raw_times.append((time.perf_counter() - t0) * 1000)
        if tuned_fn is not None:
            t0 = time.perf_counter()
            tuned_fn()
            tuned_times.append((time.perf_counter() - t0) * 1000)
    report_ms, raw_ms = statistics.median(report_times), statistics.median(raw_times)
    tuned_ms = statistics.median(tuned_times) if tuned_times else None

    report_queries = [
        {"ms": round(float(q["time"]) * 1000, 2), **explain(q["sql"]), "sql": q["sql"]}
        for q in report_ctx.captured_queries
    ]
    raw_queries = [{**explain(sql, params), "sql": " ".join(sql.split())} for sql in raw_statements]
    tuned = {}
    if tuned_ms is not None:
        changed = [sql for sql in tuned_statements or [] if sql not in raw_statements]
        tuned = {
            "tuned_sql_ms": round(tuned_ms, 2),
            "ratio_to_tuned": round(report_ms / tuned_ms, 2) if tuned_ms else None,
            "tuned_sql_runs_ms": [round(t, 2) for t in tuned_times],
            "tuned_sql_detail": [{**explain(sql, params), "sql": " ".join(sql.split())} for sql in changed],
        }
    return {
        "report_ms": round(report_ms, 2),
        "raw_sql_ms": round(raw_ms, 2),
        "ratio": round(report_ms / raw_ms, 2) if raw_ms else None,
        **tuned,
        "report_runs_ms": [round(t, 2) for t in report_times],
        "raw_sql_runs_ms": [round(t, 2) for t in raw_times],
        "report_queries": len(report_ctx.captured_queries),
        "raw_sql_statements": len(raw_ctx.captured_queries),
        "report_query_detail": report_queries,
        "raw_sql_detail": raw_queries,
        "figures": {"audits_total": raw.get("audits", {}).get("total"), "plans_opened": raw.get("plans_opened")},
    }


def time_whole_report(report_fn: Callable[[], dict]) -> dict:
    """The whole period report as the app builds it: no raw SQL twin, so time and queries only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report_fn()  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        report_fn()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        report_fn()
        times.append((time.perf_counter() - t0) * 1000)
    slowest = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    return {
        "report_ms": round(statistics.median(times), 2),
        "report_runs_ms": [round(t, 2) for t in times],
        "report_queries": len(ctx.captured_queries),
        "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in slowest],
    }


def measure_size(first_day: datetime.date, last_day: datetime.date, explain_plans: bool) -> dict:
    from caseaudit.reporting.figures import Scope, audit_figures, improvement_figures

    try:  # the whole report (period, four comparison periods, trend, learning), where the app has it
        from caseaudit.reporting.periods import Period
        from caseaudit.reporting.report import build_report
    except ImportError:
        build_report = None

    fy_start = datetime.date(last_day.year - 1, 4, 1)
    periods = [
        (f"FY {fy_start.year}/{str(fy_start.year + 1)[2:]}", fy_start, last_day),
        (f"{YEARS} years", first_day, last_day),
    ]
    out = {}
    for name, start, end in periods:
        scope = Scope(start, end)
        params = {"start": start, "end": end}
        # The first report over months not yet counted counts them from the records and stores them
        # (decision 0074): after a fresh generation, every month of the first period, and of a later one all
        # but those an earlier period counted. Timed once, kept apart; the runs below read the stored
        # months, as every later report does until a write.
        t0 = time.perf_counter()
        audit_figures(scope)
        first_ms = round((time.perf_counter() - t0) * 1000, 2)
        # Warm-up: one run of each, not timed.
        audit_figures(scope)
        raw_audit_figures(start, end)
        improvement_figures(scope)
        raw_improvement_figures(start, end)
        result = {"from": start.isoformat(), "to": end.isoformat()}
        result["audit_figures"] = compare(
            f"audit_figures {name}",
            lambda scope=scope: audit_figures(scope),
            lambda start=start, end=end: raw_audit_figures(start, end),
            RAW_AUDIT_STATEMENTS,
            params,
            tuned_fn=lambda start=start, end=end: raw_audit_figures(start, end, tuned=True),
            tuned_statements=TUNED_AUDIT_STATEMENTS,
        )
        result["audit_figures"]["first_report_ms"] = first_ms
        result["improvement_figures"] = compare(
            f"improvement_figures {name}",
            lambda scope=scope: improvement_figures(scope),
            lambda start=start, end=end: raw_improvement_figures(start, end),
            RAW_IMPROVEMENT_STATEMENTS,
            params,
        )
        if build_report is not None:
            period = Period(start, end, name)
            result["build_report"] = time_whole_report(lambda period=period: build_report(period))
        if explain_plans:
            for part in ("audit_figures", "improvement_figures"):
                for n, q in enumerate(result[part]["report_query_detail"], start=1):
                    print(f"\n--- {name}, {part}, query {n} ({q['ms']} ms)\n{q['sql']}\n{q['text']}")
                for n, q in enumerate(result[part]["raw_sql_detail"], start=1):
                    print(f"\n--- {name}, {part}, raw SQL statement {n}\n{q['text']}")
                for q in result[part].get("tuned_sql_detail", []):
                    print(f"\n--- {name}, {part}, tuned SQL statement\n{q['text']}")
        out[name] = result
    return out


# --------------------------------------------------------------------------- reporting


def machine() -> dict:
    from django.db import connection

    memory = None
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem',"
            " 'jit', 'max_parallel_workers_per_gather', 'random_page_cost', 'effective_cache_size') ORDER BY name"
        )
        settings = dict(cursor.fetchall())
    return {
        "nproc": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": version,
        "postgresql_settings": settings,
    }


def print_table(results: dict[int, dict]) -> None:
    header = (
        f"{'size':>10}  {'period':<12} {'figures':<20} {'report ms':>10} {'raw SQL ms':>11} {'ratio':>6}"
        f" {'tuned SQL ms':>13} {'ratio':>6} {'queries':>8} {'raw stmts':>9}"
    )
    print("\n" + header)
    print("-" * len(header))
    for size, data in results.items():
        for period, result in data["periods"].items():
            for part in ("audit_figures", "improvement_figures"):
                r = result[part]
                tuned = (
                    f"{r['tuned_sql_ms']:>13.1f} {r['ratio_to_tuned']:>6.2f}"
                    if "tuned_sql_ms" in r
                    else f"{'-':>13} {'-':>6}"
                )
                print(
                    f"{size:>10,}  {period:<12} {part:<20} {r['report_ms']:>10.1f} {r['raw_sql_ms']:>11.1f}"
                    f" {r['ratio']:>6.2f} {tuned} {r['report_queries']:>8} {r['raw_sql_statements']:>9}"
                )
            if "first_report_ms" in result["audit_figures"]:
                print(
                    f"{size:>10,}  {period:<12} {'(first: counts months)':<20} {result['audit_figures']['first_report_ms']:>10.1f}"
                )
            if "build_report" in result:
                b = result["build_report"]
                print(
                    f"{size:>10,}  {period:<12} {'build_report':<20} {b['report_ms']:>10.1f} {'-':>11} {'-':>6}"
                    f" {'-':>13} {'-':>6} {b['report_queries']:>8} {'-':>9}"
                )
            both = result["audit_figures"]["report_ms"] + result["improvement_figures"]["report_ms"]
            raw_both = result["audit_figures"]["raw_sql_ms"] + result["improvement_figures"]["raw_sql_ms"]
            print(
                f"{size:>10,}  {period:<12} {'whole report (sum)':<20} {both:>10.1f} {raw_both:>11.1f}"
                f" {both / raw_both:>6.2f}"
            )
    print()


def verdicts(results: dict[int, dict]) -> dict:
    checks = {}
    for size, data in results.items():
        for period, result in data["periods"].items():
            r = result["audit_figures"]
            checks[f"{size} {period}: audit_figures <= {RATIO_TARGET}x raw SQL"] = {
                "met": r["ratio"] <= RATIO_TARGET,
                "measured": f"{r['ratio']:.2f}x ({r['report_ms']:.1f} ms vs {r['raw_sql_ms']:.1f} ms)",
            }
            if "ratio_to_tuned" in r:
                checks[f"{size} {period}: audit_figures <= {RATIO_TARGET}x tuned SQL (stricter)"] = {
                    "met": r["ratio_to_tuned"] <= RATIO_TARGET,
                    "measured": f"{r['ratio_to_tuned']:.2f}x ({r['report_ms']:.1f} ms vs {r['tuned_sql_ms']:.1f} ms)",
                }
            i = result["improvement_figures"]
            checks[f"{size} {period}: improvement_figures <= {RATIO_TARGET}x raw SQL"] = {
                "met": i["ratio"] <= RATIO_TARGET,
                "measured": f"{i['ratio']:.2f}x ({i['report_ms']:.1f} ms vs {i['raw_sql_ms']:.1f} ms)",
            }
            if size == LARGE_COUNCIL:
                checks[f"{size} {period}: audit_figures < {TIME_TARGET_MS:.0f} ms"] = {
                    "met": r["report_ms"] < TIME_TARGET_MS,
                    "measured": f"{r['report_ms']:.1f} ms",
                }
                both = r["report_ms"] + i["report_ms"]
                checks[f"{size} {period}: whole report (audit + improvement figures) < {TIME_TARGET_MS:.0f} ms"] = {
                    "met": both < TIME_TARGET_MS,
                    "measured": f"{both:.1f} ms",
                }
            if size == LARGE_COUNCIL and "build_report" in result:
                b = result["build_report"]
                checks[f"{size} {period}: build_report (the whole period report) < {TIME_TARGET_MS:.0f} ms"] = {
                    "met": b["report_ms"] < TIME_TARGET_MS,
                    "measured": f"{b['report_ms']:.1f} ms",
                }
    parts = ["audit_figures", "improvement_figures"]
    if all("build_report" in r for data in results.values() for r in data["periods"].values()):
        parts.append("build_report")
    for part in parts:
        counts = {
            (size, period): result[part]["report_queries"]
            for size, data in results.items()
            for period, result in data["periods"].items()
        }
        # The number of queries must not grow with the rows: for each period, the same at every size. The
        # whole report's differs between periods (a 20-year period has other comparison periods than a
        # financial year, and other partial months to count), which says nothing about size.
        by_period: dict[str, set[int]] = {}
        for (_, period), n in counts.items():
            by_period.setdefault(period, set()).add(n)
        checks[f"{part}: query count the same at every size, for each period"] = {
            "met": all(len(ns) == 1 for ns in by_period.values()),
            "measured": ", ".join(f"{s:,} {p}: {n}" for (s, p), n in counts.items()),
        }
    return checks


def save(results: dict[int, dict], checks: dict, info: dict) -> None:
    data = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text())
        except json.JSONDecodeError:
            print(f"(ignoring unreadable {RESULTS})")
    previous = data.get("report", {})
    runs = previous.get("sizes", {})
    for size, result in results.items():
        runs[str(size)] = result
    data["report"] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "targets": {
            "ratio": RATIO_TARGET,
            "large_council_ms": TIME_TARGET_MS,
            "large_council_size": LARGE_COUNCIL,
        },
        "last_run": {"sizes": list(results), "checks": checks},
        "sizes": dict(sorted(runs.items(), key=lambda item: int(item[0]))),
    }
    RESULTS.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"Results written to {RESULTS.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated audit counts (default 100000,1000000)")
    parser.add_argument("--quick", action="store_true", help="10,000 audits only: a smoke check")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every query")
    parser.add_argument("--keep", action="store_true", help="keep the last benchmark database")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is not met")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    if args.sizes:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    configure(args.database_url)
    from django.core.management import call_command

    first_day, last_day = data_span(datetime.date.today())
    print(f"Period report benchmark: {', '.join(f'{s:,}' for s in sizes)} audits, {first_day} to {last_day}")
    started = time.perf_counter()
    results: dict[int, dict] = {}
    info = {}
    for size in sizes:
        print(f"\n== {size:,} audits")
        recreate_database(args.database_url)
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = round(time.perf_counter() - t0, 2)
        print(f"    {'migrate':<26} {migrate_s:7.2f} s")
        t0 = time.perf_counter()
        generation = generate(size, first_day, last_day)
        generation["migrate_s"] = migrate_s
        rows = generation["rows"]
        print(
            f"    generated in {time.perf_counter() - t0:.1f} s: {rows['audits_audit']:,} audits,"
            f" {rows['audits_sectionjudgement']:,} judgements, {rows['audits_activity']:,} activities,"
            f" {rows['improvement_improvementplan']:,} plans ({generation['database_size']})",
            flush=True,
        )
        info = info or machine()
        t0 = time.perf_counter()
        periods = measure_size(first_day, last_day, args.explain)
        print(f"    measured in {time.perf_counter() - t0:.1f} s")
        results[size] = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "generation": generation,
            "periods": periods,
        }
        print_table({size: results[size]})
    if not args.keep:
        drop_database(args.database_url)

    print_table(results)
    for size, data in results.items():
        g = data["generation"]
        print(f"generation {size:>10,}: {g['seconds']:.1f} s (+ migrate {g['migrate_s']:.1f} s), {g['database_size']}")
    checks = verdicts(results)
    print()
    for name, check in checks.items():
        print(f"  [{'met' if check['met'] else 'NOT MET'}] {name}: {check['measured']}")
    for size, data in results.items():
        for period, result in data["periods"].items():
            for part in ("audit_figures", "improvement_figures"):
                slowest = max(result[part]["report_query_detail"], key=lambda q: q["execution_ms"])
                print(
                    f"  slowest {part} query at {size:,}, {period}: {slowest['execution_ms']:.1f} ms execution"
                    f" (JIT {slowest['jit_ms'] or 0:.1f} ms): {slowest['sql'][:110]}..."
                )
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    save(results, checks, info)
    return 1 if args.strict and not all(c["met"] for c in checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
