"""Journeys through the response to an inadequate audit, in a real browser.

An audit finalised as Inadequate opens an improvement plan with deadlines in
working days. The practice lead chairs the day-three meeting and records the
remedial actions agreed; the service manager reviews the plan; the monitoring
dashboard shows where every open plan stands.

People and children come from the `council` fixture (tests/conftest.py). The
audit each journey starts from is built with the services, as the earlier steps
would have left it. The live server's database commits for real, so finalising
the audit runs the on-commit signal that opens the plan.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from caseaudit.audits.services import lifecycle
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.improvement.models import ImprovementPlan, StageKind
from tests.audits.conftest import complete_draft
from tests.browser.conftest import JOURNEYS_BOTH_WAYS
from tests.browser.dates import date_input, expect_date, fill_date

# Every journey here runs twice: with JavaScript, and with it switched off (issue 11: htmx only enhances).
pytestmark = [pytest.mark.browser, JOURNEYS_BOTH_WAYS]

ON_TRACK_OR_DUE_SOON = re.compile(r"^(On track|Due soon)$")


# Helpers --------------------------------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def focused_text(page: Page) -> str:
    return page.evaluate("() => (document.activeElement.innerText || '').trim()")


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def tab_to(page: Page, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is `text` (a link or button), as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == text:
            return
    raise AssertionError(f"{text!r} was not reached with {limit} presses of Tab")


def tab_to_id(page: Page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the form control with this id has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached with {limit} presses of Tab")


def inadequate_plan(council) -> ImprovementPlan:
    """An audit of the social worker's child, moderated as Inadequate today: the plan opens on commit."""
    version = standard_tools_ensure()[0].current_version
    audit = lifecycle.audit_open(
        child=council.children["own"],
        auditor=council["auditor"],
        tool_version=version,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    audit = lifecycle.audit_submit(
        audit_id=audit.pk,
        by=council["auditor"],
        draft=complete_draft(audit, grade="inadequate"),
        expected_version=audit.version,
    )
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade="inadequate", sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
    )
    audit = lifecycle.audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )
    return ImprovementPlan.objects.get(audit=audit)


def go_to_improvement_plans(page: Page) -> None:
    menu(page).get_by_role("link", name="Improvement plans").click()
    expect(heading(page)).to_have_text("Improvement plans")


def plans_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Open improvement plans and the status of each stage")


def plan_row(page: Page, case_id: str) -> Locator:
    return plans_table(page).locator("tbody tr").filter(has=page.get_by_role("link", name=case_id, exact=True))


def stage_cell(page: Page, case_id: str, stage: str) -> Locator:
    """The dashboard cell for one stage of one plan, found by the column's heading."""
    headers = [text.strip() for text in plans_table(page).locator("thead th").all_inner_texts()]
    return plan_row(page, case_id).locator("td").nth(headers.index(stage))


def stage_tag(page: Page, case_id: str, stage: str) -> Locator:
    return stage_cell(page, case_id, stage).locator(".govuk-tag")


def stages_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Stages, deadlines and outcomes")


def stage_row(page: Page, stage: str) -> Locator:
    return stages_table(page).get_by_role("row").filter(has=page.get_by_role("rowheader", name=stage, exact=True))


def actions_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Remedial actions agreed at the day-three meeting")


def action_fieldset(page: Page, n: int) -> Locator:
    return page.get_by_role("group", name=f"Action {n}", exact=True)


def fill_action(page: Page, n: int, text: str, owner: str | None, due_on: datetime.date | None) -> None:
    fieldset = action_fieldset(page, n)
    fieldset.get_by_label("Action", exact=True).fill(text)
    if owner:
        fieldset.get_by_label("Owner").select_option(label=owner)
    if due_on:
        fill_date(fieldset, "Due by", due_on)


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def day(date: datetime.date) -> str:
    """Dates as the plan page shows them: 5 Mar 2026."""
    return f"{date.day} {date:%b %Y}"


# Journeys -------------------------------------------------------------------------------------------------------


def test_the_practice_lead_records_the_day_three_meeting_and_the_service_manager_reviews_the_plan(
    page: Page, council, sign_in, shots_dir: Path
):
    plan = inadequate_plan(council)
    case_id = plan.child.case_id
    today = timezone.localdate()
    meeting_due = plan.stages.get(kind=StageKind.MEETING).due_on
    first_action = "Update Olivia's child in need plan with her views"
    second_action = "Supervise the social worker on seeing Olivia alone"

    # The practice lead finds the new plan on the dashboard, with the meeting not yet late.
    sign_in(council["practice_lead"])
    go_to_improvement_plans(page)
    expect(page.get_by_role("status")).to_have_text("1 open plan")
    expect(plan_row(page, case_id)).to_have_count(1)
    expect(plan_row(page, case_id).locator("td").nth(1)).to_have_text("Social Worker")
    expect(stage_tag(page, case_id, "Day-three meeting")).to_have_text(ON_TRACK_OR_DUE_SOON)
    expect(stage_cell(page, case_id, "Day-three meeting")).to_contain_text(f"due {meeting_due.day} {meeting_due:%b}")
    expect(stage_tag(page, case_id, "Service manager review")).to_have_text(ON_TRACK_OR_DUE_SOON)
    expect(stage_cell(page, case_id, "Whole caseload review")).to_have_text("Not needed")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    expect(page.get_by_role("link", name="Download Excel")).to_be_visible()
    page.screenshot(path=shots_dir / "improvement-dashboard.png", full_page=True)

    page.get_by_role("link", name=case_id, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/improvement/{plan.pk}/$"))
    expect(heading(page)).to_have_text(f"Improvement plan for case {case_id}")
    expect(page.get_by_text("Actions are agreed at the day-three meeting.")).to_be_visible()
    page.screenshot(path=shots_dir / "improvement-plan-open.png", full_page=True)

    # The practice lead records the meeting and two remedial actions.
    stage_row(page, "Day-three meeting").get_by_role("link", name="Record the meeting").click()
    expect(heading(page)).to_have_text("Record the day-three meeting")
    expect_date(page, "Date of the meeting", today)
    page.get_by_label("Who attended").fill("Practice Lead (chair), Social Worker, Team Manager")
    page.get_by_label("Notes of the discussion").fill("Olivia's views are missing from her plan.")
    # Managers of the child's team come first in each owner list, named with their role (issue 44, point 6).
    fill_action(page, 1, first_action, "Social Worker", today + datetime.timedelta(days=14))
    fill_action(page, 2, second_action, "Team Manager, team manager", today + datetime.timedelta(days=21))
    page.screenshot(path=shots_dir / "improvement-meeting-form.png", full_page=True)
    page.get_by_role("button", name="Record the meeting").click()

    expect(page).to_have_url(re.compile(rf"/improvement/{plan.pk}/$"))
    expect(page.get_by_text("Day-three meeting recorded")).to_be_visible()
    meeting = stage_row(page, "Day-three meeting")
    expect(meeting).to_contain_text(day(today))
    expect(meeting).to_contain_text("Practice Lead")
    expect(meeting).to_contain_text("Attended: Practice Lead (chair), Social Worker, Team Manager")
    expect(meeting.get_by_role("link", name="Record the meeting")).to_have_count(0)
    actions = actions_table(page).locator("tbody tr")
    expect(actions).to_have_count(2)
    expect(actions.nth(0).locator("td")).to_have_text(
        [first_action, "Social Worker", day(today + datetime.timedelta(days=14)), "Not yet"]
    )
    expect(actions.nth(1).locator("td")).to_have_text(
        [second_action, "Team Manager", day(today + datetime.timedelta(days=21)), "Not yet"]
    )
    expect(page.locator(".app-timeline")).to_contain_text("Day-three meeting held by Practice Lead")
    page.screenshot(path=shots_dir / "improvement-plan-after-meeting.png", full_page=True)

    # The service manager reviews the plan.
    page.get_by_role("button", name="Sign out").click()
    sign_in(council["service_manager"])
    go_to_improvement_plans(page)
    expect(stage_tag(page, case_id, "Day-three meeting")).to_have_text("Done")
    page.get_by_role("link", name=case_id, exact=True).click()
    stage_row(page, "Service manager review").get_by_role("link", name="Record the review").click()
    expect(heading(page)).to_have_text("Service manager review")
    page.get_by_label("Outcome of the review").fill("Actions are proportionate; re-audit as planned.")
    page.get_by_role("button", name="Record the review").click()

    expect(page.get_by_text("Service manager review recorded")).to_be_visible()
    review = stage_row(page, "Service manager review")
    expect(review).to_contain_text(day(today))
    expect(review).to_contain_text("Actions are proportionate; re-audit as planned.")
    expect(page.get_by_role("link", name="Record the review")).to_have_count(0)

    page.get_by_role("link", name="Back to improvement plans").click()
    expect(heading(page)).to_have_text("Improvement plans")
    expect(stage_tag(page, case_id, "Day-three meeting")).to_have_text("Done")
    expect(stage_tag(page, case_id, "Service manager review")).to_have_text("Done")
    expect(stage_tag(page, case_id, "Re-audit")).to_have_text(ON_TRACK_OR_DUE_SOON)
    expect(plan_row(page, case_id).locator("td").last).to_have_text("2 open")
    page.screenshot(path=shots_dir / "improvement-dashboard-after-review.png", full_page=True)

    plan.refresh_from_db()
    assert plan.is_open  # the re-audit and both actions are still to come
    assert plan.stages.get(kind=StageKind.MEETING).chair == council["practice_lead"]
    assert plan.stages.get(kind=StageKind.SM_REVIEW).completed_by == council["service_manager"]
    assert {(a.description, a.owner) for a in plan.actions.all()} == {
        (first_action, council["social_worker"]),
        (second_action, council["team_manager"]),
    }


def test_the_practice_lead_is_told_what_is_wrong_with_the_actions_without_losing_them(
    page: Page, council, sign_in, shots_dir: Path
):
    plan = inadequate_plan(council)
    today = timezone.localdate()
    unowned = "Ask Olivia what she wants from her plan"
    overdue = "Visit Olivia at school"

    sign_in(council["practice_lead"])
    page.goto(f"/improvement/{plan.pk}/meeting")
    expect(heading(page)).to_have_text("Record the day-three meeting")
    page.get_by_label("Who attended").fill("Practice Lead, Social Worker")
    fill_action(page, 1, unowned, owner=None, due_on=today + datetime.timedelta(days=7))
    fill_action(page, 2, overdue, owner="Social Worker", due_on=today - datetime.timedelta(days=1))
    page.get_by_role("button", name="Record the meeting").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose who owns action 1", "The due date for action 2 must be today or in the future"]
    )
    expect(summary.get_by_role("link", name="Choose who owns action 1")).to_have_attribute(
        "href", "#id_actions-0-owner"
    )
    expect(
        summary.get_by_role("link", name="The due date for action 2 must be today or in the future")
    ).to_have_attribute("href", "#id_actions-1-due_on_day")
    # Each message is also beside the field it is about, and the field is marked invalid.
    expect(action_fieldset(page, 1).locator(".govuk-error-message")).to_have_text("Error: Choose who owns action 1")
    expect(action_fieldset(page, 1).get_by_label("Owner")).to_have_attribute("aria-invalid", "true")
    expect(action_fieldset(page, 2).locator(".govuk-error-message")).to_have_text(
        "Error: The due date for action 2 must be today or in the future"
    )
    # A date too early is wrong as a whole: every box of it is marked.
    for box in ("Day", "Month", "Year"):
        expect(date_input(action_fieldset(page, 2), "Due by").get_by_label(box, exact=True)).to_have_attribute(
            "aria-invalid", "true"
        )
        expect(date_input(action_fieldset(page, 2), "Due by").get_by_label(box, exact=True)).to_have_class(
            re.compile(r"\bgovuk-input--error\b")
        )
    expect(date_input(action_fieldset(page, 1), "Due by").get_by_label("Day", exact=True)).not_to_have_class(
        re.compile(r"\bgovuk-input--error\b")
    )
    # Nothing typed is lost.
    expect(page.get_by_label("Who attended")).to_have_value("Practice Lead, Social Worker")
    expect(action_fieldset(page, 1).get_by_label("Action", exact=True)).to_have_value(unowned)
    expect(action_fieldset(page, 2).get_by_label("Action", exact=True)).to_have_value(overdue)
    expect(action_fieldset(page, 2).get_by_label("Owner").locator("option:checked")).to_have_text("Social Worker")
    expect_date(action_fieldset(page, 2), "Due by", today - datetime.timedelta(days=1))
    page.screenshot(path=shots_dir / "improvement-meeting-errors.png", full_page=True)

    # Following a summary link lands on the field to correct.
    summary.get_by_role("link", name="Choose who owns action 1").click()
    expect(action_fieldset(page, 1).get_by_label("Owner")).to_be_focused()
    summary.get_by_role("link", name="The due date for action 2 must be today or in the future").click()
    expect(date_input(action_fieldset(page, 2), "Due by").get_by_label("Day", exact=True)).to_be_focused()

    page.get_by_role("link", name="Back to the plan").click()
    expect(heading(page)).to_have_text(f"Improvement plan for case {plan.child.case_id}")
    expect(stage_row(page, "Day-three meeting").get_by_role("link", name="Record the meeting")).to_be_visible()
    expect(page.get_by_text("Actions are agreed at the day-three meeting.")).to_be_visible()
    assert not plan.stages.get(kind=StageKind.MEETING).is_done
    assert not plan.actions.exists()


def test_the_practice_lead_can_record_the_meeting_with_the_keyboard_alone(page: Page, council, sign_in):
    plan = inadequate_plan(council)
    case_id = plan.child.case_id
    due_on = timezone.localdate() + datetime.timedelta(days=1)

    sign_in(council["practice_lead"])
    expect(heading(page)).to_have_text("Hello, Practice Lead")
    tab_to(page, "Improvement plans")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Improvement plans")

    tab_to(page, case_id)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(f"Improvement plan for case {case_id}")

    tab_to(page, "Record the meeting")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Record the day-three meeting")

    tab_to_id(page, "id_attendees")
    page.keyboard.type("Practice Lead, Social Worker")
    tab_to_id(page, "id_actions-0-description")
    page.keyboard.type("Record Olivia's wishes in her plan")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_actions-0-owner"
    page.keyboard.type("Social Worker")  # a closed select picks the option typed
    expect(page.locator("#id_actions-0-owner option:checked")).to_have_text("Social Worker")
    # The due date's Day, Month and Year boxes, in that order, each reached with Tab.
    for part, typed in (("day", due_on.day), ("month", due_on.month), ("year", due_on.year)):
        page.keyboard.press("Tab")
        assert focused_id(page) == f"id_actions-0-due_on_{part}"
        page.keyboard.type(str(typed))
    expect_date(action_fieldset(page, 1), "Due by", due_on)
    tab_to(page, "Record the meeting")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Day-three meeting recorded")).to_be_visible()
    expect(actions_table(page).locator("tbody tr")).to_have_count(1)
    expect(actions_table(page)).to_contain_text("Record Olivia's wishes in her plan")
    assert plan.stages.get(kind=StageKind.MEETING).is_done
