"""Audits shared to acknowledge (issue 44, point 6): each row says which audit it is, and a team manager
acknowledges several at once, all or none, with a clear refusal when that cannot be done."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseaudit.audits.errors import AuditRuleError
from caseaudit.audits.models import Acknowledgement, Audit
from caseaudit.audits.services import lifecycle
from caseaudit.audits.services.acknowledgements import NONE_CHOSEN, NOT_YOURS, audits_acknowledge
from caseaudit.trail.models import TrailEntry

from ..improvement.conftest import finalise  # noqa: F401 (fixture)

URL = "/audits/mine/acknowledge"


@pytest.fixture
def shared(council, finalise):  # noqa: F811
    """Shared with the team manager of Team A: two audits of one case (a case file audit in January, its
    re-audit in March), and one of a colleague's case."""

    def share(audit, day):
        Audit.objects.filter(pk=audit.pk).update(audit_date=day)
        return lifecycle.audit_share(audit_id=audit.pk, by=council["qa_admin"])

    first = share(finalise("own", grade="requires_improvement"), datetime.date(2026, 1, 14))
    again = share(finalise("own", grade="good", follows=first), datetime.date(2026, 3, 9))
    other = share(finalise("colleagues", grade="outstanding"), datetime.date(2026, 2, 2))
    return [first, again, other]


def acknowledged_by(person) -> set[int]:
    return set(Acknowledgement.objects.filter(person=person).values_list("audit_id", flat=True))


def rows(page: str) -> list[str]:
    """Each row of the list as its visible text, one space between cells."""
    found = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def test_each_row_says_which_audit_it_is_so_two_of_one_case_are_told_apart(client, council, shared):
    first, again, _ = shared
    client.force_login(council["team_manager"])
    page = client.get("/audits/mine/").content.decode()
    case = first.child.case_id
    own = [row for row in rows(page) if f" {case} " in f" {row} " and "Select" not in row.split()[0:1]]
    assert len(own) == 2
    texts = sorted(own)
    assert any("Case file audit" in t and "14 Jan 2026" in t and "Requires improvement" in t for t in texts)
    assert any("Re-audit" in t and "9 Mar 2026" in t and "Good" in t for t in texts)
    assert texts[0] != texts[1]


def test_the_manager_acknowledges_the_chosen_audits_and_only_those(client, council, shared):
    first, again, other = shared
    manager = council["team_manager"]
    client.force_login(manager)
    response = client.post(URL, {"choose": "selected", "audits": [first.pk, other.pk], "back": "mine"})
    assert response.status_code == 302 and response["Location"] == "/audits/mine/"
    assert acknowledged_by(manager) == {first.pk, other.pk}
    assert acknowledged_by(council["social_worker"]) == set()  # the worker still acknowledges for themself
    page = client.get(response["Location"]).content.decode()
    assert "2 audits acknowledged" in page
    assert f'name="audits" type="checkbox" value="{again.pk}"' in page  # still to acknowledge
    assert f'value="{first.pk}"' not in page
    # Each acknowledgement is in the change history, by the manager.
    history = TrailEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Acknowledgement), action=TrailEntry.Action.CREATE
    )
    ids = set(Acknowledgement.objects.filter(person=manager).values_list("pk", flat=True))
    assert {int(entry.object_pk) for entry in history if entry.actor_id == manager.pk} == ids


def test_acknowledge_all_takes_every_audit_the_list_showed(client, council, shared):
    manager = council["team_manager"]
    client.force_login(manager)
    page = client.get("/audits/mine/?list=to_acknowledge").content.decode()
    assert "Acknowledge all 3" in page
    shown = re.findall(r'name="shown" value="(\d+)"', page)
    response = client.post(URL, {"choose": "all", "shown": shown, "back": "list"})
    assert response["Location"] == "/audits/mine/?list=to_acknowledge"
    assert acknowledged_by(manager) == {a.pk for a in shared}
    assert "There are none." in client.get(response["Location"]).content.decode()


def test_nothing_chosen_is_refused_with_a_linked_error(client, council, shared):
    client.force_login(council["team_manager"])
    response = client.post(URL, {"choose": "selected", "back": "mine"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert f'<a href="#acknowledge-audits">{NONE_CHOSEN}</a>' in page
    assert 'id="acknowledge-audits"' in page  # the link lands on the first box
    assert acknowledged_by(council["team_manager"]) == set()


def test_one_no_longer_acknowledgeable_refuses_them_all_and_says_which(client, council, shared):
    first, again, other = shared
    manager = council["team_manager"]
    client.force_login(manager)
    # Acknowledged meanwhile in another tab.
    lifecycle.audit_acknowledge(audit_id=again.pk, by=manager, response="")
    response = client.post(URL, {"choose": "selected", "audits": [first.pk, again.pk, other.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f"The re-audit of case {again.child.case_id} of 9 March 2026 can no longer be acknowledged" in page
    assert "Nothing was acknowledged" in page
    assert acknowledged_by(manager) == {again.pk}  # the other two were not acknowledged
    # What was ticked and is still on the list stays ticked.
    assert f'value="{first.pk}" checked' in page and f'value="{other.pk}" checked' in page


def test_an_audit_not_theirs_is_refused_without_naming_it(client, council, shared):
    outsider = council["other_team_manager"]
    client.force_login(outsider)
    response = client.post(URL, {"choose": "selected", "audits": [shared[0].pk]})
    page = response.content.decode()
    assert NOT_YOURS in page and shared[0].child.case_id not in page
    assert not Acknowledgement.objects.exists()
    garbled = client.post(URL, {"choose": "selected", "audits": ["1; DROP", str(shared[0].pk)]})
    assert NOT_YOURS in garbled.content.decode()
    assert client.get(URL).status_code == 405


def test_the_service_refuses_before_acknowledging_anything(council, shared):
    manager = council["team_manager"]
    with pytest.raises(AuditRuleError, match="Select the audits"):
        audits_acknowledge(audit_ids=[], by=manager)
    with pytest.raises(AuditRuleError, match="not yours"):
        audits_acknowledge(audit_ids=[shared[0].pk, 999999], by=manager)
    assert acknowledged_by(manager) == set()
    assert audits_acknowledge(audit_ids=[a.pk for a in shared], by=manager) == 3
    assert acknowledged_by(manager) == {a.pk for a in shared}


def test_the_full_list_reads_the_same_queries_however_many_audits(client, council, finalise):  # noqa: F811
    client.force_login(council["team_manager"])

    def share_one():
        audit = finalise("colleagues", grade="good")
        lifecycle.audit_share(audit_id=audit.pk, by=council["qa_admin"])

    share_one()
    client.get("/audits/mine/?list=to_acknowledge")
    with CaptureQueriesContext(connection) as once:
        client.get("/audits/mine/?list=to_acknowledge")
    share_one()
    share_one()
    with CaptureQueriesContext(connection) as thrice:
        page = client.get("/audits/mine/?list=to_acknowledge").content.decode()
    assert "Acknowledge all 3" in page
    assert len(thrice) == len(once)
