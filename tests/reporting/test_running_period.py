"""A report for a period still running tells the truth (issue 42), and small numbers carry a caution (issue 37.2).

The clock is set in the middle of a quarter (7 December 2026, in Q3 2026/27: October to December) and every
figure is checked against the records built here for the purpose.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from caseaudit.improvement.models import ImprovementPlan, RemedialAction, Stage
from caseaudit.learning.models import LearningEntry
from caseaudit.reporting.exports import TOO_FEW_FOR_A_RATE, TOO_FEW_TO_COMPARE, report_tables
from caseaudit.reporting.models import Report
from caseaudit.reporting.periods import quarter
from caseaudit.reporting.report import build_report
from caseaudit.reporting.services import report_draft, report_publish
from caseaudit.reporting.summary import draft_summary

from .test_figures import done_audit

D = datetime.date
TODAY = D(2026, 12, 7)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 10, 0), tick=False)


@pytest.fixture
def quarter_in_flight(council, now):
    """Q3 2026/27 up to 7 December: 12 audits in October, 11 in November, 2 in December; three plans whose
    service manager reviews are done on time, overdue, and not due until 10 December; three actions."""
    team = council.team_a
    for n in range(12):
        done_audit(team, "good" if n < 9 else "requires_improvement", D(2026, 10, 1 + n))
    for n in range(11):
        done_audit(team, "good" if n < 5 else "requires_improvement", D(2026, 11, 2 + n))
    done_audit(team, "good", D(2026, 12, 1))
    done_audit(team, "good", D(2026, 12, 2))
    # One audit in the whole of the previous quarter: a base too small to compare with.
    done_audit(team, "inadequate", D(2026, 8, 3))
    sm = council["service_manager"]

    def plan(opened, due, done=None, by=None):
        audit = done_audit(team, "inadequate", opened)
        plan = ImprovementPlan.objects.create(audit=audit, child=audit.child, team=team, opened_on=opened)
        Stage.objects.create(plan=plan, kind="sm_review", due_on=due, completed_on=done, completed_by=by)
        return plan

    on_time = plan(D(2026, 10, 20), D(2026, 11, 3), D(2026, 11, 2), sm)
    overdue = plan(D(2026, 11, 6), D(2026, 11, 20))
    plan(D(2026, 11, 26), D(2026, 12, 10))  # not due until after today
    RemedialAction.objects.create(
        plan=overdue, description="Late", owner=sm, due_on=D(2026, 12, 1), created_on=D(2026, 11, 9)
    )
    RemedialAction.objects.create(
        plan=overdue, description="Due soon", owner=sm, due_on=D(2026, 12, 20), created_on=D(2026, 11, 9)
    )
    RemedialAction.objects.create(
        plan=on_time,
        description="Done",
        owner=sm,
        due_on=D(2026, 11, 20),
        created_on=D(2026, 10, 23),
        completed_on=D(2026, 11, 10),
        evidence="Visit recorded",
    )
    return quarter(TODAY)


def test_a_running_period_is_counted_as_at_today_and_says_so(quarter_in_flight):
    report = build_report(quarter_in_flight)
    assert report["as_at"] == "2026-12-07" and report["period"]["running"] is True
    assert report["period"]["label"].endswith(", as at 7 December 2026")
    review = report["improvement"]["stages"]["Service manager review"]
    # Done on time, and overdue: 1 of 2. The review due on 10 December is not yet due, not late.
    assert (review["on_time"], review["of"], review["percent"], review["not_yet_due"]) == (1, 2, 50.0, 1)
    # At 7 December two actions are open; only the one due on 1 December is overdue (on 31 December both
    # would be, which the report used to say on 7 December).
    assert report["improvement"]["actions"] == {"open": 2, "overdue": 1}
    assert report["trend"][-1]["month"] == "2026-12"  # the trend stops at the as-at month


def test_the_summary_page_pdf_and_exports_say_as_at(client, council, quarter_in_flight):
    report = build_report(quarter_in_flight)
    summary = draft_summary(report)
    assert "the figures are as at 7 December 2026" in summary
    assert "1 of 2 service manager reviews (50%) were completed within timescale (1 not yet due)" in summary
    assert "2 remedial actions were open on 7 December 2026, 1 overdue" in summary
    assert "at the end of the period" not in summary

    client.force_login(council["director"])
    body = client.get("/reports/", {"kind": "quarter"}).content.decode()
    assert "as at 7 December 2026" in body and 'id="as-at"' in body
    assert "As at 7 December 2026 2 remedial actions were open, 1 overdue" in body
    summary_rows = dict((row[0], row[1]) for row in report_tables(report)[0][2])
    assert summary_rows["Figures as at"] == "2026-12-07"


def test_reviews_by_manager_add_up_to_the_stage(quarter_in_flight):
    report = build_report(quarter_in_flight)
    review = report["improvement"]["stages"]["Service manager review"]
    rows = report["improvement"]["service_manager_reviews_by_manager"]
    assert sum(r["of"] for r in rows) == review["of"]
    assert sum(r["on_time"] for r in rows) == review["on_time"]
    assert {"manager": "Not yet recorded", "on_time": 0, "of": 1, "percent": 0.0} in rows


def test_every_breakdown_adds_up_to_its_total(council, quarter_in_flight):
    LearningEntry.objects.create(
        title="Voice of the child",
        kind="briefing",
        happened_on=D(2026, 11, 3),
        summary="x",
        created_by=council["qa_admin"],
    )
    report = build_report(quarter_in_flight)
    total = report["audits"]["total"]
    assert sum(report["grades"].values()) == total == report["audits"]["new"] + report["audits"]["re_audits"]
    assert report["inadequate"]["count"] == report["grades"]["Inadequate"]
    for stage in report["improvement"]["stages"].values():
        assert 0 <= stage["on_time"] <= stage["of"]
    review = report["improvement"]["stages"]["Service manager review"]
    by_manager = report["improvement"]["service_manager_reviews_by_manager"]
    assert sum(r["of"] for r in by_manager) == review["of"]
    assert sum(r["on_time"] for r in by_manager) == review["on_time"]
    assert sum(report["learning"]["by_kind"].values()) == report["learning"]["total"] == 1
    assert len(report["learning"]["entries"]) == report["learning"]["total"]
    for source in report["recommendations"]:
        assert sum(source["counts"].values()) + source["not_started"] == source["total"]
    # The trend's months are the records' months: recounted here.
    by_month = {"2026-10": 12 + 1, "2026-11": 11 + 2, "2026-12": 2}  # with the plans' inadequate audits
    for month, n in by_month.items():
        assert next(t for t in report["trend"] if t["month"] == month)["total"] == n


def test_a_rate_with_no_cases_is_no_rate_everywhere(client, council, quarter_in_flight):
    report = build_report(quarter_in_flight)
    reaudit = report["improvement"]["stages"]["Re-audit"]
    assert reaudit["of"] == 0 and reaudit["percent"] is None
    tables = {title: rows for title, _, rows in report_tables(report)}
    assert ["Re-audit", 0, 0, None, 0, ""] in tables["Timeliness"]

    client.force_login(council["director"])
    page = client.get("/reports/", {"kind": "quarter"})
    body = page.content.decode()
    row = re.search(r'<th scope="row" class="govuk-table__header">Re-audit</th>(.*?)</tr>', body).group(1)
    assert "–" in row and "0.0" not in row
    query = page.context["query"]
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/?{query}&format=xlsx").content))["Timeliness"]
    excel = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert excel["Re-audit"][3] is None
    text = client.get(f"/reports/?{query}&format=csv").content.decode("utf-8-sig")
    cells = [r for r in csv.reader(io.StringIO(text)) if r[0] == "Timeliness" and r[2] == "Re-audit" and r[3] == "%"]
    assert cells == [["Timeliness", "Stage", "Re-audit", "%", ""]]


def test_a_month_of_two_audits_is_marked_not_drawn_as_a_spike(client, council, quarter_in_flight):
    report = build_report(quarter_in_flight)
    december = report["trend"][-1]
    assert december["total"] == 2 and december["good_or_better"] == 100.0 and december["small_base"] is True
    assert not any(t["small_base"] for t in report["trend"] if t["total"] >= 10)
    client.force_login(council["director"])
    body = client.get("/reports/", {"kind": "quarter"}).content.decode()
    assert "Dec 2026 (2 audits)" in body and 'id="trend-small"' in body
    assert "Dec 2026: 100% Good or better, 0% Inadequate (only 2 audits: too few to read a rate from)" in body
    trend_rows = {r[0]: r for r in next(rows for title, _, rows in report_tables(report) if title == "Trend")}
    assert trend_rows["2026-12"][-1] == TOO_FEW_FOR_A_RATE and trend_rows["2026-10"][-1] == ""


def test_a_comparison_with_too_few_audits_is_not_drawn(client, council, quarter_in_flight):
    report = build_report(quarter_in_flight)
    previous = report["comparisons"]["previous_period"]
    assert previous["total"] == 1 and previous["comparable"] is False
    assert set(previous["change_points"].values()) == {None}
    assert "too few audits to compare with the previous period (28 in this period, 1 then" in draft_summary(report)
    assert "percentage points" not in draft_summary(report).split("previous period")[1].split("\n")[0]
    rows = next(rows for title, _, rows in report_tables(report) if title == "Comparisons")
    assert rows[0][-1] == TOO_FEW_TO_COMPARE
    client.force_login(council["director"])
    body = client.get("/reports/", {"kind": "quarter"}).content.decode()
    assert "Too few audits to compare" in body


def test_the_threshold_is_the_councils_to_set(settings, quarter_in_flight):
    settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD = 1
    report = build_report(quarter_in_flight)
    assert report["small_numbers"]["threshold"] == 1
    assert report["comparisons"]["previous_period"]["comparable"] is True
    assert not report["trend"][-1]["small_base"]


def test_a_snapshot_frozen_mid_period_keeps_its_as_at_date(council, quarter_in_flight, time_machine):
    draft = report_draft(period=quarter_in_flight, service_area=None, team=None, by=council["qa_admin"])
    report_publish(report=draft, by=council["qa_admin"])
    draft.save()
    frozen = Report.objects.get(pk=draft.pk).snapshot
    time_machine.move_to(datetime.datetime(2027, 1, 15, 10, 0), tick=False)
    # The review due on 10 December is now overdue, and the quarter has ended ...
    later = build_report(quarter_in_flight)
    assert later["period"]["running"] is False and later["as_at"] == "2026-12-31"
    assert later["improvement"]["stages"]["Service manager review"]["of"] == 3
    # ... but the published report still says what was so on 7 December.
    snapshot = Report.objects.get(pk=draft.pk).snapshot
    assert snapshot == frozen and snapshot["as_at"] == "2026-12-07"
    assert snapshot["improvement"]["stages"]["Service manager review"]["of"] == 2


def test_every_download_link_on_the_reports_page_returns_its_file(client, council, quarter_in_flight):
    """Followed from a first visit, with no period chosen: they once led to "This field is required"."""
    client.force_login(council["qa_admin"])
    body = client.get("/reports/").content.decode()
    links = re.findall(r'href="(\?[^"]*format=(pdf|xlsx|csv))"', body)
    assert [kind for _, kind in links] == ["pdf", "xlsx", "csv"]
    types = {"pdf": "application/pdf", "xlsx": "spreadsheetml", "csv": "text/csv"}
    for href, kind in links:
        response = client.get("/reports/" + href.replace("&amp;", "&"))
        assert response.status_code == 200 and types[kind] in response["Content-Type"], href
        assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").startswith("Table,")


def test_text_columns_are_left_aligned_and_numbers_right(client, council, quarter_in_flight):
    LearningEntry.objects.create(
        title="Voice of the child",
        kind="briefing",
        happened_on=D(2026, 11, 3),
        summary="x",
        created_by=council["qa_admin"],
    )
    client.force_login(council["director"])
    body = client.get("/reports/", {"kind": "quarter"}).content.decode()
    learning = body[body.index(">Learning</caption>") :]
    learning = learning[: learning.index("</table>")]
    assert 'class="govuk-table__header">Type</th>' in learning
    assert 'class="govuk-table__header">Learning</th>' in learning
    assert '<td class="govuk-table__cell">Voice of the child</td>' in learning
    timeliness = body[body.index(">Timeliness</caption>") :]
    timeliness = timeliness[: timeliness.index("</table>")]
    assert 'govuk-table__header--numeric num">On time</th>' in timeliness
    assert 'class="govuk-table__header">Note</th>' in timeliness


def test_the_definitions_page_says_how_a_running_period_is_counted(client, council):
    client.force_login(council["director"])
    body = client.get("/reports/how-the-figures-are-counted").content.decode()
    assert 'id="running"' in body and "as at" in body and "not yet due" in body
    assert "fewer than 10 cases" in body


@pytest.mark.django_db
def test_a_finished_period_is_counted_at_its_end_as_before(council, now):
    report = build_report(quarter(D(2026, 6, 1)))
    assert report["period"]["running"] is False and report["as_at"] == "2026-06-30"
    assert report["period"]["label"] == "Q1 2026/27 (April to June 2026)"
