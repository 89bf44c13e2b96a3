"""In a real browser without JavaScript: an auditor writes for longer than the idle limit, presses Save,
signs in again and saves what they typed (issue 37, point 4)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_audit_journeys import open_audit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TYPED = "Olivia's views are written in her own words on every visit; her sister's too."


@pytest.mark.parametrize("javascript", [False], ids=["no-js"], indirect=True)
def test_typing_outlives_the_session_and_is_saved_after_signing_in_again(page: Page, council, sign_in, settings):
    audit = open_audit(council.children["own"], council["auditor"])
    sign_in(council["auditor"])
    page.goto(f"/audits/{audit.pk}/edit/all")
    page.get_by_label("Strengths", exact=True).fill(TYPED)

    # The auditor writes on for longer than the idle limit (2 seconds here, every request counted).
    settings.SESSION_IDLE_SECONDS = 2
    settings.SESSION_TOUCH_SECONDS = 0
    time.sleep(3)
    page.get_by_role("button", name="Save draft").click()

    expect(page).to_have_url(re.compile(r"/account/sign-in\?next="))
    expect(page.get_by_text("What you typed has been kept: sign in again to save it.")).to_be_visible()
    settings.SESSION_IDLE_SECONDS = 30 * 60
    page.get_by_label("Email address").fill(council["auditor"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save what you typed")
    expect(page.locator(".govuk-summary-list")).to_contain_text(TYPED)
    page.get_by_role("button", name="Save what you typed").click()

    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/edit/all$"))
    expect(page.get_by_text("Draft saved")).to_be_visible()
    expect(page.get_by_label("Strengths", exact=True)).to_have_value(TYPED)
    audit.refresh_from_db()
    assert audit.strengths == TYPED


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"], indirect=True)
def test_signing_in_again_in_another_tab_does_not_lose_the_first_tabs_typing(page: Page, council, sign_in):
    """Issue 44, point 9: Django's bare "CSRF verification failed" page lost the typing.

    The other tab is the browser context's own request client: it shares this browser's cookies, signs out
    and in again (which gives the session a new CSRF token), and leaves the page's form holding the old one.
    """
    audit = open_audit(council.children["own"], council["auditor"])
    sign_in(council["auditor"])
    page.goto(f"/audits/{audit.pk}/edit/all")
    page.get_by_label("Strengths", exact=True).fill(TYPED)

    other_tab = page.context.request
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    other_tab.post("/account/sign-out", form={"csrfmiddlewaretoken": token}, max_redirects=0)
    sign_in_page = other_tab.get("/account/sign-in").text()
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in_page).group(1)
    signed_in = other_tab.post(
        "/account/sign-in",
        form={"csrfmiddlewaretoken": fresh, "username": council["auditor"].email, "password": PASSWORD},
        max_redirects=0,
    )
    assert signed_in.status == 302

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    expect(page.locator(".govuk-summary-list")).to_contain_text(TYPED)
    page.get_by_role("button", name="Save what you typed").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    expect(page.get_by_label("Strengths", exact=True)).to_have_value(TYPED)
