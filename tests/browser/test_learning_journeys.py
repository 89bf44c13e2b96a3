"""Journeys through the learning log and the recommendations tracker, in a real browser.

A QA lead reads a period report, sees a practice area graded poorly and records
the learning the service did about it, citing the figures. A head of service
follows up the recommendations of a report and watches its results table move.
Bad input is refused with the GOV.UK error summary, and nothing typed is lost.

People come from the `council` fixture (tests/conftest.py). Finalised audits are
built with `done_audit` (tests/reporting/test_figures.py), dated today so the
report's default period, the current financial quarter, contains them.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource, Status
from caseaudit.reporting.periods import quarter
from tests.browser.conftest import JOURNEYS_BOTH_WAYS
from tests.browser.dates import expect_date, fill_date
from tests.reporting.test_figures import done_audit

# Every journey here runs twice: with JavaScript, and with it switched off (issue 11: htmx only enhances).
pytestmark = [pytest.mark.browser, JOURNEYS_BOTH_WAYS]

NOT_AN_ATTACHMENT = "The attachment must be a PDF, Word document, Excel spreadsheet or image (PNG, JPEG, GIF)"
NOT_A_REAL_PDF = "The attachment is not a real PDF file"


# Helpers --------------------------------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def summary_row(page: Page, key: str) -> Locator:
    """The value beside `key` in the page's summary list."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^{re.escape(key)}$")))
        .locator(".govuk-summary-list__value")
    )


def results_cells(page: Page) -> Locator:
    return page.get_by_role("table", name="Recommendations by how far they are implemented").locator("tbody td")


def recommendation_row(page: Page, agreed_action: str) -> Locator:
    table = page.get_by_role("table", name="The recommendations behind the results")
    return table.locator("tbody tr").filter(has=page.get_by_role("link", name=agreed_action, exact=True))


def day(date: datetime.date) -> str:
    """Dates as the learning log shows them: 5 Mar 2026."""
    return f"{date.day} {date:%b %Y}"


def body_text(page: Page, reader) -> str:
    """What a person reads on the page, less the "Signed in as" line (that names the reader, not a worker)."""
    return page.locator("body").inner_text().replace(f"Signed in as {reader.full_name}", "")


def voice_of_the_child_graded_poorly(council) -> str:
    """Four finalised audits of Team A dated today: Voice of the Child graded Inadequate twice, Requires
    Improvement once and Good once. Returns the findings the report cites for it."""
    today = timezone.localdate()
    grades = ["inadequate", "inadequate", "requires_improvement", "good"]
    children = [council.children["own"], council.children["colleagues"], council.children["own"], None]
    for grade, child in zip(grades, children, strict=True):
        done_audit(council.team_a, "requires_improvement", today, child=child, section_grades=[grade, "good"])
    return (
        f"Voice of the Child, {quarter(today).label_on(today)}: 75.0% Requires Improvement or Inadequate "
        "(3 of 4 judgements; 2 Inadequate)"
    )


def report_with_three_recommendations(council) -> tuple[RecommendationSource, list[str]]:
    today = timezone.localdate()
    source = RecommendationSource.objects.create(
        kind="internal_audit", title="Internal audit of case file QA", reported_on=today - datetime.timedelta(days=60)
    )
    actions = [
        "Extend the audit process to IROs",
        "Publish the moderation guidance",
        "Report repeat Inadequate audits to the senior team",
    ]
    for action in actions:
        Recommendation.objects.create(
            source=source,
            text=f"Recommendation: {action.lower()}",
            agreed_action=action,
            owner=council["service_manager"],
            raised_on=source.reported_on,
            due_on=today + datetime.timedelta(days=90),
        )
    return source, actions


def record_follow_up(page: Page, number: int, status: str, evidence: str) -> None:
    page.get_by_role("link", name=f"Follow up recommendation {number}", exact=True).click()
    expect(heading(page)).to_have_text("Record a follow-up")
    expect_date(page, "Date of the follow-up", timezone.localdate())
    page.get_by_role("radio", name=status, exact=True).check()
    page.get_by_label("Evidence seen").fill(evidence)
    page.get_by_role("button", name="Record follow-up").click()


def fill_learning(page: Page, title: str) -> None:
    page.get_by_role("radio", name="Briefing", exact=True).check()
    page.get_by_label("Title").fill(title)
    fill_date(page, "Date", timezone.localdate())
    page.get_by_label("Summary").fill("Seeing children alone, and recording their words, at every visit.")


# Journeys -------------------------------------------------------------------------------------------------------


def test_a_qa_lead_turns_a_reports_findings_about_the_voice_of_the_child_into_a_briefing(
    page: Page, council, sign_in, shots_dir: Path
):
    findings = voice_of_the_child_graded_poorly(council)
    today = timezone.localdate()
    title = "Hearing the child: briefing for Team A"
    summary = "Seeing children alone, and recording their words, at every visit."

    # The QA lead opens this quarter's report and finds the poor grades with a way to record learning.
    sign_in(council["qa_admin"])
    menu(page).get_by_role("link", name="Reports").click()
    expect(heading(page)).to_have_text(f"Case file audit report: {quarter(today).label_on(today)}")
    expect(page.get_by_role("heading", name="Turn findings into learning")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=findings)).to_have_count(1)
    page.get_by_role("link", name="record learning about Voice of the Child", exact=True).click()

    # The form arrives with the practice area ticked and the figures cited.
    expect(page).to_have_url(re.compile(r"/learning/new\?"))
    expect(heading(page)).to_have_text("Record learning")
    areas = page.get_by_role("group", name="Practice areas it answers")
    expect(areas.get_by_role("checkbox", name="Voice of the Child", exact=True)).to_be_checked()
    expect(areas.get_by_role("checkbox", name="Quality of Plans", exact=True)).not_to_be_checked()
    expect(page.get_by_label("The findings that prompted it")).to_have_value(findings)

    page.get_by_role("radio", name="Briefing", exact=True).check()
    page.get_by_label("Title").fill(title)
    fill_date(page, "Date", today)
    page.get_by_label("Summary").fill(summary)
    page.get_by_role("button", name="Save").click()

    # The entry shows what was recorded and the findings that prompted it.
    entry = LearningEntry.objects.get()
    expect(page).to_have_url(re.compile(rf"/learning/{entry.pk}/$"))
    expect(success_banner(page)).to_contain_text("Learning recorded")
    expect(heading(page)).to_have_text(title)
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Briefing · {today.day} {today:%B %Y}")
    expect(summary_row(page, "Summary")).to_have_text(summary)
    expect(summary_row(page, "Answers")).to_have_text("Voice of the Child")
    expect(summary_row(page, "Prompted by")).to_have_text(findings)
    page.screenshot(path=shots_dir / "learning-entry.png", full_page=True)
    entry_text = body_text(page, council["qa_admin"])

    # The learning log lists it.
    page.get_by_role("link", name="Back to the learning log").click()
    expect(heading(page)).to_have_text("Learning log")
    rows = page.get_by_role("table", name="Learning, newest first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text([day(today), title, "Briefing", "Voice of the Child"])
    page.screenshot(path=shots_dir / "learning-log.png", full_page=True)
    log_text = body_text(page, council["qa_admin"])

    # Learning is shared across the service: neither page names a worker, an auditor or a child.
    for name in ("Social Worker", "Colleague", "Auditor", "Olivia Own", "Callum Colleague"):
        assert name not in entry_text, name
        assert name not in log_text, name
    for child in council.children.values():
        assert child.case_id not in entry_text and child.case_id not in log_text

    assert entry.kind == "briefing" and entry.themes == ["Voice of the Child"] and entry.prompted_by == findings
    assert entry.created_by == council["qa_admin"]


def test_a_head_of_service_follows_up_a_reports_recommendations_and_sees_the_results_move(
    page: Page, council, sign_in, shots_dir: Path
):
    source, actions = report_with_three_recommendations(council)

    # The head of service finds the report in the tracker, nothing followed up yet.
    sign_in(council["head_of_service"])
    menu(page).get_by_role("link", name="Learning").click()
    expect(heading(page)).to_have_text("Learning log")
    page.get_by_role("link", name="Recommendations tracker").click()
    expect(heading(page)).to_have_text("Recommendations tracker")
    tracker = page.get_by_role("table", name="Reports and how far their recommendations are implemented")
    expect(tracker.locator("thead th")).to_have_text(
        [
            "Report",
            "Fully implemented",
            "Substantially implemented",
            "Partially implemented",
            "Not implemented",
            "Not started",
        ]
    )
    row = tracker.locator("tbody tr").filter(has=page.get_by_role("link", name=source.title, exact=True))
    expect(row.locator("td").nth(5)).to_have_text("3")
    row.get_by_role("link", name=source.title, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/learning/recommendations/sources/{source.pk}/$"))
    expect(heading(page)).to_have_text(source.title)
    expect(results_cells(page)).to_have_text(["0", "0", "0", "0"])
    expect(page.get_by_text("3 not followed up yet.")).to_be_visible()
    for action in actions:
        expect(recommendation_row(page, action).locator("td").nth(1)).to_have_text("Service Manager")
        expect(recommendation_row(page, action).locator("td").nth(3)).to_have_text("Not started")

    # A follow-up on each of the three recommendations.
    outcomes = [
        ("Fully implemented", "IROs audit two files a quarter; schedule seen."),
        ("Partially implemented", "Guidance drafted, not yet published."),
        ("Not implemented", "No report to the senior team since the audit."),
    ]
    for number, (status, evidence) in enumerate(outcomes, start=1):
        record_follow_up(page, number, status, evidence)
        expect(page).to_have_url(re.compile(rf"/learning/recommendations/sources/{source.pk}/$"))
        expect(success_banner(page)).to_contain_text("Follow-up recorded")
        expect(recommendation_row(page, actions[number - 1]).locator("td").nth(3)).to_have_text(status)

    # Fully, Substantially, Partially, Not implemented.
    expect(results_cells(page)).to_have_text(["1", "0", "1", "1"])
    expect(page.get_by_text("not followed up yet")).to_have_count(0)
    page.screenshot(path=shots_dir / "recommendations-source.png", full_page=True)

    # The history of one recommendation shows who saw what evidence.
    page.get_by_role("link", name=actions[1], exact=True).click()
    expect(heading(page)).to_have_text("Recommendation")
    history = page.get_by_role("table", name="Every follow-up, oldest first").locator("tbody tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td")).to_have_text(
        [day(timezone.localdate()), "Partially implemented", outcomes[1][1], "Head Of Service"]
    )

    page.get_by_role("link", name=f"Back to {source.title}").click()
    page.get_by_role("link", name="Back to the recommendations tracker").click()
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(row.locator("td").nth(2)).to_have_text("0")
    expect(row.locator("td").nth(3)).to_have_text("1")
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(row.locator("td").nth(5)).to_have_text("0")
    assert list(Recommendation.objects.order_by("pk").values_list("status", flat=True)) == [
        Status.FULLY,
        Status.PARTIALLY,
        Status.NOT_IMPLEMENTED,
    ]


def test_a_follow_up_without_evidence_is_refused_and_keeps_the_chosen_status(page: Page, council, sign_in):
    source, actions = report_with_three_recommendations(council)

    sign_in(council["head_of_service"])
    page.goto(f"/learning/recommendations/sources/{source.pk}/")
    page.get_by_role("link", name="Follow up recommendation 2", exact=True).click()
    expect(heading(page)).to_have_text("Record a follow-up")
    expect(page.get_by_text(actions[1], exact=True)).to_be_visible()
    page.get_by_role("radio", name="Partially implemented", exact=True).check()
    page.get_by_role("button", name="Record follow-up").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Describe the evidence seen at this follow-up"])
    expect(page.locator("#id_evidence-error")).to_have_text("Error: Describe the evidence seen at this follow-up")
    expect(page.get_by_label("Evidence seen")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("radio", name="Partially implemented", exact=True)).to_be_checked()
    expect_date(page, "Date of the follow-up", timezone.localdate())

    # The summary link lands on the field to correct; with evidence the follow-up is recorded.
    summary.get_by_role("link", name="Describe the evidence seen at this follow-up").click()
    expect(page.get_by_label("Evidence seen")).to_be_focused()
    page.keyboard.type("Guidance drafted, not yet published.")
    page.get_by_role("button", name="Record follow-up").click()
    expect(success_banner(page)).to_contain_text("Follow-up recorded")
    expect(results_cells(page)).to_have_text(["0", "0", "1", "0"])


def test_an_attachment_that_is_not_a_document_or_image_is_refused_and_the_title_is_kept(
    page: Page, council, sign_in, tmp_path: Path
):
    program = tmp_path / "briefing.exe"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00")
    fake_pdf = tmp_path / "briefing.pdf"
    fake_pdf.write_bytes(b"<html><body>not a pdf</body></html>")
    title = "Hearing the child: briefing for Team A"

    sign_in(council["qa_admin"])
    menu(page).get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Record learning").click()
    expect(heading(page)).to_have_text("Record learning")
    fill_learning(page, title)
    page.get_by_label("Attachment").set_input_files(program)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page).get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(error_summary(page).get_by_role("link")).to_have_text([NOT_AN_ATTACHMENT])
    expect(page.locator("#id_attachment-error")).to_have_text(f"Error: {NOT_AN_ATTACHMENT}")
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page.get_by_role("radio", name="Briefing", exact=True)).to_be_checked()

    # A web page renamed .pdf is refused by its content.
    page.get_by_label("Attachment").set_input_files(fake_pdf)
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([NOT_A_REAL_PDF])
    expect(page.get_by_label("Title")).to_have_value(title)
    assert not LearningEntry.objects.exists()

    # Without the attachment, the learning is recorded.
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page)).to_contain_text("Learning recorded")
    expect(heading(page)).to_have_text(title)
    assert LearningEntry.objects.get().attachment.name == ""
