"""Browser fixtures: one Debian Chromium per test session, a fresh context per test.

The journeys run against pytest-django's `live_server` (a real HTTP server in a
thread, with static files served by Django's staticfiles handler) and the shared
`council` fixture from tests/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the main thread; without
# this Django refuses ORM calls (the `council` fixture) made from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Journeys are short and local: fail well before the 30-second default, but leave room for a first page
# load on a machine busy with other suites (5 s timed out there).
TIMEOUT_MS = 15_000
# Screenshots are kept out of the repository; a fixed path so people can find them.
SHOTS_DIR = Path("/tmp/caseaudit-shots")  # noqa: S108

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser` (so `-m "not browser"` skips them)."""
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing: the browser tests need Debian's Chromium at {CHROMIUM}. "
            "`make test` installs it via scripts/system-packages.sh (or: apt-get install chromium).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_instance(chromium_path: Path) -> Iterator[Playwright]:
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright, chromium_path: Path) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def javascript(request) -> bool:
    """On unless a module runs its journeys both ways (JOURNEYS_BOTH_WAYS): every journey must work without it."""
    return getattr(request, "param", True)


# For a journey module's pytestmark: each test runs with JavaScript on, then with it off.
JOURNEYS_BOTH_WAYS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"], indirect=True)


@pytest.fixture
def page(browser: Browser, live_server, transactional_db, javascript: bool) -> Iterator[Page]:
    """A new browser context (no cookies, no storage) per test, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 800},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in_through_the_form(page: Page, person, password: str = PASSWORD) -> Page:
    """The sign-in page as a person uses it, with the second step for roles that need one."""
    from caseaudit.accounts.two_factor import two_factor_required
    from tests.otp import app_for, code_for

    if two_factor_required(person):
        app_for(person)  # their authenticator app, with a key the test knows
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if "/account/two-step?" in page.url:
        page.get_by_label("Enter the 6-digit code").fill(code_for(person))
        page.get_by_role("button", name="Continue").click()
    return page


@pytest.fixture
def sign_in(page: Page):
    """Sign someone in through the sign-in page, as a person would."""

    def _sign_in(person, password: str = PASSWORD) -> Page:
        return sign_in_through_the_form(page, person, password)

    return _sign_in


@pytest.fixture
def shots_dir() -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR
