"""The counts behind a report's audit figures, per calendar month and team, kept ahead of time (decision 0074).

A month's tally is a flat Counter of the finalised and shared case file audits whose audit date is in that
month: `audits:<kind>:<final grade>`, `critical`, `moderated`, `moderation_changed`, `repeat`,
`activities` and `section:<section id>:<final grade>`. A period's figures are the sum of its months' tallies
for the teams in scope, so they are the same counts the records give, summed in a different order.

Whole months are read from MonthFigures; a month is counted again from the records when the database's
triggers have recorded a change to it (MonthChanged) or when it has never been counted. The days of a
month only partly in the period are counted from the records each time.

Both run on the primary database: a replica lags, and a month counted there could miss a write whose
MonthChanged row this would then delete.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from caseaudit.audits import scales
from caseaudit.audits.models import DONE_STATUSES, Activity, Audit, AuditKind, SectionJudgement

from .models import MonthChanged, MonthFigures

CASE_FILE_KINDS = [AuditKind.CASE_FILE, AuditKind.RE_AUDIT]
# Every grade of every scale: each is unique to its scale, so the tally keeps the scales apart (audits/scales.py).
COUNTED_GRADES = set(scales.ALL_VALUES)
DB = DEFAULT_DB_ALIAS
# Any constant both databases agree on: PostgreSQL's advisory lock that makes one request at a time count
# months again (SQLite's transactions already take its one write lock when they begin: settings/env.py).
LOCK_KEY = 740_074

Tallies = dict[datetime.date, dict[int, Counter]]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_day(month: datetime.date) -> datetime.date:
    return month + relativedelta(months=1) - datetime.timedelta(days=1)


def count_records(start: datetime.date, end: datetime.date) -> Tallies:
    """Each month's and team's tally of the audits dated from `start` to `end`, counted from the records."""
    tallies: Tallies = defaultdict(lambda: defaultdict(Counter))
    audits = Audit.objects.using(DB).filter(_done("", start, end))
    for row in (
        audits.values(m=TruncMonth("audit_date"), t=F("team_id"), k=F("kind"), g=F("final_grade"))
        .annotate(
            n=Count("*"),
            critical=Count("pk", filter=Q(final_grade__in=scales.NEEDS_RESPONSE, is_critical=True)),
            moderated=Count("pk", filter=~Q(moderated_overall_grade="")),
            changed=Count("pk", filter=~Q(moderated_overall_grade="") & ~Q(moderated_overall_grade=F("overall_grade"))),
        )
        .order_by()
    ):
        tally = tallies[row["m"]][row["t"]]
        tally[f"audits:{row['k']}:{row['g']}"] += row["n"]
        for key in ("critical", "moderated", "changed"):
            tally[key] += row[key]
    # A re-audit graded Inadequate whose earlier audit was too; a query of its own (decision 0066).
    repeat = audits.filter(
        kind=AuditKind.RE_AUDIT,
        final_grade__in=scales.NEEDS_RESPONSE,
        follows__final_grade__in=scales.NEEDS_RESPONSE,
    )
    for row in repeat.values(m=TruncMonth("audit_date"), t=F("team_id")).annotate(n=Count("*")).order_by():
        tallies[row["m"]][row["t"]]["repeat"] += row["n"]
    in_audit = _done("audit__", start, end)
    by_audit = {"m": TruncMonth("audit__audit_date"), "t": F("audit__team_id")}
    for row in Activity.objects.using(DB).filter(in_audit).values(**by_audit).annotate(n=Count("*")).order_by():
        tallies[row["m"]][row["t"]]["activities"] += row["n"]
    # A judgement's final grade is the moderator's where there is one, else the auditor's; read off the
    # index judgement_grades_by_audit, section names looked up by the report (decision 0072).
    final = Coalesce(NullIf("moderated_grade", Value("")), "grade")
    for row in (
        SectionJudgement.objects.using(DB)
        .filter(in_audit)
        .exclude(grade="", moderated_grade="")
        .annotate(final=final)
        .values("section_id", "final", **by_audit)
        .annotate(n=Count("*"))
        .order_by()
    ):
        if row["final"] in COUNTED_GRADES:
            tallies[row["m"]][row["t"]][f"section:{row['section_id']}:{row['final']}"] += row["n"]
    return tallies


def _done(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    """The case file audits counted, as a filter; with "audit__" it filters an audit's parts by a join."""
    return Q(
        **{
            f"{prefix}status__in": DONE_STATUSES,
            f"{prefix}audit_date__gte": start,
            f"{prefix}audit_date__lte": end,
            f"{prefix}kind__in": CASE_FILE_KINDS,
        }
    )


def month_tallies(start: datetime.date, end: datetime.date) -> Tallies:
    """Every month from `start`'s to `end`'s with its teams' tallies of the audits dated from `start` to `end`."""
    months = []
    month = month_of(start)
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    whole = [m for m in months if m >= start and last_day(m) <= end]
    tallies: Tallies = {m: {} for m in months}
    if whole:
        tallies.update(_stored(whole))
    for m in months:
        if m not in whole:  # the edges of a period that does not start or end with a month
            tallies[m] = dict(count_records(max(start, m), min(end, last_day(m))).get(m, {}))
    return tallies


def _stored(months: list[datetime.date]) -> Tallies:
    first, last = months[0], months[-1]
    stored = dict(
        MonthFigures.objects.using(DB).filter(month__gte=first, month__lte=last).values_list("month", "teams")
    )
    changed = set(
        MonthChanged.objects.using(DB).filter(month__gte=first, month__lte=last).values_list("month", flat=True)
    )
    stale = [m for m in months if m not in stored or m in changed]
    if stale:
        stored.update(recount(stale))
    return {m: {int(team): Counter(counts) for team, counts in stored[m].items()} for m in months}


def recount(months: Iterable[datetime.date]) -> dict[datetime.date, dict]:
    """Count these months again from the records, store them, and forget the changes that were counted.

    One request at a time (the lock): two requests counting the same month could otherwise store in the
    wrong order, the older count last, after the newer one had deleted the change it missed. A change
    committed after the MonthChanged rows are read here keeps its row, so the month is counted again next
    time; only the rows read are deleted."""
    months = sorted(set(months))
    with transaction.atomic(using=DB):
        connection = connections[DB]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        seen = list(MonthChanged.objects.using(DB).filter(month__in=months).values_list("pk", "month"))
        have = set(MonthFigures.objects.using(DB).filter(month__in=months).values_list("month", flat=True))
        todo = sorted({m for _, m in seen} | (set(months) - have))
        counted: dict[datetime.date, dict] = {}
        for first, last in _runs(todo):
            tallies = count_records(first, last_day(last))
            for m in _months(first, last):
                counted[m] = {str(team): dict(tally) for team, tally in tallies.get(m, {}).items()}
        MonthFigures.objects.using(DB).bulk_create(
            [MonthFigures(month=m, teams=teams) for m, teams in counted.items()],
            update_conflicts=True,
            unique_fields=["month"],
            update_fields=["teams", "counted_at"],
        )
        ids = [pk for pk, _ in seen]
        for n in range(0, len(ids), 500):
            MonthChanged.objects.using(DB).filter(pk__in=ids[n : n + 500]).delete()
        # Months another request counted while this one waited for the lock are read as it stored them.
        return dict(MonthFigures.objects.using(DB).filter(month__in=months).values_list("month", "teams"))


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = [first]
    while months[-1] < last:
        months.append(months[-1] + relativedelta(months=1))
    return months


def _runs(months: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive months as (first, last) runs: each run is counted with one set of queries."""
    runs: list[tuple[datetime.date, datetime.date]] = []
    for m in months:
        if runs and runs[-1][1] + relativedelta(months=1) == m:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    return runs


def total(tallies: Tallies, teams: set[int] | None) -> Counter:
    """The sum of the tallies of these teams (every team for None) over the months given."""
    summed: Counter = Counter()
    for by_team in tallies.values():
        for team, tally in by_team.items():
            if teams is None or team in teams:
                summed.update(tally)
    return summed
