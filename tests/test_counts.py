"""web.lists.counts: many counts in one query, each equal to the list's own .count()."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from caseaudit.organisation.models import Child, Team
from caseaudit.web.lists import counts
from tests.factories import ChildFactory


@pytest.fixture
def children(council):
    for n in range(5):
        ChildFactory(team=council.team_a, legal_status="child_in_need" if n % 2 else "looked_after")
    ChildFactory(team=council.team_c, legal_status="looked_after")


def test_each_count_is_what_count_gives_and_all_are_read_in_one_query(children, council):
    lists = {
        "every_child": Child.objects.all(),
        "in_need": Child.objects.filter(legal_status="child_in_need").select_related("team"),
        "north_teams_with_children": Team.objects.filter(service_area__name="North", children__isnull=False).distinct(),
        "outside_team_a": Child.objects.exclude(team__name="Team A").order_by("name"),
        "none_at_all": Child.objects.none(),
        "nothing_can_match": Child.objects.filter(pk__in=[]),
        "either": Child.objects.filter(Q(team=council.team_c) | Q(legal_status="child_in_need")),
    }
    expected = {name: rows.count() for name, rows in lists.items()}
    with CaptureQueriesContext(connection) as queries:
        found = counts(**lists)
    assert found == expected
    assert len(queries) == 1
    # Apart from the two empty lists, every count differs from the others: a mixed-up order would show.
    non_empty = [n for name, n in expected.items() if name not in ("none_at_all", "nothing_can_match")]
    assert len(set(non_empty)) == len(non_empty) and 0 not in non_empty


def test_no_lists_reads_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert counts() == {}
    assert len(queries) == 0
