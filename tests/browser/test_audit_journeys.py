"""Journeys through an audit's life in a real browser: planning, auditing, moderating, acknowledging.

Each test reads as a statement of how the service should behave. People and
children come from the `council` fixture (tests/conftest.py); the audits the
later journeys start from are built with the services, as the earlier steps
would have left them.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from caseaudit.audits.models import Audit, AuditStatus, Programme
from caseaudit.audits.services import lifecycle
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.audits.standard_tool import STANDARD_SECTIONS
from caseaudit.organisation.roles import Role
from tests.audits.conftest import complete_draft
from tests.browser.conftest import JOURNEYS_BOTH_WAYS
from tests.browser.dates import fill_date
from tests.factories import ChildFactory, PersonFactory

# Every journey here runs twice: with JavaScript, and with it switched off (issue 11: htmx only enhances).
pytestmark = [pytest.mark.browser, JOURNEYS_BOTH_WAYS]

PRACTICE_AREAS = [title for title, _ in STANDARD_SECTIONS]


# Helpers --------------------------------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def radio_group(page: Page, legend: str) -> Locator:
    """A GOV.UK radios fieldset, found by its legend (as a screen reader announces it)."""
    return page.get_by_role("group", name=legend, exact=True)


def choose(page: Page, legend: str, option: str) -> None:
    radio_group(page, legend).get_by_label(option, exact=True).check()


def summary_value(page: Page, key: str) -> Locator:
    """The value cell of the first summary list row whose key is `key`."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.first.locator("dd")


def practice_area_card(page: Page, area: str) -> Locator:
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=area, exact=True))


def go_to_my_audits(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My audits").click()
    expect(heading(page)).to_have_text("My audits")


def section_list(page: Page, title: str) -> Locator:
    """The list that follows a level-2 heading on My audits."""
    return page.locator(f"h2:text-is('{title}') + ul")


def open_audit(child, auditor, due_on: datetime.date | None = None) -> Audit:
    case_file, _ = standard_tools_ensure()
    return lifecycle.audit_open(
        child=child,
        auditor=auditor,
        tool_version=case_file.current_version,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=14),
    )


def submitted_audit(child, auditor, grade: str = "good") -> Audit:
    audit = open_audit(child, auditor)
    return lifecycle.audit_submit(
        audit_id=audit.pk, by=auditor, draft=complete_draft(audit, grade=grade), expected_version=audit.version
    )


def shared_audit(council, grade: str = "good") -> Audit:
    """An audit of the social worker's child: submitted, moderated (grades agreed), finalised and shared."""
    audit = submitted_audit(council.children["own"], council["auditor"], grade=grade)
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade=audit.overall_grade,
        sections={j.section_id: (j.grade, "") for j in audit.judgements.all()},
    )
    audit = lifecycle.audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )
    return lifecycle.audit_share(audit_id=audit.pk, by=council["qa_admin"])


# Journeys -------------------------------------------------------------------------------------------------------


def test_a_qa_admin_plans_a_monthly_programme_and_confirms_a_random_sample(
    page: Page, council, sign_in, shots_dir: Path
):
    standard_tools_ensure()
    # More open children to choose from, one of them allocated to a practitioner who also audits:
    # the sample must never give that practitioner their own case.
    practitioner_auditor = PersonFactory(
        email="pat.practice@council.example",
        full_name="Pat Practice",
        roles=[Role.SOCIAL_WORKER, Role.AUDITOR],
        team=council.team_b,
        line_manager=council["qa_admin"],
    )
    ChildFactory(name="Amara Extra", team=council.team_a, allocated_worker=council["colleague"])
    ChildFactory(name="Ben Extra", team=council.team_b, allocated_worker=practitioner_auditor)
    ChildFactory(name="Bea Extra", team=council.team_b, allocated_worker=practitioner_auditor)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    month_end = this_month + relativedelta(months=1) - datetime.timedelta(days=1)

    sign_in(council["qa_admin"])
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Programmes").click()
    expect(heading(page)).to_have_text("Audit programmes")
    page.get_by_role("link", name="Plan a monthly programme").click()

    expect(heading(page)).to_have_text("Plan a monthly audit programme")
    page.get_by_label("Service area").select_option(label="North")
    page.get_by_role("combobox", name="Month").select_option(label=f"{this_month:%B %Y}")
    page.get_by_label("Audit tool").select_option(label="Case file audit (standard)")
    fill_date(page, "Audits due by", month_end)
    page.get_by_label("Files to audit per team").fill("2")
    page.get_by_role("button", name="Create programme").click()

    title = f"North – {this_month:%B %Y}"
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_role("heading", name="1. Quotas per team")).to_be_visible()
    expect(page.get_by_label("Team A", exact=True)).to_have_value("2")
    page.get_by_label("Team A", exact=True).fill("1")
    page.get_by_label("Team B", exact=True).fill("1")
    page.get_by_role("button", name="Save quotas").click()
    expect(page.get_by_text("Quotas saved")).to_be_visible()
    expect(page.get_by_label("Team A", exact=True)).to_have_value("1")
    expect(page.get_by_label("Team B", exact=True)).to_have_value("1")

    page.get_by_role("button", name="Propose a random sample").click()
    expect(page.get_by_text("2 children proposed")).to_be_visible()
    sample = page.get_by_role("table", name=re.compile(r"Proposed sample"))
    expect(sample.get_by_role("caption")).to_have_text("Proposed sample (2 children)")
    rows = sample.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("Team A")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Team B")
    # Every proposed child already has an auditor chosen.
    expect(sample.get_by_role("option", name="Choose an auditor")).to_have_count(0)
    page.screenshot(path=shots_dir / "programme.png", full_page=True)

    page.get_by_role("button", name="Confirm the sample").click()
    expect(page.get_by_text("Sample confirmed: 2 audits assigned to auditors")).to_be_visible()
    expect(page.get_by_role("heading", name="Audits (2)")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the sample")).to_have_count(0)

    programme = Programme.objects.get(title=title)
    assert programme.is_confirmed
    audits = list(programme.audits.select_related("child", "auditor"))
    assert len(audits) == 2
    assert {a.team_id for a in audits} == {council.team_a.pk, council.team_b.pk}
    for audit in audits:
        assert audit.status == AuditStatus.DRAFT
        assert audit.auditor is not None
        assert audit.auditor_id != audit.child.allocated_worker_id, f"{audit.auditor} audits their own case"
        assert audit.due_on == month_end


def test_an_auditor_is_told_what_is_missing_without_losing_their_work_then_submits(
    page: Page, council, sign_in, shots_dir: Path
):
    child = council.children["own"]
    audit = open_audit(child, council["auditor"])
    ungraded = "Embracing Diversity"
    ungraded_evidence = "Olivia's heritage is recorded, but not what it means to her."

    sign_in(council["auditor"])
    go_to_my_audits(page)
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    page.get_by_role("link", name=child.case_id).click()

    # The task list (issue 37 point 5): a page per practice area, Save and continue through them.
    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/edit$"))
    expect(heading(page)).to_have_text(f"Audit of case {child.case_id}")
    page.get_by_role("link", name=f"1. {PRACTICE_AREAS[0]}").click()
    choose(page, "Has the child been seen, and seen alone where appropriate, within timescales?", "Yes")
    for area in PRACTICE_AREAS:
        expect(heading(page)).to_have_text(area)
        if area == ungraded:
            page.get_by_label(f"Evidence for {area}").fill(ungraded_evidence)
        else:
            choose(page, f"Grade for {area}", "Good")
            page.get_by_label(f"Evidence for {area}").fill(f"Evidence seen for {area}.")
        page.get_by_role("button", name="Save and continue").click()
    choose(page, "Overall grade", "Good")
    page.get_by_label("Strengths", exact=True).fill("A warm, steady relationship with Olivia.")
    page.get_by_role("button", name="Save and check your answers").click()
    expect(practice_area_card(page, ungraded)).to_contain_text("Not graded")
    page.get_by_role("button", name="Submit for moderation").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    links = summary.get_by_role("link")
    expect(links).to_have_text([f"Select a grade for {ungraded}"])
    page.screenshot(path=shots_dir / "audit-edit-error.png", full_page=True)

    # The link leads to that practice area's page, which marks the grade and keeps what was typed.
    links.first.click()
    expect(heading(page)).to_have_text(ungraded)
    expect(radio_group(page, f"Grade for {ungraded}")).to_contain_text(f"Error: Select a grade for {ungraded}")
    expect(page.get_by_label(f"Evidence for {ungraded}")).to_have_value(ungraded_evidence)
    first_radio = radio_group(page, f"Grade for {ungraded}").get_by_role("radio").first
    page.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(first_radio).to_be_focused()
    page.keyboard.press("ArrowDown")  # Outstanding -> Good, as someone using a keyboard would
    expect(radio_group(page, f"Grade for {ungraded}").get_by_label("Good", exact=True)).to_be_checked()
    page.get_by_role("button", name="Save and return to the task list").click()
    expect(page.locator(".govuk-task-list__status").last).to_have_text("Ready to check")
    page.screenshot(path=shots_dir / "audit-task-list.png", full_page=True)
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Submit for moderation").click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_text("Audit submitted for moderation")).to_be_visible()
    expect(summary_value(page, "Status")).to_have_text("Submitted")
    expect(practice_area_card(page, ungraded)).to_contain_text(ungraded_evidence)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.judgements.filter(grade="good").count() == len(PRACTICE_AREAS)


def test_a_moderator_changes_one_grade_and_the_overall_grade_with_reasons(
    page: Page, council, sign_in, shots_dir: Path
):
    child = council.children["own"]
    audit = submitted_audit(child, council["auditor"], grade="good")
    area_reason = "Olivia's own words are missing from the last two visits."
    overall_reason = "The child's voice is central; the file is not yet good."

    sign_in(council["moderator"])
    go_to_my_audits(page)
    section_list(page, "Waiting for moderation").get_by_role("link", name=child.case_id).click()

    expect(heading(page)).to_have_text(f"Moderate the audit of case {child.case_id}")
    page.get_by_role("button", name="Take for moderation").click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/moderate$"))
    for area in PRACTICE_AREAS:  # each moderated grade starts at the auditor's grade
        expect(radio_group(page, f"Moderated grade for {area}").get_by_label("Good", exact=True)).to_be_checked()
    expect(radio_group(page, "Moderated overall grade").get_by_label("Good", exact=True)).to_be_checked()
    choose(page, "Moderated grade for Voice of the Child", "Requires improvement")
    page.get_by_label("Reason for changing the grade for Voice of the Child").fill(area_reason)
    choose(page, "Moderated overall grade", "Requires improvement")
    page.get_by_label("Reason for changing the overall grade").fill(overall_reason)
    page.screenshot(path=shots_dir / "audit-moderate.png", full_page=True)
    page.get_by_role("button", name="Finalise the audit").click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_text("Moderation recorded: the audit is finalised")).to_be_visible()
    expect(summary_value(page, "Status")).to_have_text("Finalised")
    overall = summary_value(page, "Overall grade")
    expect(overall).to_contain_text("Requires improvement")
    expect(overall).to_contain_text(f"Changed at moderation from Good: {overall_reason}")
    voice = practice_area_card(page, "Voice of the Child")
    expect(voice).to_contain_text("Requires improvement")
    expect(voice).to_contain_text(f"Auditor's grade: Good. Changed at moderation: {area_reason}")
    unchanged = practice_area_card(page, "Assessment and Analysis")
    expect(unchanged).to_contain_text("Good")
    expect(unchanged).not_to_contain_text("Changed at moderation")

    audit.refresh_from_db()
    assert (audit.status, audit.overall_grade, audit.final_grade) == ("finalised", "good", "requires_improvement")


def test_the_worker_sees_a_shared_audit_and_acknowledges_it_with_a_response(page: Page, council, sign_in):
    child = council.children["own"]
    audit = shared_audit(council)
    response = "Thank you. I will record Olivia's words at every visit."

    sign_in(council["social_worker"])
    go_to_my_audits(page)
    to_acknowledge = page.get_by_role("table", name="Audits shared with you to acknowledge")
    row = to_acknowledge.get_by_role("row").filter(has_text=child.case_id)
    expect(row).to_contain_text("Good")
    row.get_by_role("link", name=re.compile(rf"^{child.case_id} ")).click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(summary_value(page, "Status")).to_have_text("Shared")
    page.get_by_role("link", name="Acknowledge").click()

    expect(heading(page)).to_have_text("Acknowledge this audit")
    page.get_by_label("Your response (optional)").fill(response)
    page.get_by_role("button", name="Acknowledge").click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_text("Thank you: your acknowledgement is recorded")).to_be_visible()
    acknowledgements = page.locator("h2:text-is('Acknowledgements') + ul")
    expect(acknowledgements).to_contain_text(re.compile(rf"Social Worker acknowledged on .+: “{re.escape(response)}”"))
    expect(page.get_by_role("link", name="Acknowledge")).to_have_count(0)

    go_to_my_audits(page)
    expect(page.get_by_role("heading", name="Shared with you to acknowledge")).to_have_count(0)
