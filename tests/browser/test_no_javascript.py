"""The main journeys with JavaScript switched off: every task is a plain form post and a redirect.

Some people browse with JavaScript off, and council networks sometimes block scripts.
Each journey runs in a browser context with `java_script_enabled=False`; htmx and the
session timeout dialog are only enhancements.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from caseaudit.audits.models import AuditStatus
from caseaudit.improvement.models import StageKind
from caseaudit.learning.models import LearningEntry
from caseaudit.reporting.periods import month
from tests.browser.a11y import signed_in_context
from tests.browser.conftest import sign_in_through_the_form
from tests.browser.dates import fill_date
from tests.browser.test_audit_journeys import PRACTICE_AREAS, choose, open_audit, submitted_audit, summary_value
from tests.browser.test_improvement_journeys import inadequate_plan, stage_row

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js(browser: Browser, live_server, transactional_db):
    """A page in a context with JavaScript disabled, signed in through the real sign-in form."""
    contexts = []

    def _page(person) -> Page:
        context = signed_in_context(browser, live_server.url, javascript=False)
        contexts.append(context)
        page = context.new_page()
        sign_in_through_the_form(page, person)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {person.full_name}")
        assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works...
        assert page.locator("body.js-enabled").count() == 0  # ...but the page's scripts never ran
        return page

    yield _page
    for context in contexts:
        context.close()


def test_an_auditor_records_and_submits_an_audit_by_its_task_list_without_javascript(no_js, council):
    """Issue 37 point 5: a page per practice area with Save and continue, the overall judgement last, then
    Check your answers: all of it plain forms and links."""
    audit = open_audit(council.children["own"], council["auditor"])
    page = no_js(council["auditor"])
    page.goto(f"/audits/{audit.pk}/edit")
    expect(page.locator(".govuk-task-list__status").first).to_have_text("Not yet started")
    page.get_by_role("link", name=f"1. {PRACTICE_AREAS[0]}").click()
    choose(page, "Has the child been seen, and seen alone where appropriate, within timescales?", "Yes")
    for area in PRACTICE_AREAS:
        expect(page.get_by_role("heading", level=1)).to_have_text(area)
        choose(page, f"Grade for {area}", "Good")
        page.get_by_label(f"Evidence for {area}").fill(f"Evidence seen for {area}.")
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overall judgement and summary")
    choose(page, "Overall grade", "Good")
    page.get_by_label("Strengths", exact=True).fill("A steady relationship with Olivia.")
    page.get_by_role("button", name="Save and check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting the audit")
    expect(page.get_by_text(f"Evidence seen for {PRACTICE_AREAS[-1]}.")).to_be_visible()
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_text("Audit submitted for moderation")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED


def test_a_moderator_finalises_an_audit_without_javascript(no_js, council):
    audit = submitted_audit(council.children["own"], council["auditor"])
    page = no_js(council["moderator"])
    page.goto(f"/audits/{audit.pk}/moderate")
    page.get_by_role("button", name="Take for moderation").click()
    choose(page, "Moderated overall grade", "Requires improvement")
    page.get_by_label("Reason for changing the overall grade").fill("Olivia's voice is missing.")
    page.get_by_role("button", name="Finalise the audit").click()
    expect(page.get_by_text("Moderation recorded: the audit is finalised")).to_be_visible()
    expect(summary_value(page, "Status")).to_have_text("Finalised")
    audit.refresh_from_db()
    assert audit.final_grade == "requires_improvement"


def test_the_service_manager_records_a_review_without_javascript(no_js, council):
    plan = inadequate_plan(council)
    page = no_js(council["service_manager"])
    page.goto(f"/improvement/{plan.pk}/")
    stage_row(page, "Service manager review").get_by_role("link", name="Record the review").click()
    page.get_by_label("Outcome of the review").fill("Actions are proportionate.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Service manager review recorded")).to_be_visible()
    assert plan.stages.get(kind=StageKind.SM_REVIEW).completed_by == council["service_manager"]


def test_a_director_asks_for_a_months_report_without_javascript(no_js, council):
    page = no_js(council["director"])
    page.goto("/reports/")
    page.get_by_role("radio", name="Month", exact=True).check()
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_url(re.compile(r"kind=month"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case file audit report: {month(timezone.localdate()).label_on(timezone.localdate())}"
    )


def test_a_qa_lead_records_learning_without_javascript(no_js, council):
    page = no_js(council["qa_admin"])
    page.goto("/learning/new")
    page.get_by_role("radio", name="Briefing", exact=True).check()
    page.get_by_label("Title").fill("Hearing the child")
    fill_date(page, "Date", timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_label("Summary").fill("Seeing children alone at every visit.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Learning recorded")
    assert LearningEntry.objects.get().title == "Hearing the child"
