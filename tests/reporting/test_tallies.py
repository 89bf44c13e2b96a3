"""Months counted ahead of time (decision 0074) give the figures the records give, after every kind of write."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseaudit.audits.models import Activity, Audit, SectionJudgement
from caseaudit.reporting import tallies
from caseaudit.reporting.figures import Scope, audit_figures
from caseaudit.reporting.models import MonthChanged, MonthFigures
from caseaudit.reporting.periods import Period
from caseaudit.reporting.report import build_report

from ..factories import TeamFactory
from .test_figures import done_audit

D = datetime.date
SECTIONS = ["good", "requires_improvement", "inadequate", "good"]


def reports(teams) -> list[dict]:
    periods = [
        (Period(D(2025, 4, 1), D(2026, 3, 31), "financial year"), {}),
        (Period(D(2025, 4, 1), D(2026, 3, 31), "one team"), {"team": teams[0]}),
        (Period(D(2025, 4, 1), D(2026, 3, 31), "one area"), {"service_area": teams[1].service_area}),
        (Period(D(2025, 5, 17), D(2025, 11, 3), "days, not months"), {}),
    ]
    made = []
    for period, scope in periods:
        report = build_report(period, **scope)
        report.pop("generated_at")
        made.append(report)
    return made


def forget_stored_months() -> None:
    """Nothing stored: the next report counts every month again from the records."""
    MonthFigures.objects.all().delete()
    MonthChanged.objects.all().delete()


def assert_stored_months_match_the_records(teams) -> None:
    stored = reports(teams)
    forget_stored_months()
    assert stored == reports(teams)


@pytest.mark.django_db
def test_stored_months_give_the_records_figures_after_every_kind_of_write():
    teams = [TeamFactory(), TeamFactory()]
    first = done_audit(teams[0], "inadequate", D(2025, 4, 10), activities=2, section_grades=SECTIONS)
    follow = done_audit(teams[0], "inadequate", D(2025, 6, 2), kind="re_audit", follows=first, activities=1)
    moved = done_audit(teams[0], "good", D(2025, 7, 20), activities=3, section_grades=SECTIONS)
    dated = done_audit(teams[1], "requires_improvement", D(2025, 9, 5), section_grades=SECTIONS)
    gone = done_audit(teams[1], "outstanding", D(2026, 1, 12), activities=1, section_grades=SECTIONS)
    later = done_audit(teams[1], "good", D(2025, 11, 2), activities=1)
    draft = done_audit(teams[0], "good", D(2025, 8, 8), activities=1, section_grades=SECTIONS)
    Audit.objects.filter(pk=draft.pk).update(status="draft", final_grade="")
    first_reports = reports(teams)  # every month of the year is stored now
    assert MonthFigures.objects.count() >= 12
    assert first_reports[0]["audits"]["total"] == 6
    assert first_reports[0]["repeat_inadequate"]["count"] == 1
    assert_stored_months_match_the_records(teams)

    steps = [
        # Moderation changes an old grade, and with it the re-audit's repeat count in another month.
        lambda: Audit.objects.filter(pk=first.pk).update(final_grade="good", moderated_overall_grade="good"),
        lambda: SectionJudgement.objects.filter(audit=moved).update(moderated_grade="outstanding"),
        lambda: Activity.objects.filter(audit=moved).first().delete(),
        lambda: Activity.objects.create(audit=dated, kind="file_review", happened_on=D(2025, 9, 5)),
        lambda: Audit.objects.filter(pk=moved.pk).update(team=teams[1]),
        lambda: Audit.objects.filter(pk=dated.pk).update(audit_date=D(2026, 2, 27)),
        lambda: Audit.objects.filter(pk=draft.pk).update(status="finalised", final_grade="good"),
        lambda: Audit.objects.filter(pk=later.pk).update(
            is_critical=True, final_grade="inadequate", overall_grade="inadequate", moderated_overall_grade="inadequate"
        ),
        lambda: (gone.judgements.all().delete(), gone.activities.all().delete(), gone.delete()),
        lambda: Audit.objects.filter(pk=follow.pk).update(status="in_moderation", final_grade=""),
    ]
    before = first_reports
    for n, step in enumerate(steps):
        step()
        after = reports(teams)
        assert after != before, f"step {n} changed nothing a report shows: the test would prove nothing"
        forget_stored_months()
        assert after == reports(teams), f"after step {n} the stored months differ from the records"
        before = after


@pytest.mark.django_db
def test_a_write_to_a_finalised_audit_marks_its_month_and_a_draft_does_not():
    team = TeamFactory()
    audit = done_audit(team, "good", D(2025, 6, 14), activities=1, section_grades=SECTIONS)
    assert set(MonthChanged.objects.values_list("month", flat=True)) == {D(2025, 6, 1)}
    MonthChanged.objects.all().delete()

    Audit.objects.filter(pk=audit.pk).update(strengths="Clear plan")  # nothing a report counts
    assert not MonthChanged.objects.exists()
    Audit.objects.filter(pk=audit.pk).update(audit_date=D(2025, 8, 1))
    assert set(MonthChanged.objects.values_list("month", flat=True)) == {D(2025, 6, 1), D(2025, 8, 1)}
    MonthChanged.objects.all().delete()

    SectionJudgement.objects.filter(audit=audit).update(moderated_grade="inadequate")
    assert set(MonthChanged.objects.values_list("month", flat=True)) == {D(2025, 8, 1)}
    MonthChanged.objects.all().delete()

    Audit.objects.filter(pk=audit.pk).update(status="draft", final_grade="")  # leaves August's count
    assert set(MonthChanged.objects.values_list("month", flat=True)) == {D(2025, 8, 1)}
    MonthChanged.objects.all().delete()
    Activity.objects.create(audit=audit, kind="file_review", happened_on=D(2025, 8, 1))
    SectionJudgement.objects.filter(audit=audit).update(moderated_grade="good")
    assert not MonthChanged.objects.exists()


@pytest.mark.django_db
def test_a_stored_month_is_read_and_not_counted_again():
    team = TeamFactory()
    done_audit(team, "good", D(2025, 6, 14), activities=2, section_grades=SECTIONS)
    scope = Scope(D(2025, 4, 1), D(2026, 3, 31))
    counted = audit_figures(scope)
    assert counted["audits"]["total"] == 1 and counted["activities"] == 2
    assert not MonthChanged.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        tallies.month_tallies(scope.start, scope.end)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "audits_activity" not in sql and "audits_sectionjudgement" not in sql
    assert len(queries.captured_queries) == 2  # the stored months and the changes to them
    assert audit_figures(scope) == counted


@pytest.mark.django_db
def test_the_counting_reads_only_audit_columns_the_triggers_watch():
    """A stored month is counted again only when the triggers mark it (reporting migration 0003). A figure that
    read an audit column they do not watch would be served stale from MonthFigures after that column changed:
    this fails first, naming the column. (Section judgements and activities: any change to a row is watched.)"""
    import importlib
    import re

    watched = set(importlib.import_module("caseaudit.reporting.migrations.0003_month_figures").AUDIT_COLUMNS)
    with CaptureQueriesContext(connection) as queries:
        tallies.count_records(D(2025, 1, 1), D(2025, 12, 31))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # The audit table under its own name or an alias Django gives a join (T3 for the audit a re-audit follows).
    aliases = {"audits_audit", *re.findall(r'"audits_audit" (\w+)', sql)}
    read = {column for alias in aliases for column in re.findall(rf'"?{alias}"?\."(\w+)"', sql)}
    assert read, "the counting's SQL was not read: the test must be mended, not passed"
    assert read - watched - {"id"} == set()
