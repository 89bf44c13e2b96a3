"""Keyboard and screen reader: the main journeys with Tab, Enter, Space and arrows alone.

No mouse clicks here: every move is a key press, as for someone who cannot use a
mouse. Focus must be visible at every stop, follow the page's reading order, and
the skip link must move focus to the main content. (Signing in and the day-three
meeting with the keyboard are in test_journeys.py and test_improvement_journeys.py.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from caseaudit.audits.models import AuditStatus
from caseaudit.improvement.models import StageKind
from tests.browser.test_audit_journeys import PRACTICE_AREAS, open_audit, radio_group, shared_audit, submitted_audit
from tests.browser.test_improvement_journeys import inadequate_plan

pytestmark = pytest.mark.browser

# A focus style is visible when it draws an outline or a box-shadow (GOV.UK links use a yellow
# background with a thick black underline drawn by box-shadow).
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  // GOV.UK radios and checkboxes hide the native input and draw focus round the label's box.
  const boxed = el.matches('.govuk-radios__input, .govuk-checkboxes__input');
  const s = boxed ? getComputedStyle(el.nextElementSibling, '::before') : getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor !== 'rgba(0, 0, 0, 0)';
  // Chromium's native date field moves focus between its day, month and year parts and draws
  // that focus itself (not visible to getComputedStyle), so it is not judged here.
  return {tag: el.tagName, text: (el.innerText || el.id || '').trim().slice(0, 40),
          visible: outline || s.boxShadow !== 'none' || el.type === 'date'};
}"""
FOLLOWS_PREVIOUS = """(prev) => {
  const el = document.activeElement;
  // A native date field keeps focus over its day, month and year parts: the same element again is fine.
  const ok = !window.__prev || window.__prev === el
    || !!(window.__prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__prev = el;
  return ok;
}"""


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def tab_to_id(page: Page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached with {limit} presses of Tab")


def tab_to_text(page: Page, text: str, limit: int = 60, *, contains: bool = False) -> None:
    """Tab to the link or control showing `text`. A wide table's scroll box is a tab stop of its own (so a
    keyboard can scroll it) and holds the whole table's text: it is passed over, as a person would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('app-table-scroll') ? ''"
            " : (document.activeElement.innerText || '').trim()"
        )
        if focused == text or (contains and text in focused):
            return
    raise AssertionError(f"{text!r} was not reached with {limit} presses of Tab")


def activate(page: Page, key: str = "Enter") -> None:
    """Press Enter (or Space) on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_focus_is_visible_and_in_reading_order(page: Page, stops: int = 25) -> None:
    """Tab through the first `stops` focusable elements: each shows focus, each comes after the last."""
    page.evaluate("() => { window.__prev = null; document.activeElement && document.activeElement.blur(); }")
    for _ in range(stops):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style["tag"] == "BODY":
            break  # off the end of the page
        assert style["visible"], f"No visible focus on {style}"
        assert page.evaluate(FOLLOWS_PREVIOUS, None), f"Focus jumped backwards to {style}"


@pytest.mark.parametrize("url", ["/", "/children/", "/audits/mine/", "/improvement/", "/reports/", "/help"])
def test_focus_is_visible_in_reading_order_and_the_skip_link_reaches_main(page: Page, council, sign_in, url):
    # When this is the session's first browser test, the live server's first answers are slow on a busy machine.
    page.context.set_default_navigation_timeout(20_000)
    sign_in(council["qa_admin"])
    page.goto(url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    assert page.evaluate(FOCUS_STYLE)["visible"]
    page.keyboard.press("Enter")
    assert focused_id(page) == "main-content"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    for role in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(role).count() >= 1, f"{url} has no {role} landmark"
    assert page.get_by_role("main").count() == 1
    page.goto(url)
    assert_focus_is_visible_and_in_reading_order(page)


def test_a_team_manager_finds_a_child_with_the_keyboard_alone(page: Page, council, sign_in):
    child = council.children["colleagues"]
    sign_in(council["team_manager"])
    tab_to_text(page, "Children")
    activate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    search = page.get_by_label("Case system ID or name")
    tab_to_id(page, search.get_attribute("id"))
    page.keyboard.type(child.case_id)
    activate(page)
    expect(page.get_by_role("status")).to_have_text("1 child found")
    tab_to_text(page, child.name)
    activate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(child.name)


def test_an_auditor_records_an_audit_with_the_keyboard_alone(page: Page, council, sign_in):
    audit = open_audit(council.children["own"], council["auditor"])
    sign_in(council["auditor"])
    tab_to_text(page, "My audits")
    activate(page)
    tab_to_text(page, audit.child.case_id, contains=True)
    activate(page)
    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/edit$"))

    def pick(legend: str, option: str) -> None:
        """Tab into the radio group (focus lands on its first radio), then arrow down to the option."""
        group = radio_group(page, legend)
        labels = [text.strip() for text in group.locator("label").all_inner_texts()]
        tab_to_id(page, group.get_by_role("radio").first.get_attribute("id"))
        if labels.index(option) == 0:
            page.keyboard.press("Space")
        for _ in range(labels.index(option)):
            page.keyboard.press("ArrowDown")
        expect(group.get_by_label(option, exact=True)).to_be_checked()

    # The task list: each practice area a page of its own, Save and continue to the next.
    tab_to_text(page, f"1. {PRACTICE_AREAS[0]}")
    activate(page)
    pick("Has the child been seen, and seen alone where appropriate, within timescales?", "Yes")
    for area in PRACTICE_AREAS:
        pick(f"Grade for {area}", "Good")
        tab_to_id(page, page.get_by_label(f"Evidence for {area}").get_attribute("id"))
        page.keyboard.type(f"Evidence seen for {area}.")
        tab_to_text(page, "Save and continue")
        activate(page)
    pick("Overall grade", "Good")
    tab_to_id(page, page.get_by_label("Strengths", exact=True).get_attribute("id"))
    page.keyboard.type("A steady relationship with Olivia.")
    tab_to_text(page, "Save and check your answers")
    activate(page)
    tab_to_text(page, "Submit for moderation")
    activate(page)

    expect(page.get_by_text("Audit submitted for moderation")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED


def test_the_service_manager_decides_a_plan_stage_with_the_keyboard_alone(page: Page, council, sign_in):
    plan = inadequate_plan(council)
    sign_in(council["service_manager"])
    tab_to_text(page, "Improvement plans")
    activate(page)
    tab_to_text(page, plan.child.case_id, contains=True)
    activate(page)
    tab_to_text(page, "Record the review")
    activate(page)
    tab_to_id(page, page.get_by_label("Outcome of the review").get_attribute("id"))
    page.keyboard.type("Actions are proportionate.")
    tab_to_text(page, "Record the review")
    activate(page, "Space")  # buttons answer Space as well as Enter
    expect(page.get_by_text("Service manager review recorded")).to_be_visible()
    assert plan.stages.get(kind=StageKind.SM_REVIEW).completed_by == council["service_manager"]


def test_report_charts_have_text_alternatives_and_a_table_of_the_same_numbers(page: Page, council, sign_in):
    from django.utils import timezone

    from tests.reporting.test_figures import done_audit

    for grade in ("good", "inadequate", "requires_improvement"):
        done_audit(council.team_a, grade, timezone.localdate())
    sign_in(council["director"])
    page.goto("/reports/")
    charts = page.locator("figure.app-chart svg")
    assert charts.count() >= 2
    for i in range(charts.count()):
        svg = charts.nth(i)
        assert svg.get_attribute("role") == "img"
        title_id, desc_id = svg.get_attribute("aria-labelledby").split()
        assert (page.locator(f"#{title_id}").text_content() or "").strip()
        assert ":" in (page.locator(f"#{desc_id}").text_content() or "")
        # The accessible name a screen reader announces comes from the title and description.
        assert svg.evaluate("el => el.getAttribute('aria-labelledby')") == f"{title_id} {desc_id}"
    tables = page.locator("main table.govuk-table")
    assert tables.count() >= charts.count()
    # The overall grades chart's table carries the same grade names and counts.
    grades_text = page.locator("main").inner_text()
    for grade in ("Good", "Inadequate", "Requires Improvement"):
        assert grade in grades_text


def pick_in_group(page: Page, legend: str, option: str) -> None:
    """Tab into a radio group (focus lands on its checked radio, or its first), then arrow to the option."""
    group = radio_group(page, legend)
    labels = [text.strip() for text in group.locator("label").all_inner_texts()]
    ids = [radio.get_attribute("id") for radio in group.get_by_role("radio").all()]
    for _ in range(80):
        page.keyboard.press("Tab")
        if focused_id(page) in ids:
            break
    else:
        raise AssertionError(f"Tab never reached the radios for {legend!r}")
    steps = labels.index(option) - ids.index(focused_id(page))
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    expect(group.get_by_label(option, exact=True)).to_be_checked()


def test_a_moderator_changes_a_grade_with_a_reason_with_the_keyboard_alone(page: Page, council, sign_in):
    audit = submitted_audit(council.children["own"], council["auditor"], grade="good")
    sign_in(council["moderator"])
    tab_to_text(page, "My audits")
    activate(page)
    tab_to_text(page, audit.child.case_id, contains=True)
    activate(page)
    tab_to_text(page, "Take for moderation")
    activate(page)
    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/moderate$"))
    pick_in_group(page, "Moderated grade for Voice of the Child", "Requires improvement")
    tab_to_id(page, page.get_by_label("Reason for changing the grade for Voice of the Child").get_attribute("id"))
    page.keyboard.type("The child's own words are missing.")
    tab_to_text(page, "Finalise the audit")
    activate(page)
    expect(page.get_by_text("Moderation recorded: the audit is finalised")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.FINALISED
    assert audit.judgements.get(section__title="Voice of the Child").moderated_grade == "requires_improvement"


def test_the_worker_acknowledges_a_shared_audit_with_the_keyboard_alone(page: Page, council, sign_in):
    audit = shared_audit(council)
    sign_in(council["social_worker"])
    tab_to_text(page, "My audits")
    activate(page)
    tab_to_text(page, audit.child.case_id, contains=True)
    activate(page)
    tab_to_text(page, "Acknowledge")
    activate(page)
    tab_to_id(page, page.get_by_label("Your response (optional)").get_attribute("id"))
    page.keyboard.type("Thank you: I will record her words at every visit.")
    tab_to_text(page, "Acknowledge")
    activate(page, "Space")
    expect(page.get_by_text("Thank you: your acknowledgement is recorded")).to_be_visible()
    assert audit.acknowledgements.filter(person=council["social_worker"]).exists()
