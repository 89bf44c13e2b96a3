"""Issue 37, point 7: a proposed sample is assigned in one form, knowing who is busy.

Each child's list names every auditor with their team and open audits ("Abigail Myers – QA team,
3 open audits"); one "Save the assignments" saves them all; a choice that cannot stand is refused
against that child with nothing saved and every choice kept; removing a child or confirming saves the
choices on the page first; "Confirm the sample" is offered only once there is a sample.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.audits.models import Audit, AuditStatus, SampleEntry
from caseaudit.audits.selectors import auditor_label, auditors_with_open_audits
from caseaudit.audits.services.lifecycle import audit_open
from caseaudit.audits.services.sampling import (
    SampleAssignmentRefused,
    programme_create,
    sample_assign_all,
)
from caseaudit.organisation.roles import Role

from ..factories import ChildFactory, PersonFactory, TeamFactory


@pytest.fixture
def programme(council, version):
    return programme_create(
        service_area=council.team_a.service_area,
        month=datetime.date(2026, 3, 1),
        tool_version=version,
        due_on=datetime.date(2026, 3, 31),
        by=council["qa_admin"],
    )


@pytest.fixture
def qa_team(council):
    return TeamFactory(name="QA team", service_area=council.team_c.service_area)


@pytest.fixture
def abigail(council, qa_team):
    return PersonFactory(
        email="abigail.myers@council.example", full_name="Abigail Myers", roles=[Role.AUDITOR], team=qa_team
    )


@pytest.fixture
def sample(council, programme, abigail):
    """Three children of Team B, proposed and given the council's auditor."""
    children = [ChildFactory(name=f"Child {n}", team=council.team_b) for n in range(3)]
    return [SampleEntry.objects.create(programme=programme, child=c, auditor=council["auditor"]) for c in children]


def give_open_audits(person, count: int, version, team) -> None:
    for _ in range(count):
        audit_open(child=ChildFactory(team=team), auditor=person, tool_version=version, due_on=None)


def programme_page(client, programme) -> str:
    return client.get(reverse("audits:programme_show", args=[programme.pk])).content.decode()


def assign_data(entries, chosen) -> dict:
    return {
        f"auditor_{entry.pk}": str(person.pk) if person else "" for entry, person in zip(entries, chosen, strict=True)
    }


# Who the auditors are and how busy -------------------------------------------------------------------------


def test_each_auditor_is_listed_with_their_team_and_open_audits(council, version, abigail):
    give_open_audits(abigail, 3, version, council.team_b)
    # Finished audits are not open: they do not count.
    done = audit_open(child=ChildFactory(team=council.team_b), auditor=abigail, tool_version=version, due_on=None)
    Audit.objects.filter(pk=done.pk).update(status=AuditStatus.SHARED, final_grade="good")
    submitted = audit_open(
        child=ChildFactory(team=council.team_b), auditor=council["auditor"], tool_version=version, due_on=None
    )
    Audit.objects.filter(pk=submitted.pk).update(status=AuditStatus.SUBMITTED)
    council["auditor"].job_title = "QA officer"
    council["auditor"].save()
    with CaptureQueriesContext(connection) as captured:
        labels = [auditor_label(p) for p in auditors_with_open_audits()]
    assert len(captured.captured_queries) == 1  # team and count in one grouped query
    assert labels == ["Abigail Myers – QA team, 3 open audits", "Auditor – QA officer, 1 open audit"]


def test_the_sample_page_lists_auditors_with_team_and_open_audits(client, council, programme, sample, abigail, version):
    give_open_audits(abigail, 3, version, council.team_b)
    council["auditor"].job_title = "QA officer"  # in no team: their job title says who they are
    council["auditor"].save()
    client.force_login(council["qa_admin"])
    body = programme_page(client, programme)
    for entry in sample:
        select = re.search(rf'<select name="auditor_{entry.pk}"[^>]*>(.*?)</select>', body, re.S)
        assert select, entry
        assert ">Abigail Myers – QA team, 3 open audits</option>" in select.group(1)
        assert re.search(
            rf'<option value="{council["auditor"].pk}" selected>Auditor – QA officer, 0 open audits</option>',
            select.group(1),
        )


# One form for the whole sample -----------------------------------------------------------------------------


def test_the_whole_sample_is_assigned_with_one_button(client, council, programme, sample, abigail):
    client.force_login(council["qa_admin"])
    body = programme_page(client, programme)
    assert body.count(">Save the assignments</button>") == 1
    assert ">Change<" not in body
    # One form holds every child's list.
    form = re.search(r'<form method="post" action="([^"]+)" id="sample-auditors"[^>]*>(.*?)</form>', body, re.S)
    assert form and form.group(1) == reverse("audits:sample_assign", args=[programme.pk])
    assert all(f'name="auditor_{entry.pk}"' in form.group(2) for entry in sample)
    response = client.post(form.group(1), assign_data(sample, [abigail, abigail, council["auditor"]]))
    assert response.status_code == 302
    assert [e.auditor for e in SampleEntry.objects.filter(pk__in=[e.pk for e in sample]).order_by("pk")] == [
        abigail,
        abigail,
        council["auditor"],
    ]


def test_a_choice_that_cannot_stand_is_refused_against_its_child_and_nothing_is_saved(
    client, council, programme, sample, abigail
):
    # The team manager of Team A audits too: never a case in their own team.
    manager = council["team_manager"]
    manager.role_assignments.create(role=Role.AUDITOR)
    own_team = SampleEntry.objects.create(
        programme=programme, child=ChildFactory(name="Ann Own-Team", team=council.team_a), auditor=council["auditor"]
    )
    entries = [*sample, own_team]
    client.force_login(council["qa_admin"])
    url = reverse("audits:sample_assign", args=[programme.pk])
    response = client.post(url, assign_data(entries, [abigail, abigail, abigail, manager]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    message = f"Team Manager cannot audit {own_team.child.case_id}: it is their own or their team&#x27;s case"
    assert f'<a href="#id_auditor_{own_team.pk}">{message}</a>' in body
    assert re.search(rf'<select name="auditor_{own_team.pk}"[^>]*govuk-select--error', body)
    # What they chose is still chosen, and nothing was saved.
    for entry in sample:
        select = re.search(rf'<select name="auditor_{entry.pk}"[^>]*>(.*?)</select>', body, re.S).group(1)
        assert f'<option value="{abigail.pk}" selected>' in select
    assert set(SampleEntry.objects.values_list("auditor", flat=True)) == {council["auditor"].pk}


def test_a_child_added_since_the_page_was_built_keeps_its_auditor(client, council, programme, sample, abigail):
    client.force_login(council["qa_admin"])
    data = assign_data(sample, [abigail, abigail, abigail])  # the page as it was
    added = SampleEntry.objects.create(
        programme=programme, child=ChildFactory(team=council.team_b), auditor=council["auditor"]
    )
    assert client.post(reverse("audits:sample_assign", args=[programme.pk]), data).status_code == 302
    added.refresh_from_db()
    assert added.auditor == council["auditor"]
    assert SampleEntry.objects.filter(auditor=abigail).count() == 3


def test_a_child_with_no_auditor_offers_choose_an_auditor(client, council, programme, sample):
    SampleEntry.objects.filter(pk=sample[0].pk).update(auditor=None)
    client.force_login(council["qa_admin"])
    body = programme_page(client, programme)
    first = re.search(rf'<select name="auditor_{sample[0].pk}"[^>]*>(.*?)</select>', body, re.S).group(1)
    second = re.search(rf'<select name="auditor_{sample[1].pk}"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert '<option value="" selected>Choose an auditor</option>' in first
    assert "Choose an auditor" not in second


def test_a_person_who_is_not_an_auditor_is_refused_by_the_service(council, programme, sample):
    with pytest.raises(SampleAssignmentRefused) as refused:
        sample_assign_all(programme=programme, auditors={sample[0].pk: council["social_worker"]})
    assert refused.value.errors == {
        sample[0].pk: f"Social Worker is not an auditor: choose another auditor for {sample[0].child.case_id}"
    }


def test_removing_a_child_keeps_the_auditors_chosen_for_the_others(client, council, programme, sample, abigail):
    client.force_login(council["qa_admin"])
    body = programme_page(client, programme)
    remove_url = reverse("audits:sample_remove", args=[programme.pk, sample[2].pk])
    # The Remove button belongs to the sample's form: it sends the choices with it.
    assert f'<button type="submit" formaction="{remove_url}"' in body
    response = client.post(remove_url, assign_data(sample, [abigail, abigail, council["auditor"]]))
    assert response.status_code == 302
    assert list(SampleEntry.objects.order_by("pk").values_list("auditor", flat=True)) == [abigail.pk, abigail.pk]


def test_confirming_uses_the_auditors_on_the_page(client, council, programme, sample, abigail):
    client.force_login(council["qa_admin"])
    body = programme_page(client, programme)
    confirm_url = reverse("audits:programme_confirm", args=[programme.pk])
    assert f'<button type="submit" form="sample-auditors" formaction="{confirm_url}"' in body
    response = client.post(confirm_url, assign_data(sample, [abigail, council["auditor"], abigail]))
    assert response.status_code == 302
    audits = Audit.objects.filter(programme=programme).order_by("child__name")
    assert [a.auditor for a in audits] == [abigail, council["auditor"], abigail]


def test_confirm_the_sample_is_offered_only_once_there_is_a_sample(client, council, programme):
    client.force_login(council["qa_admin"])
    assert "Confirm the sample" not in programme_page(client, programme)
    SampleEntry.objects.create(programme=programme, child=ChildFactory(team=council.team_b), auditor=council["auditor"])
    assert "Confirm the sample</button>" in programme_page(client, programme)


def test_another_programmes_entries_are_not_touched(council, programme, sample, abigail, version):
    other = programme_create(
        service_area=council.team_a.service_area,
        month=datetime.date(2026, 4, 1),
        tool_version=version,
        due_on=datetime.date(2026, 4, 30),
        by=council["qa_admin"],
    )
    elsewhere = SampleEntry.objects.create(programme=other, child=ChildFactory(team=council.team_b), auditor=None)
    assert sample_assign_all(programme=programme, auditors={elsewhere.pk: abigail, sample[0].pk: abigail}) == 1
    elsewhere.refresh_from_db()
    assert elsewhere.auditor is None


# GOV.UK's empty choices ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, empty",
    [
        ("audits:programme_new", ["Choose a service area", "Choose an audit tool"]),
        ("audits:programme_new_themed", ["Choose a question set"]),
        ("audits:reassign", ["Choose a person", "Choose an auditor"]),
    ],
)
def test_the_empty_choice_of_each_list_is_worded_as_govuk_does(client, council, name, empty):
    from caseaudit.audits.services.tools import standard_tools_ensure

    standard_tools_ensure()
    client.force_login(council["qa_admin"])
    body = client.get(reverse(name)).content.decode()
    assert "---------" not in body
    for text in empty:
        assert f'<option value="" selected>{text}</option>' in body
