"""Given I am a QA administrator and an email could not be sent, I see why and send it again (issue 43).

A real Chromium, with and without JavaScript, against the live server and a real SMTP server on loopback:
the home page says how many emails need me, "Emails not sent" shows the mail server's answer and passes
axe, and "Send again" (a POST form with its CSRF token) sends the email once.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from caseaudit.messaging.models import SentMessage
from caseaudit.reporting.models import ReportDelivery, ReportSubscription
from tests.browser.a11y import axe_violations, signed_in_context
from tests.mailserver import mail_server  # noqa: F401


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_qa_administrator_reads_the_answer_and_sends_again(
    browser: Browser,
    live_server,
    transactional_db,
    council,
    mail_server,  # noqa: F811
    javascript,
):
    failed = SentMessage.objects.create(
        key="t:1",
        recipient=council["team_manager"],
        subject="Overdue: Day-three meeting for case LCS900001",
        body="It is overdue.",
        reason="Escalation level 1 (team manager): Day-three meeting overdue",
        status="failed",
        attempts=1,
        next_attempt_at=None,
        answer="550 5.1.1 <team_manager@council.example>: mailbox unavailable",
    )
    subscription = ReportSubscription.objects.create(frequency="quarterly")
    ReportDelivery.objects.create(
        subscription=subscription,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 6, 30),
        recipients="director@council.example",
        status="sending",
        attempts=1,
        next_attempt_at=None,
        attempt_started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    context = signed_in_context(browser, live_server.url, council["qa_admin"], javascript=javascript)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="2 emails could not be sent or were not confirmed").click()
    assert page.get_by_role("heading", name="Emails not sent", level=1).is_visible()
    body = page.locator("main").inner_text()
    assert "550 5.1.1 <team_manager@council.example>: mailbox unavailable" in body
    assert "Unconfirmed" in body and "It may have arrived." in body
    if javascript:  # axe-core runs in the page: it needs JavaScript
        assert not axe_violations(page)

    page.get_by_role("button", name=f"Send again to team_manager@council.example: {failed.subject}").click()
    assert "Sent to team_manager@council.example: the mail server accepted it." in page.locator("main").inner_text()
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert mail_server.script.subjects() == [("team_manager@council.example", failed.subject)]
    assert failed.subject not in page.locator("main").inner_text()
    context.close()
