"""Every page fits a 375-pixel phone screen: nothing makes the whole page scroll sideways (issue 44, point 8).

Wide tables scroll inside their own box (keyboard reachable, labelled); the page itself, its header band
included, stays the width of the screen. Measured on every page of the URL walk, as the axe check walks them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.a11y import signed_in_context
from tests.browser.test_accessibility import axe_world, every_page  # noqa: F401
from tests.test_url_walk import world  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, live_server, council, axe_world):  # noqa: F811
    too_wide: list[str] = []

    def measure(page, label: str, url: str) -> None:
        width = page.evaluate(WIDTH)
        if width > PHONE["width"]:
            too_wide.append(f"{label} {url}: {width} px")

    assert every_page(browser, live_server, council, axe_world, measure, viewport=PHONE) > 40
    assert not too_wide, "\n".join(too_wide)


def test_a_wide_table_scrolls_in_its_own_labelled_box_reachable_by_keyboard(
    browser: Browser,
    live_server,
    council,
    world,  # noqa: F811 (plans for the dashboard)
):
    context = signed_in_context(browser, live_server.url, council["qa_admin"])
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/improvement/")
    box = page.locator(".app-table-scroll").first
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")  # the table scrolls inside it
    assert page.evaluate(WIDTH) <= PHONE["width"]
    context.close()
