"""Choosing who owns a remedial action (issue 44, point 6): among a council's 178 staff, the child's team and
its managers come first, and a search that needs no JavaScript narrows the lists without losing what was typed."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseaudit.improvement.models import ImprovementPlan, RemedialAction
from tests.factories import PersonFactory, TeamFactory

from .conftest import finalise  # noqa: F401 (fixture)


@pytest.fixture
def plan(council, finalise):  # noqa: F811
    """An open plan for the social worker's child in Team A, among many staff elsewhere."""
    elsewhere = TeamFactory(name="Team Z", service_area=council.team_c.service_area)
    for n in range(30):
        PersonFactory(email=f"staff{n}@council.example", full_name=f"Aaron Staff {n:02}", team=elsewhere)
    PersonFactory(email="gone@council.example", full_name="Aaron Gone", team=council.team_a, is_active=False)
    audit = finalise("own", grade="inadequate")
    return ImprovementPlan.objects.get(audit=audit)


def owner_list(page: str, row: int = 0) -> dict[str, list[str]]:
    """One row's owner list: each group's label and its options' text, in page order."""
    select = re.search(rf'<select name="actions-{row}-owner".*?</select>', page, flags=re.S).group(0)
    groups = {}
    for label, options in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, flags=re.S):
        groups[label] = [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", options)]
    return groups


def meeting_url(plan) -> str:
    return f"/improvement/{plan.pk}/meeting"


def test_the_childs_team_and_its_managers_come_first_then_everyone_else(client, council, plan):
    client.force_login(council["practice_lead"])
    page = client.get(meeting_url(plan)).content.decode()
    assert '<option value="" selected>Choose an owner</option>' in page
    groups = owner_list(page)
    assert list(groups) == ["Team A and its managers", "Everyone else"]
    assert groups["Team A and its managers"] == [
        "Colleague",
        "Practice Lead, practice lead",
        "Service Manager, service manager",
        "Social Worker",
        "Team Manager, team manager",
    ]
    everyone_else = groups["Everyone else"]
    assert everyone_else[:2] == ["Aaron Staff 00", "Aaron Staff 01"] and len(everyone_else) == 30 + 8
    assert "Outsider" in everyone_else and "Other Team Manager" in everyone_else  # another team's manager
    assert all("Aaron Gone" not in names for names in groups.values())  # people who have left are not offered
    assert owner_list(page, 2) == groups  # every action's list is the same


def test_find_narrows_every_list_and_keeps_what_was_typed(client, council, plan):
    client.force_login(council["practice_lead"])
    data = {
        "held_on_day": "1", "held_on_month": "2", "held_on_year": "2026", "attendees": "PL, TM and SW",
        "notes": "Talked it through", "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Visit the child alone", "actions-0-owner": str(council["team_manager"].pk),
        "find": "  staff 1", "find_owner": "1",
    }  # fmt: skip
    response = client.post(meeting_url(plan), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in page and "govuk-error-message" not in page  # finding is not submitting
    assert "PL, TM and SW" in page and "Talked it through" in page and "Visit the child alone" in page
    assert "10 people found for “staff 1”" in page
    assert 'value="staff 1"' in page
    chosen = owner_list(page, 0)
    # The row's chosen owner stays, still chosen; the rest is what was found.
    assert chosen == {
        "Team A and its managers": ["Team Manager, team manager"],
        "Everyone else": [f"Aaron Staff {n}" for n in range(10, 20)],
    }
    assert f'<option value="{council["team_manager"].pk}" selected>' in page
    assert owner_list(page, 1) == chosen  # one list for every row
    assert page.count(f'<option value="{council["team_manager"].pk}" selected>') == 1  # chosen in its row only
    assert not RemedialAction.objects.filter(plan=plan).exists()  # nothing recorded
    plan.refresh_from_db()
    assert plan.stages.get(kind="meeting").completed_on is None


def test_a_search_that_finds_nobody_says_so_and_lists_everyone(client, council, plan):
    client.force_login(council["practice_lead"])
    page = client.get(meeting_url(plan), {"find": "Zebedee"}).content.decode()
    assert "No one was found for “Zebedee”: the owner lists show everyone." in page
    assert len(owner_list(page)["Everyone else"]) == 38


def test_an_owner_found_by_search_can_be_chosen_and_the_meeting_recorded(client, council, plan):
    client.force_login(council["practice_lead"])
    staff = PersonFactory(email="found@council.example", full_name="Findable Person")
    data = {
        "held_on_day": str(plan.opened_on.day), "held_on_month": str(plan.opened_on.month),
        "held_on_year": str(plan.opened_on.year), "attendees": "PL", "find": "findable",
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0", "actions-0-description": "Brief the team",
        "actions-0-owner": str(staff.pk), "actions-0-due_on_day": "1", "actions-0-due_on_month": "1",
        "actions-0-due_on_year": str(plan.opened_on.year + 1),
    }  # fmt: skip
    response = client.post(meeting_url(plan), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RemedialAction.objects.get(plan=plan).owner == staff


def test_the_owner_lists_cost_the_same_queries_however_many_staff(client, council, plan):
    client.force_login(council["practice_lead"])
    client.get(meeting_url(plan))
    with CaptureQueriesContext(connection) as before:
        client.get(meeting_url(plan))
    for n in range(40):
        PersonFactory(email=f"more{n}@council.example", team=council.team_a if n % 2 else None)
    with CaptureQueriesContext(connection) as after:
        client.get(meeting_url(plan))
    assert len(after) == len(before)
