"""Given a director signing in for the first time, they set up two-step verification;
and every main page runs under the Content Security Policy with no violation."""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD

# Collects every CSP violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def code_from(secret: str, at: float) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = at
    return f"{totp.token():06d}"


def password_step(page, person):
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_director_sets_up_two_step_verification_then_signs_in_with_a_code(page, council, shots_dir):
    director = council["director"]
    password_step(page, director)
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.screenshot(path=shots_dir / "two-step-set-up.png", full_page=True)
    secret = page.locator("#otp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)

    page.get_by_label("Enter the 6-digit code your app shows").fill(code_from(secret, time.time()))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("button", name="I have kept my codes safe").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    password_step(page, director)
    expect(page.get_by_role("heading", name="Enter the 6-digit code")).to_be_visible()
    # A code works once: use the next 30-second step's code (apps allow one step of drift).
    used = TOTPDevice.objects.get(user=director, confirmed=True).last_t
    page.get_by_label("Enter the 6-digit code").fill(code_from(secret, (used + 1) * 30))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def test_main_pages_run_under_the_content_security_policy_with_no_violation(page, council, sign_in):
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    child = council.children["own"]
    pages = {
        "qa_admin": [
            "/",
            "/children/",
            f"/children/{child.pk}/",
            "/audits/mine/",
            "/audits/reassign",
            "/audits/programmes/",
            "/audits/tools/",
            "/improvement/",
            "/reports/",  # server-drawn SVG charts
            "/learning/",
            "/learning/recommendations/",
            "/account/",
            "/admin/",
            "/admin/organisation/child/",
            f"/admin/organisation/child/{child.pk}/change/",
            "/accessibility",
        ],
        "social_worker": ["/", "/account/", "/account/two-step/set-up"],  # the QR code page
    }
    checked = 0
    for who, urls in pages.items():
        page.context.clear_cookies()
        sign_in(council[who])
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
            page.wait_for_load_state("load")
            assert page.evaluate("window.__cspViolations") == [], url
            # GOV.UK Frontend's JavaScript ran (its body class comes from our static file, not inline script).
            if not url.startswith("/admin/"):
                assert "govuk-frontend-supported" in page.evaluate("document.body.className"), url
            checked += 1
    assert checked == 19
    assert not [text for text in console_errors if "Content Security Policy" in text], console_errors
