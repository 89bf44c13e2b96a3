"""Finding a child: search by ID or name, filter by team and status, paging."""

import datetime

from django.urls import reverse

from caseaudit.organisation.models import LegalStatus
from caseaudit.trail.models import TrailEntry

from .factories import ChildFactory


def names_on(response) -> set[str]:
    return {child.name for child in response.context["page"].object_list}


def test_search_by_case_id_is_exact_and_case_insensitive(client, council):
    client.force_login(council["qa_admin"])
    child = council.children["south"]
    response = client.get(reverse("organisation:child_index"), {"q": child.case_id.lower()})
    assert names_on(response) == {child.name}


def test_search_by_part_of_a_name(client, council):
    client.force_login(council["qa_admin"])
    response = client.get(reverse("organisation:child_index"), {"q": "colleag"})
    assert names_on(response) == {"Callum Colleague"}


def test_filter_by_team_legal_status_and_open_or_closed(client, council):
    ChildFactory(
        name="Cara Closed",
        team=council.team_a,
        legal_status=LegalStatus.LOOKED_AFTER,
        closed_on=datetime.date(2025, 6, 1),
    )
    client.force_login(council["qa_admin"])
    url = reverse("organisation:child_index")
    assert names_on(client.get(url, {"team": council.team_a.pk})) == {"Olivia Own", "Callum Colleague", "Cara Closed"}
    assert names_on(client.get(url, {"status": "closed"})) == {"Cara Closed"}
    assert names_on(client.get(url, {"legal_status": "looked_after"})) == {"Cara Closed"}
    assert "Cara Closed" not in names_on(client.get(url, {"team": council.team_a.pk, "status": "open"}))


def test_a_long_list_is_paged_and_keeps_the_filters(client, council):
    for n in range(60):
        ChildFactory(name=f"Paged Child {n:02d}", team=council.team_b)
    client.force_login(council["qa_admin"])
    url = reverse("organisation:child_index")
    first = client.get(url, {"team": council.team_b.pk})
    assert len(first.context["page"].object_list) == 50
    assert f"team={council.team_b.pk}&amp;page=2" in first.content.decode()
    second = client.get(url, {"team": council.team_b.pk, "page": 2})
    assert len(second.context["page"].object_list) == 11


def test_opening_a_child_is_written_to_the_change_history(client, council):
    child = council.children["own"]
    client.force_login(council["social_worker"])
    before = TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS).count()
    client.get(reverse("organisation:child_show", args=[child.pk]), REMOTE_ADDR="10.1.2.3")
    entry = TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS).order_by("-sequence").first()
    assert TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS).count() == before + 1
    assert entry.object_pk == str(child.pk)
    assert entry.actor == council["social_worker"]
    assert entry.remote_addr == "10.1.2.3"


def test_a_refused_child_page_is_not_logged_as_read(client, council):
    client.force_login(council["outsider"])
    before = TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS).count()
    client.get(reverse("organisation:child_show", args=[council.children["own"].pk]))
    assert TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS).count() == before


def test_a_child_with_many_audits_lists_them_a_page_at_a_time_newest_first(client, council):
    from caseaudit.audits.models import Audit
    from caseaudit.audits.services.tools import standard_tools_ensure

    tool, _ = standard_tools_ensure()
    child = council.children["own"]
    first = datetime.date(2020, 1, 6)
    Audit.objects.bulk_create(
        Audit(
            kind="case_file",
            child=child,
            team=child.team,
            tool_version=tool.current_version,
            status="shared",
            overall_grade="good",
            final_grade="good",
            audit_date=first + datetime.timedelta(weeks=n),
        )
        for n in range(25)
    )
    client.force_login(council["qa_admin"])
    url = reverse("organisation:child_show", args=[child.pk])
    page_one = client.get(url)
    dates = [a.audit_date for a in page_one.context["audits"]]
    assert len(dates) == 20 and dates == sorted(dates, reverse=True)
    assert dates[0] == first + datetime.timedelta(weeks=24)
    assert "Showing 1 to 20 of 25 audits, newest first." in page_one.content.decode()
    page_two = client.get(url, {"page": 2})
    assert [a.audit_date for a in page_two.context["audits"]] == [
        first + datetime.timedelta(weeks=n) for n in range(4, -1, -1)
    ]
    assert 'rel="prev"' in page_two.content.decode()
    # A page past the end shows the last page, as the children's list does.
    assert list(client.get(url, {"page": 9}).context["audits"]) == list(page_two.context["audits"])
