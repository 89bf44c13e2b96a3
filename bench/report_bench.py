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

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseaudit_bench"
DEFAULT_SIZES = [100_000, 1_000_000]
QUICK_SIZES = [10_000]
LARGE_COUNCIL = 100_000  # the size the 1 s target applies to
RUNS = 5
RATIO_TARGET = 1.5
TIME_TARGET_MS = 1000.0

# The council (BENCH.md of the issue: the largest council).
AREAS = 5
TEAMS_PER_AREA = 6
WORKERS_PER_TEAM = 11
AUDITORS = 20
SENIOR_QA = 6
IROS = 10
CHILDREN = 12_000
YEARS = 20

# Shares, per 10,000 or per 100.
GRADE_MIX = {"outstanding": 200, "good": 4200, "requires_improvement": 4800, "inadequate": 800}
THEMED_PERCENT = 5
RE_AUDIT_SHARE = 0.07  # of all audits; the rest are generated first and re-audits follow inadequate ones
MODERATED_PERCENT = 10  # of audits; 3 points of these changed the grade
CRITICAL_PERCENT = 15  # of inadequate audits

GRADE_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires Improvement",
    "inadequate": "Inadequate",
}
GRADES = list(GRADE_NAMES)


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


def data_span(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Twenty whole financial years ending with the last full one (April to March)."""
    fy_start = datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    end = fy_start - datetime.timedelta(days=1)
    return datetime.date(end.year - YEARS, 4, 1), end


# --------------------------------------------------------------------------- data


def build_organisation(first_day: datetime.date, last_day: datetime.date) -> dict:
    """Service areas, teams, people, children, tools and programmes, through the ORM."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from caseaudit.audits.models import Programme
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.organisation.models import Child, LegalStatus, Person, PersonRole, ServiceArea, Team
    from caseaudit.organisation.roles import Role

    password = make_password(None)
    statuses = [s.value for s in LegalStatus]
    roles: list[PersonRole] = []
    serial = iter(range(1, 10**6))

    def people(title: str, count: int, role_list: list[str], **fields) -> list[Person]:
        made = Person.objects.bulk_create(
            [
                Person(
                    email=f"bench{(n := next(serial))}@council.example",
                    full_name=f"{title} {n:04d}",
                    job_title=title,
                    password=password,
                    **fields,
                )
                for _ in range(count)
            ]
        )
        roles.extend(PersonRole(person=p, role=r) for p in made for r in role_list)
        return made

    with transaction.atomic():
        (director,) = people("Director", 1, [Role.DIRECTOR])
        heads = people("Head of Service", 2, [Role.HEAD_OF_SERVICE], line_manager=director)
        (qa_manager,) = people("QA Manager", 1, [Role.QA_ADMIN], line_manager=heads[1])
        moderators = people("Senior QA Officer", SENIOR_QA, [Role.MODERATOR], line_manager=qa_manager)
        auditors = people("QA Officer", AUDITORS, [Role.AUDITOR], line_manager=qa_manager)
        people("Independent Reviewing Officer", IROS, [Role.IRO], line_manager=heads[1])
        areas = ServiceArea.objects.bulk_create([ServiceArea(name=f"Service area {a + 1}") for a in range(AREAS)])
        service_managers, teams, workers = [], [], {}
        for area in areas:
            (sm,) = people("Service Manager", 1, [Role.SERVICE_MANAGER, Role.MODERATOR], service_area=area)
            service_managers.append(sm)
            people("Practice Lead", 1, [Role.PRACTICE_LEAD], service_area=area, line_manager=sm)
            for t in range(TEAMS_PER_AREA):
                team = Team.objects.create(name=f"{area.name} team {t + 1}", service_area=area)
                (manager,) = people("Team Manager", 1, [Role.TEAM_MANAGER], team=team, line_manager=sm)
                team.manager = manager
                team.save(update_fields=["manager"])
                teams.append(team)
                workers[team.pk] = people(
                    "Social Worker", WORKERS_PER_TEAM, [Role.SOCIAL_WORKER], team=team, line_manager=manager
                )
        PersonRole.objects.bulk_create(roles)
        children = []
        for n in range(CHILDREN):
            team = teams[n % len(teams)]
            opened = first_day - datetime.timedelta(days=30) + datetime.timedelta(days=(n * 7) % 7000)
            children.append(
                Child(
                    case_id=f"BENCH{n:06d}",
                    name=f"Child {n:05d}",
                    date_of_birth=opened - datetime.timedelta(days=365 * 5 + n % 3000),
                    legal_status=statuses[(team.service_area_id + n) % len(statuses)],
                    team=team,
                    allocated_worker=workers[team.pk][(n // len(teams)) % WORKERS_PER_TEAM],
                    opened_on=opened,
                )
            )
        Child.objects.bulk_create(children, batch_size=2000)
        case_tool, themed_tool = standard_tools_ensure()
        cf_version, themed_version = case_tool.current_version, themed_tool.current_version
        programmes = []
        month = first_day.replace(day=1)
        while month <= last_day:
            for area in areas:
                programmes.append(
                    Programme(
                        kind="monthly",
                        title=f"{area.name} {month:%B %Y}",
                        service_area=area,
                        month=month,
                        tool_version=cf_version,
                        due_on=month + datetime.timedelta(days=27),
                        status="confirmed",
                    )
                )
            if month.month in (1, 7):
                programmes.append(
                    Programme(
                        kind="themed",
                        title=f"Strategy discussions {month:%B %Y}",
                        month=month,
                        tool_version=themed_version,
                        due_on=month + datetime.timedelta(days=150),
                        status="confirmed",
                        sample_size=200,
                    )
                )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        Programme.objects.bulk_create(programmes, batch_size=2000)
    return {
        "cf_version": cf_version.pk,
        "themed_version": themed_version.pk,
        "auditors": [p.pk for p in auditors],
        "moderators": [p.pk for p in moderators + service_managers],
        "service_managers": [p.pk for p in service_managers],
        "people": Person.objects.count(),
        "teams": len(teams),
        "children": CHILDREN,
    }


HELPERS_SQL = """
CREATE FUNCTION pg_temp.h(bigint, bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT hashint8extended($1, $2) & 2147483647';
CREATE FUNCTION pg_temp.grade(bigint) RETURNS varchar LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$SELECT CASE WHEN $1 < {o} THEN 'outstanding' WHEN $1 < {g} THEN 'good'
                     WHEN $1 < {r} THEN 'requires_improvement' ELSE 'inadequate' END$$;
CREATE FUNCTION pg_temp.near(varchar) RETURNS varchar LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$SELECT CASE $1 WHEN 'outstanding' THEN 'good' WHEN 'good' THEN 'requires_improvement'
                        WHEN 'requires_improvement' THEN 'good' ELSE 'requires_improvement' END$$;
CREATE TEMP TABLE b_child AS
    SELECT (row_number() OVER (ORDER BY c.id) - 1)::bigint AS n, c.id AS child_id, c.team_id,
           c.allocated_worker_id AS worker_id, t.service_area_id AS area_id
    FROM organisation_child c JOIN organisation_team t ON t.id = c.team_id;
CREATE UNIQUE INDEX ON b_child (n);
CREATE TEMP TABLE b_programme AS
    SELECT id AS programme_id, kind, service_area_id AS area_id, month FROM audits_programme;
CREATE INDEX ON b_programme (kind, area_id, month);
ANALYZE b_child; ANALYZE b_programme;
""".format(  # noqa: S608 - constants only
    o=GRADE_MIX["outstanding"],
    g=GRADE_MIX["outstanding"] + GRADE_MIX["good"],
    r=GRADE_MIX["outstanding"] + GRADE_MIX["good"] + GRADE_MIX["requires_improvement"],
)

AUDIT_COLUMNS = """kind, child_id, team_id, worker_id, tool_version_id, programme_id, follows_id, auditor_id,
    auditor_name, moderator_id, due_on, status, overall_grade, is_critical, critical_action, critical_action_by_id,
    critical_action_at, strengths, areas_for_development, recommended_actions, moderated_overall_grade,
    moderation_reason, final_grade, audit_date, submitted_at, finalised_at, shared_at, imported, import_ref,
    version, created_at, updated_at"""

# The values of an audit from a row `s` carrying: kind, d (audit date), final, m (0-99: < MODERATED moderated,
# < 3 changed), crit (0-99), auditor_id, moderator_id, child and team columns, tool_version_id, programme_id,
# follows_id. Finalised in the last 30 days of the data, shared before.
AUDIT_VALUES = """s.kind, s.child_id, s.team_id, s.worker_id, s.tool_version_id, s.programme_id, s.follows_id,
    s.auditor_id, '', CASE WHEN s.m < %(moderated)s THEN s.moderator_id END,
    (date_trunc('month', s.d) + interval '1 month - 1 day')::date,
    CASE WHEN s.d > %(last)s::date - 30 THEN 'finalised' ELSE 'shared' END,
    CASE WHEN s.m < 3 THEN pg_temp.near(s.final) ELSE s.final END,
    s.final = 'inadequate' AND s.crit < %(critical)s,
    CASE WHEN s.final = 'inadequate' AND s.crit < %(critical)s THEN 'Strategy discussion arranged' ELSE '' END,
    NULL, NULL, 'Child seen and heard', 'Chronology', 'Update the plan',
    CASE WHEN s.m < %(moderated)s THEN s.final ELSE '' END,
    CASE WHEN s.m < 3 THEN 'Evidence supports a different grade' ELSE '' END,
    s.final, s.d,
    s.d - 3 + time '10:00', s.d + time '15:00',
    CASE WHEN s.d > %(last)s::date - 30 THEN NULL ELSE s.d + 2 + time '09:00' END,
    false, NULL, 1, s.d - 21 + time '09:00',
    CASE WHEN s.d > %(last)s::date - 30 THEN s.d + time '15:00' ELSE s.d + 2 + time '09:00' END"""

BASE_AUDITS_SQL = f"""
INSERT INTO audits_audit ({AUDIT_COLUMNS})
SELECT {AUDIT_VALUES}
FROM (
    SELECT r.i, r.kind, r.d, r.final, r.m, r.crit, c.child_id, c.team_id, c.worker_id, NULL::bigint AS follows_id,
           CASE WHEN r.kind = 'themed' THEN %(themed_version)s ELSE %(cf_version)s END AS tool_version_id,
           coalesce(mp.programme_id, tp.programme_id) AS programme_id,
           (%(auditors)s::bigint[])[1 + pg_temp.h(r.i, 6) %% cardinality(%(auditors)s::bigint[])] AS auditor_id,
           (%(moderators)s::bigint[])[1 + pg_temp.h(r.i, 7) %% cardinality(%(moderators)s::bigint[])] AS moderator_id
    FROM (
        SELECT g AS i,
               %(first)s::date + ((g - 1) * %(days)s / %(count)s)::int AS d,
               CASE WHEN pg_temp.h(g, 1) %% 100 < %(themed)s THEN 'themed' ELSE 'case_file' END AS kind,
               pg_temp.grade(pg_temp.h(g, 2) %% 10000) AS final,
               pg_temp.h(g, 3) %% 100 AS m,
               pg_temp.h(g, 4) %% 100 AS crit,
               pg_temp.h(g, 5) %% %(children)s AS child_n
        FROM generate_series(1::bigint, %(count)s::bigint) g
    ) r
    JOIN b_child c ON c.n = r.child_n
    LEFT JOIN b_programme mp ON r.kind = 'case_file' AND mp.kind = 'monthly' AND mp.area_id = c.area_id
        AND mp.month = date_trunc('month', r.d)::date
    LEFT JOIN b_programme tp ON r.kind = 'themed' AND tp.kind = 'themed'
        AND tp.month = make_date(extract(year FROM r.d)::int, CASE WHEN extract(month FROM r.d) < 7 THEN 1 ELSE 7 END, 1)
) s
ORDER BY s.i
"""  # noqa: S608 - constants only

# A re-audit follows an inadequate case file audit (or re-audit) of the same child 60 to 120 days later
# (or on the last day of the data, for the last few).
RE_AUDITS_SQL = f"""
INSERT INTO audits_audit ({AUDIT_COLUMNS})
SELECT {AUDIT_VALUES}
FROM (
    SELECT f.id AS i, 're_audit' AS kind, least(f.audit_date + 60 + (pg_temp.h(f.id, 13) %% 61)::int, %(last)s::date) AS d,
           pg_temp.grade(pg_temp.h(f.id, 12) %% 10000) AS final,
           pg_temp.h(f.id, 14) %% 100 AS m, pg_temp.h(f.id, 15) %% 100 AS crit,
           f.child_id, f.team_id, f.worker_id, f.id AS follows_id, f.tool_version_id, NULL::bigint AS programme_id,
           (%(auditors)s::bigint[])[1 + pg_temp.h(f.id, 16) %% cardinality(%(auditors)s::bigint[])] AS auditor_id,
           (%(moderators)s::bigint[])[1 + pg_temp.h(f.id, 17) %% cardinality(%(moderators)s::bigint[])] AS moderator_id
    FROM audits_audit f
    WHERE f.kind IN ('case_file', 're_audit') AND f.final_grade = 'inadequate'
      AND NOT EXISTS (SELECT 1 FROM audits_audit r WHERE r.follows_id = f.id)
    ORDER BY pg_temp.h(f.id, 18)
    LIMIT %(limit)s
) s
ORDER BY s.d, s.i
"""  # noqa: S608 - constants only

# One judgement per section of the audit's tool: 7 for a case file audit, 1 for a themed audit. Mostly the
# audit's grade; 1% not graded; moderated audits have some section grades moderated.
JUDGEMENTS_SQL = """
INSERT INTO audits_sectionjudgement (audit_id, section_id, grade, evidence, moderated_grade, moderation_reason)
SELECT x.audit_id, x.section_id,
       CASE WHEN x.r < 100 THEN '' WHEN x.r < 7000 THEN x.final ELSE pg_temp.grade(x.r2) END,
       'Evidence seen on file',
       CASE WHEN x.moderated AND x.r3 < 30 THEN pg_temp.near(x.final) ELSE '' END,
       CASE WHEN x.moderated AND x.r3 < 30 THEN 'Moderated' ELSE '' END
FROM (
    SELECT a.id AS audit_id, s.id AS section_id, a.final_grade AS final, a.moderated_overall_grade <> '' AS moderated,
           pg_temp.h(a.id * 8 + s.position, 21) %% 10000 AS r,
           pg_temp.h(a.id * 8 + s.position, 22) %% 10000 AS r2,
           pg_temp.h(a.id * 8 + s.position, 23) %% 100 AS r3
    FROM audits_audit a JOIN audits_toolsection s ON s.version_id = a.tool_version_id
) x
ORDER BY x.audit_id, x.section_id
"""

# Two to four pieces of activity per audit (three on average).
ACTIVITIES_SQL = """
INSERT INTO audits_activity (audit_id, kind, carried_out_by_id, happened_on, notes, family_words, recorded_at)
SELECT a.id, (ARRAY['file_review', 'practitioner', 'family', 'moderation'])[k],
       CASE WHEN k = 4 THEN a.moderator_id ELSE a.auditor_id END,
       a.audit_date - (4 - k) * 2, 'Notes', CASE WHEN k = 3 THEN 'They listened to us' ELSE '' END,
       a.audit_date - (4 - k) * 2 + time '17:00'
FROM audits_audit a CROSS JOIN LATERAL generate_series(1, 2 + (pg_temp.h(a.id, 31) %% 3)::int) k
ORDER BY a.id, k
"""

# The response to every inadequate case file audit: a plan, its stages and two actions.
PLANS_SQL = """
INSERT INTO improvement_improvementplan (audit_id, child_id, team_id, responsible_id, responsible_role, opened_on,
                                         status, repeat_inadequate, closed_on, version)
SELECT a.id, a.child_id, a.team_id, a.worker_id, 'social_worker', a.audit_date,
       CASE WHEN a.audit_date <= %(last)s::date - 150 THEN 'closed' ELSE 'open' END,
       a.kind = 're_audit' AND f.final_grade = 'inadequate',
       CASE WHEN a.audit_date <= %(last)s::date - 150 THEN a.audit_date + 140 END, 1
FROM audits_audit a LEFT JOIN audits_audit f ON f.id = a.follows_id
WHERE a.kind IN ('case_file', 're_audit') AND a.final_grade = 'inadequate'
ORDER BY a.audit_date, a.id
"""

STAGES_SQL = """
INSERT INTO improvement_stage (plan_id, kind, due_on, completed_on, completed_by_id, outcome, attendees, chair_id,
                               decision, decision_reason, decided_by_id, reaudit_id)
SELECT x.plan_id, x.kind, x.due_on,
       CASE WHEN x.due_on + 10 > %(last)s::date THEN NULL
            WHEN x.r < 85 THEN x.due_on - (x.r %% 3)::int
            ELSE x.due_on + 1 + (x.r %% 10)::int END,
       CASE WHEN x.due_on + 10 > %(last)s::date THEN NULL
            WHEN x.kind = 'sm_review' THEN x.manager_id ELSE x.responsible_id END,
       '', '', NULL, '', '', NULL, NULL
FROM (
    SELECT p.id AS plan_id, k.kind, p.opened_on + k.days AS due_on, p.responsible_id,
           (%(managers)s::bigint[])[1 + pg_temp.h(p.id, 41) %% cardinality(%(managers)s::bigint[])] AS manager_id,
           pg_temp.h(p.id * 8 + k.n, 42) %% 100 AS r
    FROM improvement_improvementplan p
    CROSS JOIN (VALUES (1, 'notification', 0), (2, 'meeting', 5), (3, 'sm_review', 14),
                       (4, 'caseload_review', 14), (5, 'reaudit', 91), (6, 'closure', 140)) AS k(n, kind, days)
) x
ORDER BY x.plan_id, x.due_on
"""

ACTIONS_SQL = """
INSERT INTO improvement_remedialaction (plan_id, description, owner_id, due_on, completed_on, evidence, created_on)
SELECT x.plan_id, 'Remedial action ' || x.n, x.owner_id, x.due_on,
       CASE WHEN x.due_on <= %(last)s::date - 10 AND x.r < 90 THEN x.due_on - (x.r %% 5)::int END,
       CASE WHEN x.due_on <= %(last)s::date - 10 AND x.r < 90 THEN 'Evidence on file' ELSE '' END,
       x.created_on
FROM (
    SELECT p.id AS plan_id, n, p.responsible_id AS owner_id, p.opened_on + 14 * n AS due_on,
           p.opened_on + 5 AS created_on, pg_temp.h(p.id * 4 + n, 51) %% 100 AS r
    FROM improvement_improvementplan p CROSS JOIN generate_series(1, 2) n
) x
ORDER BY x.plan_id, x.n
"""


def generate(size: int, first_day: datetime.date, last_day: datetime.date) -> dict:
    """Fill the benchmark database; returns the timings of each step and the row counts."""
    from django.db import connection

    steps: dict[str, float] = {}

    def step(name: str, fn: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        fn()
        steps[name] = round(time.perf_counter() - t0, 2)
        print(f"    {name:<26} {steps[name]:7.2f} s", flush=True)

    org: dict = {}
    step("organisation (ORM)", lambda: org.update(build_organisation(first_day, last_day)))
    base_count = size - round(size * RE_AUDIT_SHARE)
    params = {
        "first": first_day,
        "last": last_day,
        "days": (last_day - first_day).days + 1,
        "count": base_count,
        "themed": THEMED_PERCENT,
        "moderated": MODERATED_PERCENT,
        "critical": CRITICAL_PERCENT,
        "children": org["children"],
        "cf_version": org["cf_version"],
        "themed_version": org["themed_version"],
        "auditors": org["auditors"],
        "moderators": org["moderators"],
        "managers": org["service_managers"],
    }
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute(HELPERS_SQL)

        step("audits (new and themed)", lambda: cursor.execute(BASE_AUDITS_SQL, params))

        def re_audits() -> None:
            for _ in range(10):
                cursor.execute("SELECT count(*) FROM audits_audit")
                remaining = size - cursor.fetchone()[0]
                if remaining <= 0:
                    return
                cursor.execute("ANALYZE audits_audit")
                cursor.execute(RE_AUDITS_SQL, {**params, "limit": remaining})
                if cursor.rowcount == 0:
                    print(f"    (only {size - remaining:,} audits: no inadequate audit left to re-audit)")
                    return

        step("re-audits", re_audits)
        step("section judgements", lambda: cursor.execute(JUDGEMENTS_SQL, params))
        step("activities", lambda: cursor.execute(ACTIVITIES_SQL, params))
        step("improvement plans", lambda: cursor.execute(PLANS_SQL, params))
        step("plan stages", lambda: cursor.execute(STAGES_SQL, params))
        step("remedial actions", lambda: cursor.execute(ACTIONS_SQL, params))
        step("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"))
        cursor.execute("RESET ALL")
        cursor.execute("DISCARD TEMP")

        rows = {}
        for table in (
            "audits_audit",
            "audits_sectionjudgement",
            "audits_activity",
            "improvement_improvementplan",
            "improvement_stage",
            "improvement_remedialaction",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are the literals above
            rows[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT kind, count(*), count(*) FILTER (WHERE final_grade = 'outstanding'),"
            " count(*) FILTER (WHERE final_grade = 'good'),"
            " count(*) FILTER (WHERE final_grade = 'requires_improvement'),"
            " count(*) FILTER (WHERE final_grade = 'inadequate') FROM audits_audit GROUP BY kind ORDER BY kind"
        )
        mix = {kind: {"count": n, **dict(zip(GRADES, grades, strict=True))} for kind, n, *grades in cursor.fetchall()}
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    steps_total = round(sum(steps.values()), 2)
    return {
        "seconds": steps_total,
        "steps_s": steps,
        "rows": rows,
        "audits_by_kind": mix,
        "people": org["people"],
        "teams": org["teams"],
        "children": org["children"],
        "database_size": db_size,
    }


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
        checks[f"{part}: query count the same at every size and period"] = {
            "met": len(set(counts.values())) == 1,
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
