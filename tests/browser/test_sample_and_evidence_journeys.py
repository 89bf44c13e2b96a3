"""Issue 37, points 7 and 8, in a real browser, with JavaScript and without.

A QA administrator assigns a whole proposed sample in one form, seeing each auditor's team and open
audits; an auditor who grades without evidence is told what is missing for each practice area, and
long text is held to its stated limit (counted as they type when JavaScript runs).
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from caseaudit.audits.models import Audit, AuditStatus, SampleEntry
from caseaudit.audits.services.sampling import programme_create
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.audits.standard_tool import STANDARD_SECTIONS
from caseaudit.organisation.roles import Role
from tests.browser.conftest import JOURNEYS_BOTH_WAYS
from tests.browser.test_audit_journeys import choose, heading, open_audit, radio_group
from tests.factories import ChildFactory, PersonFactory, TeamFactory

pytestmark = [pytest.mark.browser, JOURNEYS_BOTH_WAYS]

PRACTICE_AREAS = [title for title, _ in STANDARD_SECTIONS]


def test_a_qa_admin_assigns_the_whole_sample_in_one_form_knowing_who_is_busy(
    page: Page, council, sign_in, javascript: bool
):
    version = standard_tools_ensure()[0].current_version
    qa_team = TeamFactory(name="QA team", service_area=council.team_c.service_area)
    abigail = PersonFactory(
        email="abigail.myers@council.example", full_name="Abigail Myers", roles=[Role.AUDITOR], team=qa_team
    )
    for _ in range(3):
        open_audit(ChildFactory(team=council.team_b), abigail)
    programme = programme_create(
        service_area=council.team_a.service_area,
        month=datetime.date.today().replace(day=1),
        tool_version=version,
        due_on=datetime.date.today() + datetime.timedelta(days=30),
        by=council["qa_admin"],
    )
    children = [ChildFactory(name=f"Sample Child {n}", team=council.team_b) for n in range(3)]
    entries = [SampleEntry.objects.create(programme=programme, child=c, auditor=council["auditor"]) for c in children]

    sign_in(council["qa_admin"])
    page.goto(f"/audits/programmes/{programme.pk}/")
    expect(heading(page)).to_have_text(programme.title)
    sample = page.get_by_role("table", name=re.compile(r"Proposed sample"))
    expect(sample.get_by_role("button", name=re.compile("^Change"))).to_have_count(0)
    for child in children:
        choice = page.get_by_label(f"Auditor for {child.case_id}")
        expect(choice.get_by_role("option", name="Abigail Myers – QA team, 3 open audits")).to_have_count(1)
    # Two of the three change; one button saves them all.
    page.get_by_label(f"Auditor for {children[0].case_id}").select_option(
        label="Abigail Myers – QA team, 3 open audits"
    )
    page.get_by_label(f"Auditor for {children[2].case_id}").select_option(
        label="Abigail Myers – QA team, 3 open audits"
    )
    expect(page.get_by_role("button", name="Save the assignments")).to_have_count(1)
    page.get_by_role("button", name="Save the assignments").click()

    expect(page.get_by_text("Auditors saved")).to_be_visible()
    assert [SampleEntry.objects.get(pk=e.pk).auditor for e in entries] == [abigail, council["auditor"], abigail]
    expect(page.get_by_label(f"Auditor for {children[0].case_id}")).to_have_value(str(abigail.pk))

    # A change not yet saved is not lost by confirming: the auditors on the page are the ones confirmed.
    page.get_by_label(f"Auditor for {children[1].case_id}").select_option(
        label="Abigail Myers – QA team, 3 open audits"
    )
    page.get_by_role("button", name="Confirm the sample").click()
    expect(page.get_by_text("Sample confirmed: 3 audits assigned to auditors")).to_be_visible()
    assert set(Audit.objects.filter(programme=programme).values_list("auditor", flat=True)) == {abigail.pk}


def test_an_auditor_cannot_submit_grades_without_evidence_and_long_text_has_a_limit(
    page: Page, council, sign_in, javascript: bool
):
    audit = open_audit(council.children["own"], council["auditor"])
    voice, rest = PRACTICE_AREAS[0], PRACTICE_AREAS[1:]

    sign_in(council["auditor"])
    page.goto(f"/audits/{audit.pk}/edit/all")
    evidence = page.get_by_label(f"Evidence for {voice}")
    if javascript:
        # GOV.UK's character count says what is left as they type.
        evidence.fill("Olivia was seen alone.")
        expect(page.get_by_text("You have 4,978 characters remaining")).to_be_visible()
        evidence.fill("")
    else:
        expect(page.get_by_text("You can enter up to 5,000 characters").first).to_be_visible()
    for area in PRACTICE_AREAS:
        choose(page, f"Grade for {area}", "Good")
    choose(page, "Overall grade", "Good")
    page.get_by_label("Strengths", exact=True).fill("A warm, steady relationship with Olivia.")
    page.get_by_role("button", name="Save and check your answers").click()
    page.get_by_role("button", name="Submit for moderation").click()

    # Refused on Check your answers: each link leads to the practice area's page, to the box itself.
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text([f"Enter the evidence for {area}" for area in PRACTICE_AREAS])
    summary.get_by_role("link", name=f"Enter the evidence for {voice}").click()
    # The area's own page says what is missing there, in its own error summary and by the box.
    expect(heading(page)).to_have_text(voice)
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([f"Enter the evidence for {voice}"])
    expect(page.get_by_text(f"Error: Enter the evidence for {voice}")).to_be_visible()
    summary.get_by_role("link").click()
    evidence = page.get_by_label(f"Evidence for {voice}")
    expect(evidence).to_be_focused()
    expect(radio_group(page, f"Grade for {voice}").get_by_label("Good", exact=True)).to_be_checked()

    # Too much is refused with GOV.UK's wording, and kept to trim.
    evidence.fill("Olivia said she likes her school. " * 160)
    if javascript:
        expect(page.get_by_text(re.compile(r"You have [\d,]+ characters too many"))).to_be_visible()
    page.get_by_role("button", name="Save and return to the task list").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([f"Evidence for {voice} must be 5,000 characters or less"])
    expect(evidence).to_have_value(re.compile(r"^(Olivia said she likes her school\. ?){160}$"))

    evidence.fill("Olivia was seen alone and her words are in the plan.")
    page.get_by_role("button", name="Save and return to the task list").click()
    page.get_by_role("link", name="Show the whole audit on one page").click()
    expect(page.get_by_label("Strengths", exact=True)).to_have_value("A warm, steady relationship with Olivia.")
    for area in rest:
        page.get_by_label(f"Evidence for {area}").fill(f"Seen in the file: {area}.")
    page.get_by_role("button", name="Save and check your answers").click()
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.get_by_text("Audit submitted for moderation")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
