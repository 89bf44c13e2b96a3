"""Journeys through CaseAudit in a real browser: signing in, finding children, who sees what.

Each test reads as a statement of how the service should behave for someone
using it. People and children come from the `council` fixture (tests/conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import JOURNEYS_BOTH_WAYS
from tests.factories import PASSWORD

# Every journey here runs twice: with JavaScript, and with it switched off (issue 11: htmx only enhances).
pytestmark = [pytest.mark.browser, JOURNEYS_BOTH_WAYS]

SIGN_IN = "/account/sign-in"


def names_in_children_table(page: Page) -> set[str]:
    """The names in the first column of the children table (empty if there is no table)."""
    return set(page.locator("table.govuk-table tbody tr td:first-child").all_inner_texts())


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def focused_text(page: Page) -> str:
    return page.evaluate("() => (document.activeElement.innerText || '').trim()")


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_a_social_worker_sees_only_their_own_children(page: Page, council, sign_in, shots_dir: Path):
    own, south = council.children["own"], council.children["south"]

    page.goto(SIGN_IN)
    expect(heading(page)).to_have_text("Sign in to CaseAudit")
    page.screenshot(path=shots_dir / "sign-in.png", full_page=True)

    sign_in(council["social_worker"])
    expect(page).to_have_url(re.compile(r"/$"))
    expect(heading(page)).to_have_text("Hello, Social Worker")
    page.screenshot(path=shots_dir / "home.png", full_page=True)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(heading(page)).to_have_text("Children")
    expect(page).to_have_url(re.compile(r"/children/$"))
    page.screenshot(path=shots_dir / "children.png", full_page=True)
    assert names_in_children_table(page) == {"Olivia Own"}

    page.get_by_role("link", name="Olivia Own").click()
    expect(page).to_have_url(re.compile(rf"/children/{own.pk}/$"))
    expect(heading(page)).to_have_text("Olivia Own")
    page.screenshot(path=shots_dir / "child.png", full_page=True)

    response = page.goto(f"/children/{south.pk}/")
    assert response is not None and response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    expect(page.get_by_text("Samir South")).to_have_count(0)


def test_a_team_manager_sees_the_children_in_their_team_and_can_search_by_case_id(page: Page, council, sign_in):
    colleagues = council.children["colleagues"]

    sign_in(council["team_manager"])
    expect(heading(page)).to_have_text("Hello, Team Manager")
    page.goto("/children/")
    expect(heading(page)).to_have_text("Children")
    assert names_in_children_table(page) == {"Olivia Own", "Callum Colleague"}

    page.get_by_label("Case system ID or name").fill(colleagues.case_id)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"[?&]q={colleagues.case_id}"))
    expect(page.get_by_role("status")).to_have_text("1 child found")
    assert names_in_children_table(page) == {"Callum Colleague"}


def test_five_wrong_passwords_lock_the_account_even_against_the_right_password(page: Page, council):
    worker = council["social_worker"]

    def attempt(password: str) -> int:
        page.get_by_label("Email address").fill(worker.email)
        page.get_by_label("Password").fill(password)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return posted.value.status

    page.goto(SIGN_IN)
    for _ in range(4):
        assert attempt("not-the-password-1") == 200
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")

    assert attempt("not-the-password-1") == 429
    expect(heading(page)).to_have_text("Your account is locked")

    page.goto(SIGN_IN)
    assert attempt(PASSWORD) == 429
    expect(heading(page)).to_have_text("Your account is locked")
    page.goto("/")
    expect(page).to_have_url(re.compile(rf"{SIGN_IN}\?next=/$"))


def test_signing_in_with_mistakes_shows_an_error_summary_that_links_to_the_fields(page: Page, council):
    page.goto(SIGN_IN)
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Enter your email address", "Enter your password"])
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert targets == ["#id_username", "#id_password"]
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    # Following a link in the summary puts the cursor in that field.
    links.nth(1).click()
    expect(page.get_by_label("Password")).to_be_focused()

    page.get_by_label("Email address").fill(council["social_worker"].email)
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value(council["social_worker"].email)
    expect(page.get_by_label("Password")).to_have_value("")


def test_signing_out_returns_to_sign_in_and_closes_the_children_list(page: Page, council, sign_in):
    sign_in(council["social_worker"])
    expect(heading(page)).to_have_text("Hello, Social Worker")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(rf"{SIGN_IN}$"))
    expect(heading(page)).to_have_text("Sign in to CaseAudit")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto("/children/")
    expect(page).to_have_url(re.compile(rf"{SIGN_IN}\?next=/children/$"))
    expect(heading(page)).to_have_text("Sign in to CaseAudit")


def test_the_first_tab_on_the_sign_in_page_reaches_the_skip_link(page: Page):
    page.goto(SIGN_IN)

    page.keyboard.press("Tab")

    assert focused_text(page) == "Skip to main content"


def test_someone_can_skip_to_the_content_and_sign_in_with_the_keyboard_alone(page: Page, council):
    page.goto(SIGN_IN)

    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))

    # From the main content, the next stops are the two fields and the button.
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_username"
    page.keyboard.type(council["social_worker"].email)
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused_text(page) == "Sign in"
    page.keyboard.press("Enter")

    # The browser keeps the #main-content fragment across the redirect home.
    expect(page).to_have_url(re.compile(r"^[^?]*/(#main-content)?$"))
    expect(heading(page)).to_have_text("Hello, Social Worker")
