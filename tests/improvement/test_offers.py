"""Each person is offered only what they may record on a plan, and told who will record the rest (issue 44.1)."""

from __future__ import annotations

import re

import pytest

from caseaudit.improvement.models import ImprovementPlan


@pytest.fixture
def plan(finalise):
    return ImprovementPlan.objects.get(audit=finalise())


def _stage_cell(body: str, stage: str) -> str:
    row = re.search(rf'<th scope="row" class="govuk-table__header">{stage}</th>(.*?)</tr>', body, re.S)
    return row.group(1)


def test_a_team_manager_is_told_who_records_the_meeting_and_review_not_offered_the_forms(client, council, plan):
    client.force_login(council["team_manager"])
    body = client.get(f"/improvement/{plan.pk}/").content.decode()
    meeting, review = _stage_cell(body, "Day-three meeting"), _stage_cell(body, "Service manager review")
    lead, manager = council["practice_lead"].full_name, council["service_manager"].full_name
    assert "Record the meeting" not in meeting and f"{lead}, practice lead, records this meeting." in meeting
    assert "A QA administrator names cover for a practice lead who is away." in meeting
    assert "Record the review" not in review and f"{manager}, service manager, records this review." in review
    # Opening the form's address anyway says the same, with no form to fill.
    page = client.get(f"/improvement/{plan.pk}/meeting").content.decode()
    assert (
        f"{lead}, practice lead, records this meeting." in page
        and "<form" not in page.split("<main")[1].split("</main>")[0]
    )


def test_the_practice_lead_and_service_manager_are_offered_their_own_stages(client, council, plan):
    client.force_login(council["practice_lead"])
    body = client.get(f"/improvement/{plan.pk}/").content.decode()
    assert "Record the meeting" in _stage_cell(body, "Day-three meeting")
    assert client.get(f"/improvement/{plan.pk}/meeting").status_code == 200
    client.force_login(council["service_manager"])
    body = client.get(f"/improvement/{plan.pk}/").content.decode()
    assert "Record the review" in _stage_cell(body, "Service manager review")


def test_the_cover_of_an_absent_practice_lead_is_offered_the_meeting(client, council, plan, away):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    away("practice_lead", today - datetime.timedelta(days=1), today + datetime.timedelta(days=5), "team_manager")
    client.force_login(council["team_manager"])
    body = client.get(f"/improvement/{plan.pk}/").content.decode()
    assert "Record the meeting" in _stage_cell(body, "Day-three meeting")
