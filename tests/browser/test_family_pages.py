"""The family's public pages in a real Chromium (issue 31, point 3; decision 0098): no account, no JavaScript
needed, answers saved for later, phone-sized (320 and 375 px) with no sideways scroll, axe clean (WCAG 2.2 AA),
and a clear page with the council's contact details for a link that no longer works."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from caseaudit.family.models import Invitation, Response
from caseaudit.family.services import invitation_create, questionnaires_ensure
from tests.browser.a11y import axe_violations, signed_in_context
from tests.family.conftest import open_audit

pytestmark = pytest.mark.browser

COUNCIL = "Demo Borough Council"
CONTACT = "Call 0300 123 4567 or email feedback@demo-borough.example"
WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
LISTEN = "Did your social worker listen to you?"
WELL = "What went well?"
WORDS = "She came every week and listened to my son."


@pytest.fixture
def family(settings, council):
    """An open audit, and a way to send its family a link (the raw token, as their letter or message has it)."""
    settings.COUNCIL_NAME = COUNCIL
    settings.CASEAUDIT_FAMILY_CONTACT = CONTACT
    questionnaires_ensure()
    audit = open_audit(council)

    def link(expired: bool = False) -> tuple[Invitation, str]:
        invitation, raw = invitation_create(
            audit=audit, by=council["auditor"], recipient_name="Jo Smith", relationship="Mother", channel="letter"
        )
        if expired:
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
        return invitation, raw

    return link


def radio(page: Page, legend: str, label: str):
    return page.get_by_role("group", name=legend).get_by_label(label, exact=True)


def test_a_family_answers_saves_for_later_comes_back_and_sends_without_javascript(
    browser: Browser, live_server, family
):
    invitation, raw = family()
    context = signed_in_context(browser, live_server.url, javascript=False)
    page = context.new_page()
    page.goto(f"/feedback/{raw}")
    assert page.locator("body.js-enabled").count() == 0  # the page's scripts never ran
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think")
    expect(page.get_by_text(COUNCIL).first).to_be_visible()
    radio(page, LISTEN, "Yes").check()
    page.get_by_label(WELL).fill(WORDS)
    radio(page, "Would you like someone to contact you about this?", "No").check()
    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been saved")
    expires = timezone.localtime(invitation.expires_at)
    expect(page.get_by_text("It works until")).to_contain_text(f"{expires.day} {expires:%B %Y}")
    assert not Response.objects.exists()
    context.close()

    # Later, on another day or another browser: the same link, nothing remembered by the browser.
    context = signed_in_context(browser, live_server.url, javascript=False)
    page = context.new_page()
    page.goto(f"/feedback/{raw}")
    expect(page.get_by_text("We have kept the answers you saved")).to_be_visible()
    expect(radio(page, LISTEN, "Yes")).to_be_checked()
    expect(page.get_by_label(WELL)).to_have_value(WORDS)
    expect(radio(page, "Would you like someone to contact you about this?", "No")).to_be_checked()
    page.get_by_label("Is there anything else you want to tell us?").fill("Thank you.")
    page.get_by_role("button", name="Send your answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    response = Response.objects.get()
    assert WORDS in response.answers.values() and response.anything_else == "Thank you."
    invitation.refresh_from_db()
    assert invitation.draft == {}
    # The link is spent: the saved answers are not shown again.
    page.goto(f"/feedback/{raw}")
    expect(page.get_by_role("heading", level=1)).to_have_text("These questions have already been answered")
    expect(page.get_by_text(WORDS)).to_have_count(0)
    context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_the_family_pages_fit_a_small_phone_and_pass_axe(
    browser: Browser, live_server, family, width: int, shots_dir: Path
):
    invitation, raw = family()
    _, expired = family(expired=True)
    context = signed_in_context(browser, live_server.url)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 700})
    problems: list[str] = []

    def check(url: str, heading: str) -> None:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        scroll_width = page.evaluate(WIDTH)
        if scroll_width > width:
            problems.append(f"{url}: {scroll_width} px wide at {width} px")
        problems.extend(f"{url}: {line}" for line in axe_violations(page))

    check("/feedback/", "Tell us what you think")
    check(f"/feedback/{raw}", "Tell us what you think")
    if width == 320:
        page.screenshot(path=shots_dir / "family-answer-320.png", full_page=True)
    page.get_by_label(WELL).fill(WORDS)
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been saved")
    check(page.url, "Your answers have been saved")
    check(f"/feedback/{raw}", "Tell us what you think")  # with the saved answers filled in
    expect(page.get_by_label(WELL)).to_have_value(WORDS)
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    check("/feedback/thanks", "Thank you")
    check(f"/feedback/{expired}", "This link has expired")
    check(f"/feedback/{raw}", "These questions have already been answered")
    check("/feedback/not-a-real-link", "This link does not work")
    context.close()
    assert not problems, "\n".join(problems)


def test_an_expired_link_shows_the_councils_contact_details(browser: Browser, live_server, family):
    _, expired = family(expired=True)
    context = signed_in_context(browser, live_server.url, javascript=False)
    page = context.new_page()
    answer = page.goto(f"/feedback/{expired}")
    assert answer is not None and answer.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(page.get_by_text(CONTACT)).to_be_visible()
    expect(page.get_by_text(COUNCIL).first).to_be_visible()
    expect(page.get_by_role("button", name="Send your answers")).to_have_count(0)
    context.close()
