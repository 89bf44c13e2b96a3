"""Shared helpers for the accessibility checks: axe-core in the page, signed-in contexts.

axe-core comes from npm (package.json) and is injected into each page; its rules
are limited to the WCAG 2.2 AA tags the service promises in its accessibility
statement.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import TIMEOUT_MS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[str]:
    """Run axe on the page as it stands; one readable line per violating element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']}: {' '.join(map(str, node['target']))} ({node['failureSummary'][:160]})")
    return lines


def signed_in_context(browser: Browser, base_url: str, person=None, *, javascript: bool = True) -> BrowserContext:
    """A browser context holding a session for `person` (none: a visitor), without the sign-in form.

    The sign-in page itself is checked separately; going through it for every role
    would only add seconds (and lockout counters).
    """
    context = browser.new_context(
        base_url=base_url,
        locale="en-GB",
        viewport={"width": 1280, "height": 800},
        java_script_enabled=javascript,
        # axe-core is injected as a script the page's CSP (script-src 'self') would block; the CSP itself
        # is proven in tests/browser/test_security_journeys.py, with no bypass.
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    if person is not None:
        client = Client()
        client.force_login(person)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return context
