"""Report pages, exports read back, publishing freezes the figures."""

import datetime
import io
import subprocess

import pytest
from openpyxl import load_workbook

from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.reporting.models import Report
from caseaudit.reporting.report import in_report_order

from .test_figures import done_audit

D = datetime.date
QUARTER = {"kind": "quarter", "day": "2026-05-15"}  # Q1 2026/27: April to June 2026


@pytest.fixture
def audits(council):
    for n, grade in enumerate(["good"] * 9 + ["requires_improvement"] * 12 + ["inadequate"]):
        done_audit(
            council.team_a, grade, D(2026, 4, 1) + datetime.timedelta(days=n * 3), activities=3, section_grades=[grade]
        )
    done_audit(council.team_c, "inadequate", D(2026, 5, 5), activities=3)


def test_the_report_page_shows_the_periods_figures(client, council, audits):
    client.force_login(council["director"])
    response = client.get("/reports/", QUARTER)
    body = response.content.decode()
    assert response.status_code == 200
    report = response.context["report"]
    assert report["audits"]["total"] == 23 and report["activities"] == 69
    assert "Q1 2026/27" in body and '<svg role="img"' in body and '<title id="chart-grades-title">' in body
    assert "23 case file audits were completed" in body


def test_people_who_do_not_oversee_work_get_no_reports(client, council):
    for who in ("social_worker", "auditor", "iro"):
        client.force_login(council[who])
        assert client.get("/reports/").status_code == 404, who


def test_a_service_manager_sees_only_their_own_areas_figures(client, council, audits):
    client.force_login(council["service_manager"])
    report = client.get("/reports/", {**QUARTER, "service_area": council.team_c.service_area_id}).context["report"]
    assert report["service_area"] == "North"
    assert report["audits"]["total"] == 22 and report["inadequate"]["count"] == 1


def test_bad_custom_dates_are_refused_clearly(client, council):
    client.force_login(council["director"])
    body = client.get("/reports/", {"kind": "custom", "start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "There is a problem" in body and "The end must be on or after the start" in body
    body = client.get("/reports/", {"kind": "custom", "start": "2026-02-30"}).content.decode()
    assert "From must be a real date" in body
    assert 'name="start_day" value="30"' in body and 'name="start_month" value="2"' in body  # as typed


def test_the_pdf_reads_back_with_the_figures_on_a4_pages(client, council, audits, tmp_path):
    client.force_login(council["director"])
    response = client.get("/reports/", {**QUARTER, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "23 case file audits were completed" in text
    assert "39.1% of files were judged Good" in text  # 9 of 23
    assert text.count("Demo Borough Council") >= 3  # the council's name on every page
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "x 841.89 pts (A4)" in info
    assert "Tagged:          yes" in info


def test_the_excel_has_a_sheet_per_table_with_numbers_as_numbers(client, council, audits):
    client.force_login(council["director"])
    workbook = load_workbook(io.BytesIO(client.get("/reports/", {**QUARTER, "format": "xlsx"}).content))
    assert {"Summary", "Grades", "Practice areas", "Comparisons", "Timeliness", "Trend"} <= set(workbook.sheetnames)
    grades = {row[0].value: (row[1].value, row[2].value) for row in workbook["Grades"].iter_rows(min_row=2)}
    assert grades["Good"] == (9, 39.1) and grades["Inadequate"] == (2, 8.7)
    assert isinstance(grades["Good"][0], int) and isinstance(grades["Good"][1], float)


def test_the_csv_is_one_tidy_table(client, council, audits):
    client.force_login(council["director"])
    body = client.get("/reports/", {**QUARTER, "format": "csv"}).content.decode("utf-8-sig")
    assert body.splitlines()[0] == "Table,Row heading,Row,Column,Value"
    assert "Grades,Grade,Good,Audits,9" in body


def test_a_published_report_is_frozen_and_later_edits_do_not_change_it(client, council, audits):
    from caseaudit.audits.models import Audit

    client.force_login(council["qa_admin"])
    response = client.post("/reports/prepare", {**QUARTER})
    draft = Report.objects.get()
    assert response["Location"] == f"/reports/published/{draft.pk}/"
    assert draft.summary.startswith("23 case file audits")
    client.post(f"/reports/published/{draft.pk}/", {"summary": "Edited by the QA lead.", "version": 1, "publish": "1"})
    draft.refresh_from_db()
    assert draft.is_published and draft.snapshot["audits"]["total"] == 23 and draft.summary == "Edited by the QA lead."
    Audit.objects.filter(final_grade="good").update(final_grade="inadequate")  # records change afterwards
    page = client.get(f"/reports/published/{draft.pk}/")
    assert page.context["report"]["grades"]["Good"] == 9
    assert "Edited by the QA lead." in page.content.decode()
    client.force_login(council["director"])
    assert client.get(f"/reports/published/{draft.pk}/").status_code == 200


def test_two_people_saving_one_draft_report_never_overwrite_each_other(client, council, audits):
    client.force_login(council["qa_admin"])
    client.post("/reports/prepare", {**QUARTER})
    draft = Report.objects.get()
    page = f"/reports/published/{draft.pk}/"
    assert client.post(page, {"summary": "First reader's words.", "version": 1}).status_code == 302
    # A second person's form, opened at version 1, saved after the first: refused, their text kept, nothing lost.
    response = client.post(page, {"summary": "Second reader's words.", "version": 1, "publish": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this report while you were editing it" in body
    assert "Second reader&#x27;s words." in body or "Second reader's words." in body
    draft.refresh_from_db()
    assert (draft.summary, draft.version, draft.is_published) == ("First reader's words.", 2, False)


def test_a_draft_is_for_the_qa_team_only(client, council, audits):
    client.force_login(council["qa_admin"])
    client.post("/reports/prepare", {**QUARTER})
    draft = Report.objects.get()
    client.force_login(council["director"])
    assert client.get(f"/reports/published/{draft.pk}/").status_code == 404
    assert client.post("/reports/prepare", {**QUARTER}).status_code == 404


def test_the_command_writes_pdf_excel_and_csv(council, audits, tmp_path):
    from django.core.management import call_command

    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"report.{fmt}"
        call_command("report", "--from", "2026-04-01", "--to", "2026-06-30", "--format", fmt, "--output", str(out))
        assert out.stat().st_size > 100
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert load_workbook(tmp_path / "report.xlsx")["Grades"]["B3"].value == 9


def test_subscribed_reports_are_emailed_once_per_period_as_a_pdf(council, audits, django_capture_on_commit_callbacks):
    from django.core import mail

    from caseaudit.reporting.delivery import send_due_reports
    from caseaudit.reporting.models import ReportSubscription

    subscription = ReportSubscription.objects.create(frequency="quarterly")
    subscription.recipients.add(council["head_of_service"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reports(today=D(2026, 7, 3))
    assert [(d.start, d.end) for d in sent] == [(D(2026, 4, 1), D(2026, 6, 30))]
    message = mail.outbox[-1]
    assert set(message.to) == {"director@council.example", "head_of_service@council.example"}
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reports(today=D(2026, 7, 20)) == []  # the same quarter is not sent twice
    assert len(mail.outbox) == 1


def test_publishing_makes_the_pdf_so_the_first_download_does_not_wait(
    client, council, audits, monkeypatch, django_capture_on_commit_callbacks
):
    import weasyprint
    from django.core.cache import cache

    cache.clear()
    made = []
    real_write = weasyprint.HTML.write_pdf
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, **kw: made.append(1) or real_write(self, **kw))
    client.force_login(council["qa_admin"])
    client.post("/reports/prepare", {**QUARTER})
    draft = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/published/{draft.pk}/", {"summary": "Final words.", "version": 1, "publish": "1"})
    assert len(made) == 1  # made when published
    client.force_login(council["director"])
    response = client.get(f"/reports/published/{draft.pk}/", {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert len(made) == 1  # the download is the PDF made at publishing, not a new one
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert b"Final words." in text


def test_a_published_report_keeps_the_order_of_its_tables(client, council):
    """PostgreSQL's jsonb stores a dict's keys shortest first ("Quality of Plans" before "Voice of the Child",
    "Year to date" before "Previous period", "Re-audit" before "Day-three meeting"): the published page, its
    chart and its spreadsheet must still list them as the live report does."""
    for n in range(3):
        done_audit(council.team_a, "good", D(2026, 4, 10 + n), section_grades=["good"] * 7)
    client.force_login(council["qa_admin"])
    live = client.get("/reports/", QUARTER).context["report"]
    tool_order = list(live["sections"])
    assert tool_order[:3] == ["Voice of the Child", "Assessment and Analysis", "Quality of Plans"]
    live_sheet = load_workbook(io.BytesIO(client.get("/reports/", {**QUARTER, "format": "xlsx"}).content))
    client.post("/reports/prepare", {**QUARTER})
    draft = Report.objects.get()
    client.post(f"/reports/published/{draft.pk}/", {"summary": "Final.", "version": 1, "publish": "1"})
    page = client.get(f"/reports/published/{draft.pk}/")
    body = page.content.decode()
    table = body[body.index("Practice areas") :]
    assert sorted(tool_order, key=table.index) == tool_order
    chart = page.context["charts"]["areas"]
    assert sorted(tool_order, key=chart.index) == tool_order
    labels = [c["label"] for c in live["comparisons"].values()]
    assert labels[0].startswith("Previous period") and labels[-1].startswith("Year to date")
    assert sorted(labels, key=body.index) == labels
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/published/{draft.pk}/", {"format": "xlsx"}).content))
    for name in ("Practice areas", "Comparisons", "Timeliness"):
        first_column = [r[0] for r in sheet[name].iter_rows(min_row=2, values_only=True)]
        assert first_column == [r[0] for r in live_sheet[name].iter_rows(min_row=2, values_only=True)], name
    assert [r[0] for r in sheet["Timeliness"].iter_rows(min_row=2, values_only=True)][0] == "Day-three meeting"


def test_a_snapshot_read_back_in_jsonbs_order_is_put_back_in_the_reports_order(council):
    from caseaudit.reporting.periods import quarter
    from caseaudit.reporting.report import build_report

    live = build_report(quarter(D(2026, 5, 15)))

    def jsonb(value):  # what PostgreSQL gives back: every object's keys shortest first, then by their bytes
        if isinstance(value, dict):
            return {k: jsonb(value[k]) for k in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
        return [jsonb(v) for v in value] if isinstance(value, list) else value

    stored = jsonb({**live, "section_order": list(live["sections"])})
    assert list(stored["comparisons"]) != list(live["comparisons"])
    assert list(stored["improvement"]["stages"]) != list(live["improvement"]["stages"])
    back = in_report_order(stored)
    assert back == live | {"section_order": list(live["sections"])}  # the figures are untouched
    assert list(back["comparisons"]) == list(live["comparisons"])
    assert list(back["improvement"]["stages"]) == list(live["improvement"]["stages"])
    assert list(back["sections"]) == list(live["sections"])
    extra = in_report_order({**stored, "comparisons": {"zz_new": {}, **stored["comparisons"]}})
    assert list(extra["comparisons"])[-1] == "zz_new"  # one this code does not know goes last


def test_snapshots_published_before_the_order_was_kept_get_the_tools_order(council):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("caseaudit.reporting.migrations.0002_snapshot_section_order")
    tool, _ = standard_tools_ensure()
    titles = list(tool.current_version.sections.values_list("title", flat=True))
    stored = {t: {"Good": 1} for t in sorted(titles, key=lambda t: (len(t), t))}  # as jsonb gave them back
    report = Report.objects.create(
        title="Old",
        start=D(2025, 4, 1),
        end=D(2026, 3, 31),
        status="published",
        snapshot={"sections": stored},
        created_by=council["qa_admin"],
    )
    migration.add_section_order(apps, None)
    report.refresh_from_db()
    assert report.snapshot["section_order"] == titles
    assert list(in_report_order(report.snapshot)["sections"]) == titles
