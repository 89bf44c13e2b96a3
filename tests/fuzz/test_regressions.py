"""One test per input or export bug found while fuzzing."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from caseaudit.web.exports import csv_response, safe_cell, xlsx_response

from .hostile import FORMULAS


def test_a_text_answer_with_control_characters_gets_a_govuk_error_not_a_500():
    from caseaudit.improvement.forms import ReviewForm

    for text in ("nul\x00byte", "bell\x07", "escape\x1b[31m", "c1\x9bx"):
        form = ReviewForm({"outcome": text})
        assert not form.is_valid()
        assert form.errors["outcome"] == [
            "Remove the hidden control characters from this answer (they often come from pasted text)"
        ]
    # Tabs and line breaks are ordinary typing.
    assert ReviewForm({"outcome": "line one\r\n\tline two"}).is_valid()


def test_fields_added_after_init_are_checked_too(db):
    from caseaudit.learning.forms import SourceForm

    form = SourceForm({"kind": "inspection", "title": "Ofsted\x00", "reported_on": "2026-01-05"})
    assert not form.is_valid() and "title" in form.errors


@pytest.mark.parametrize("value", [*FORMULAS, "  =1+1", "\x01=1+1", "@@"])
def test_safe_cell_never_leaves_a_formula(value):
    cell = safe_cell(value)
    assert cell.startswith("'")


def test_safe_cell_keeps_numbers_dates_and_plain_text():
    day = datetime.date(2026, 3, 1)
    assert safe_cell(-3) == -3 and safe_cell(day) == day and safe_cell("Good") == "Good"


def test_xlsx_export_of_hostile_text_opens_and_runs_nothing():
    """openpyxl refused a cell with a control character (a 500), and wrote '=...' as a formula."""
    rows = [[v] for v in [*FORMULAS, "ctl\x01\x02", "lone \ud800", "plain"]]
    response = xlsx_response("x", [("Sheet", ["Value"], rows)])
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet["A"][1:]]
    assert all(cell.data_type != "f" for cell in sheet["A"])
    assert all(not str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert "ctl" in values and "plain" in values


def test_csv_export_of_hostile_text_runs_nothing():
    rows = [[v, -1] for v in FORMULAS]
    response = csv_response("x", ["Value", "Number"], rows)
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    next(reader)
    for text, number in reader:
        assert text.startswith("'")
        assert number == "-1"  # numbers stay numbers


def test_every_export_view_neutralises_hostile_stored_text(client, council):
    """Stored hostile text (from before the form check, an import or the admin) reaches every export safely."""
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.learning.models import LearningEntry
    from caseaudit.organisation.models import Child

    standard_tools_ensure()
    today = datetime.date.today()
    LearningEntry.objects.create(
        kind="briefing", title="=cmd|' /C calc'!A0\x01", happened_on=today, summary="x", created_by=council["qa_admin"]
    )
    Child.objects.filter(pk=council.children["own"].pk).update(name="@SUM(A1)\x02")
    client.force_login(council["qa_admin"])
    urls = [
        f"/reports/?kind=custom&start={today.replace(day=1)}&end={today}&format=xlsx",
        f"/reports/?kind=custom&start={today.replace(day=1)}&end={today}&format=csv",
        "/improvement/?format=xlsx",
        "/improvement/?format=csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("xlsx"):
            book = load_workbook(io.BytesIO(response.content))
            cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
            assert not [c.coordinate for c in cells if c.data_type == "f"], url
            texts = [c.value for c in cells if isinstance(c.value, str)]
        else:
            texts = [v for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for v in row]
        assert not [t for t in texts if t.lstrip(" ").startswith(("=", "+", "@", "\t", "\r"))], url
        if "reports" in url:
            assert any("cmd|" in t for t in texts), f"the learning title is not in {url}"


def test_an_overlong_tool_question_is_a_form_error_not_a_database_error(client, council):
    """Found on PostgreSQL: a question line over the column's 300 characters raised DataError."""
    from caseaudit.audits.models import AuditTool
    from caseaudit.audits.services.tools import standard_tools_ensure

    tool, _ = standard_tools_ensure()
    versions = tool.versions.count()
    client.force_login(council["qa_admin"])
    response = client.post(
        f"/audits/tools/{tool.pk}/edit",
        {
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-title": "Voice of the child",
            "sections-0-questions": "Short question\n" + "Q" * 301,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "Question 2 must be 300 characters or fewer" in response.content.decode()
    assert AuditTool.objects.get(pk=tool.pk).versions.count() == versions
