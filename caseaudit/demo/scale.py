"""The largest council's 20 years, generated in bulk (`seed_demo --scale large|stress`, `make bench`).

The organisation and tools go through the ORM (a few hundred rows); audits, section judgements,
answers, activities and improvement plans with their stages and actions are set-based SQL
(INSERT ... SELECT FROM generate_series, `hashint8extended` as a deterministic random source), so
100,000 audits take well under a minute and 1,000,000 a few minutes on PostgreSQL. Every CHECK
constraint, foreign key and index stays in place during the load. PostgreSQL only.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

LARGE_AUDITS = 100_000
STRESS_AUDITS = 1_000_000

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

# Answers to every question of the tool, for the audits of the last two years (the ones people open; older
# audits are read through their judgements and grades only, which keeps the stress size within minutes).
ANSWERS_SQL = """
INSERT INTO audits_answer (audit_id, question_id, choice, text)
SELECT a.id, q.id,
       CASE WHEN q.kind = 'text' THEN ''
            ELSE (ARRAY['yes', 'yes', 'partly', 'no', 'na'])[1 + (pg_temp.h(a.id * 64 + s.position * 8 + q.position, 61) %% 5)::int] END,
       CASE WHEN q.kind = 'text' THEN 'Seen on file' ELSE '' END
FROM audits_audit a
JOIN audits_toolsection s ON s.version_id = a.tool_version_id
JOIN audits_toolquestion q ON q.section_id = s.id
WHERE a.audit_date > %(last)s::date - 730
ORDER BY a.id, q.id
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
        step("answers (last 2 years)", lambda: cursor.execute(ANSWERS_SQL, params))
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
            "audits_answer",
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


# One sign-in per role for the bulk council (its people are created without usable passwords).
LOGIN_TITLES = {
    "qa-admin": "QA Manager",
    "director": "Director",
    "head-of-service": "Head of Service",
    "service-manager": "Service Manager",
    "practice-lead": "Practice Lead",
    "team-manager": "Team Manager",
    "social-worker": "Social Worker",
    "auditor": "QA Officer",
    "moderator": "Senior QA Officer",
}
LOGIN_DOMAIN = "largest-council.example"


def logins_ensure(password: str) -> list[tuple[str, str, str]]:
    """Give the first person of each job title a known email and password; returns (role, email, name)."""
    from django.contrib.auth.hashers import make_password

    from caseaudit.organisation.models import Person

    hashed = make_password(password)
    made = []
    for slug, title in LOGIN_TITLES.items():
        email = f"{slug}@{LOGIN_DOMAIN}"
        person = Person.objects.filter(email=email).first()
        if person is None:
            person = Person.objects.filter(job_title=title).order_by("pk").first()
            if person is None:
                continue
            person.email = email
        person.password = hashed
        person.save(update_fields=["email", "password"])
        made.append((slug, email, person.full_name))
    return made
