"""My audits shows the first few of each list and the rest a page at a time; home counts them in the database."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from caseaudit.audits import selectors
from caseaudit.web import lists

from ..improvement.conftest import finalise  # noqa: F401 (fixture)


@pytest.fixture
def three_to_share(council, finalise, monkeypatch):  # noqa: F811
    monkeypatch.setattr(selectors, "LIST_LIMIT", 2)
    monkeypatch.setattr(selectors, "LIST_PAGE_SIZE", 2)
    return [finalise(key, grade="good") for key in ("own", "south", "own")]


def shared_links(page: str) -> list[str]:
    return re.findall(r"Audit of case ([\w-]+)</a> – ", page)


def test_a_long_list_shows_its_first_audits_and_how_many_there_are(client, council, three_to_share):
    client.force_login(council["qa_admin"])
    page = client.get("/audits/mine/").content.decode()
    assert len(shared_links(page)) == 2  # oldest first, as they wait longest
    assert "Showing the first 2 of 3." in page
    assert 'href="/audits/mine/?list=to_share"' in page


def test_the_whole_list_is_a_page_at_a_time(client, council, three_to_share):
    client.force_login(council["qa_admin"])
    first = client.get("/audits/mine/?list=to_share").content.decode()
    second = client.get("/audits/mine/?list=to_share&page=2").content.decode()
    assert "3 audits: 1 to 2 shown." in first and "3 audits: 3 to 3 shown." in second
    assert len(shared_links(first)) == 2 and len(shared_links(second)) == 1
    assert 'href="?list=to_share&amp;page=2"' in first  # the pagination keeps the list
    expected = [a.child.case_id for a in three_to_share]
    assert sorted(shared_links(first) + shared_links(second)) == sorted(expected)


def test_a_list_the_person_does_not_have_is_not_found(client, council):
    client.force_login(council["auditor"])
    assert client.get("/audits/mine/?list=moderation_queue").status_code == 404  # not a moderator
    assert client.get("/audits/mine/?list=everything").status_code == 404
    assert client.get("/audits/mine/?list=to_do").status_code == 200


def test_home_counts_every_audit_not_only_those_my_audits_shows(client, council, three_to_share):
    client.force_login(council["qa_admin"])
    assert "3 moderated audits ready to share" in client.get("/").content.decode()
    found = lists.counts(**selectors.my_audit_count_lists(council["qa_admin"], timezone.localdate()))
    counts = selectors.my_audit_counts(found)
    assert counts["to_share"] == 3
    assert counts["moderation_queue"] is None  # not a moderator: no queue, rather than an empty one


def test_every_list_is_drawn_from_the_columns_it_reads(client, council):
    """The lists read only the columns they show (selectors._LISTED): a field the page shows but the query
    left out would be read audit by audit, so a second audit in every list must not add a query."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseaudit.audits.models import Audit
    from caseaudit.audits.services.tools import standard_tools_ensure
    from tests.factories import ChildFactory

    me, other = council["moderator"], council["auditor"]
    version = standard_tools_ensure()[0].current_version
    lists = {
        # Critical, shared (so not also ready to share), moderated by me (so I may see it).
        "critical": {
            "status": "shared",
            "moderator": me,
            "is_critical": True,
            "overall_grade": "inadequate",
            "final_grade": "inadequate",
        },  # fmt: skip
        "to_do": {"status": "draft", "auditor": me, "due_on": datetime.date(2026, 1, 5)},
        "moderation_queue": {"status": "submitted", "auditor": other, "auditor_name": ""},
        "to_acknowledge": {"status": "shared", "worker": me, "final_grade": "good"},
        "to_share": {"status": "finalised", "moderator": me, "final_grade": "requires_improvement"},
        "submitted": {"status": "submitted", "auditor": me},
    }

    def one_in_each() -> list[str]:
        cases = []
        for fields in lists.values():
            child = ChildFactory(team=council.team_a)
            Audit.objects.create(
                kind="case_file", child=child, team=child.team, tool_version=version,
                audit_date=datetime.date(2026, 1, 2), **fields,
            )  # fmt: skip
            cases.append(child.case_id)
        return cases

    client.force_login(me)
    first = one_in_each()
    client.get("/audits/mine/")  # the session and one-off reads
    with CaptureQueriesContext(connection) as once:
        page = client.get("/audits/mine/").content.decode()
    assert [case for case in first if case not in page] == []
    second = one_in_each()
    with CaptureQueriesContext(connection) as twice:
        page = client.get("/audits/mine/").content.decode()
    assert [case for case in second if case not in page] == []
    assert len(twice) == len(once)
