"""Audits, the monitoring dashboard and reports print cleanly on A4.

The print stylesheet (caseaudit/static_src/_print.scss) hides the navigation, the
footer, the phase banner and buttons; Chromium's own PDF output proves the pages
lay out on A4 and keep their text. pdftotext (poppler-utils) reads the PDF back.
"""

from __future__ import annotations

import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.test_audit_journeys import shared_audit
from tests.browser.test_improvement_journeys import inadequate_plan
from tests.reporting.test_figures import done_audit

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)  # 210 x 297 mm


def pdf_facts(path) -> tuple[int, str, tuple[int, int]]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S607
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    return pages, text, (round(float(size[2])), round(float(size[4])))


def hidden_in_print(page: Page) -> None:
    page.emulate_media(media="print")
    for selector in (".govuk-service-navigation", ".govuk-footer", ".govuk-phase-banner", ".govuk-skip-link"):
        assert not page.locator(selector).first.is_visible(), f"{selector} shows in print"
    for button in page.locator("main .govuk-button").all():
        assert not button.is_visible()
    assert page.locator("main h1").is_visible()


@pytest.mark.parametrize("what", ["audit", "dashboard", "report"])
def test_pages_print_on_a4_without_navigation(page: Page, council, sign_in, tmp_path, what):
    today = timezone.localdate()
    if what == "audit":
        audit = shared_audit(council)
        sign_in(council["qa_admin"])
        page.goto(f"/audits/{audit.pk}/")
        expected = [f"Audit of case {audit.child.case_id}", "Voice of the Child"]
    elif what == "dashboard":
        plan = inadequate_plan(council)
        sign_in(council["service_manager"])
        page.goto("/improvement/")
        expected = ["Improvement plans", plan.child.case_id, "On track"]
    else:
        for grade in ("good", "inadequate", "requires_improvement", "good"):
            done_audit(council.team_a, grade, today)
        sign_in(council["director"])
        page.goto("/reports/")
        expected = ["Case file audit report", "Grades by practice area"]
    hidden_in_print(page)
    pdf = tmp_path / f"{what}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages, text, size = pdf_facts(pdf)
    assert size == A4_POINTS
    assert 1 <= pages <= 12
    for words in expected:
        assert words in " ".join(text.split()), f"{words!r} missing from the printed {what}"
    for chrome in ("Skip to main content", "Sign out", "Accessibility statement", "Beta"):
        assert chrome not in text, f"{chrome!r} printed on the {what}"
