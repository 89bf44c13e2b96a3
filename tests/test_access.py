"""Who sees which child: the access helper, and the pages that use it."""

import pytest
from django.urls import reverse

from caseaudit.organisation.access import children_visible_to, get_child_for

EVERYONE = {"own", "colleagues", "team_b", "south"}
EXPECTED = {
    "director": EVERYONE,
    "head_of_service": EVERYONE,
    "qa_admin": EVERYONE,
    "service_manager": {"own", "colleagues", "team_b"},
    "practice_lead": {"own", "colleagues", "team_b"},
    "team_manager": {"own", "colleagues"},
    "other_team_manager": {"south"},
    "social_worker": {"own"},
    "colleague": {"colleagues"},
    "iro": {"own"},
    "outsider": {"south"},
    # Auditors and moderators reach children through the audits assigned to them.
    "auditor": set(),
    "moderator": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_exactly_the_children_its_place_allows(council, who):
    visible = set(children_visible_to(council[who]).values_list("pk", flat=True))
    expected = {council.children[key].pk for key in EXPECTED[who]}
    assert visible == expected


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_child_pages_answer_200_to_insiders_and_404_to_outsiders(client, council, who):
    client.force_login(council[who])
    for key, child in council.children.items():
        response = client.get(reverse("organisation:child_show", args=[child.pk]))
        expected = 200 if key in EXPECTED[who] else 404
        assert response.status_code == expected, f"{who} asking for {key}"
        if expected == 404:
            assert child.name not in response.content.decode()


def test_a_deactivated_person_sees_nobody(council):
    worker = council["social_worker"]
    worker.is_active = False
    worker.save()
    assert not children_visible_to(worker).exists()


def test_get_child_for_raises_404_for_a_child_that_does_not_exist(council):
    from django.http import Http404

    with pytest.raises(Http404):
        get_child_for(council["director"], 999_999)


def test_the_children_list_shows_only_visible_children(client, council):
    client.force_login(council["team_manager"])
    page = client.get(reverse("organisation:child_index")).content.decode()
    assert "Olivia Own" in page and "Callum Colleague" in page
    assert "Bella Bteam" not in page and "Samir South" not in page


def test_the_team_filter_offers_only_teams_the_person_can_see(client, council):
    client.force_login(council["team_manager"])
    page = client.get(reverse("organisation:child_index")).content.decode()
    assert "Team A" in page
    assert "Team C" not in page


def test_asking_for_another_teams_id_in_the_filter_is_refused_not_leaked(client, council):
    client.force_login(council["team_manager"])
    response = client.get(reverse("organisation:child_index"), {"team": council.team_c.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Samir South" not in body
