"""Every read endpoint x every council role: the API shows exactly what the pages' access helpers allow."""

import datetime

import pytest

from caseaudit.audits.access import audits_visible_to
from caseaudit.improvement.access import plans_visible_to
from caseaudit.organisation.access import children_visible_to
from caseaudit.trail.models import TrailEntry
from tests.test_url_walk import ROLES

from .conftest import call

LISTS = {
    "/children": lambda p: children_visible_to(p),
    "/audits": lambda p: audits_visible_to(p),
    "/improvement-plans": lambda p: plans_visible_to(p),
}


# The table is looped inside each test (one council per endpoint) to keep the suite quick.
@pytest.mark.parametrize("path", sorted(LISTS))
def test_lists_match_the_page_rules(client, world, token_for, council, path):
    for role in ROLES:
        response = call(client, token_for(role), path)
        assert response.status_code == 200, role
        got = [r["id"] for r in response.json()["results"]]
        assert got == sorted(LISTS[path](council[role]).values_list("pk", flat=True)), role


@pytest.mark.parametrize("path", sorted(LISTS))
def test_single_records_outside_access_are_404(client, world, token_for, council, path):
    for role in ROLES:
        _check_records(client, world, token_for, council, role, path)


def _check_records(client, world, token_for, council, role, path):
    person = council[role]
    objects = {
        "/children": [c.pk for c in council.children.values()],
        "/audits": [world["inadequate"].pk, world["good"].pk],
        "/improvement-plans": [world["plan"].pk],
    }[path]
    visible = set(LISTS[path](person).values_list("pk", flat=True))
    token = token_for(role)
    for pk in objects:
        response = call(client, token, f"{path}/{pk}")
        assert response.status_code == (200 if pk in visible else 404), (role, path, pk)
        if pk not in visible:
            assert response.json() == {"detail": "Not found"}


def test_team_manager_sees_their_team_only(client, world, token_for, council):
    body = call(client, token_for("team_manager"), "/children").json()
    assert {r["case_id"] for r in body["results"]} == {
        council.children["own"].case_id,
        council.children["colleagues"].case_id,
    }
    assert "name" not in body["results"][0]
    assert call(client, token_for("team_manager"), f"/children/{council.children['south'].pk}").status_code == 404


REPORT_OK = {
    "director",
    "head_of_service",
    "qa_admin",
    "service_manager",
    "practice_lead",
    "team_manager",
    "other_team_manager",
}


def test_reports_for_report_roles_only(client, world, token_for):
    for role in ROLES:
        response = call(client, token_for(role), "/reports?date_from=2026-01-01&date_to=2026-12-31")
        assert response.status_code == (200 if role in REPORT_OK else 404), role


def test_report_is_the_command_json(client, world, token_for, council):
    from caseaudit.reporting.periods import custom
    from caseaudit.reporting.report import build_report

    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    body = call(client, token_for("qa_admin"), f"/reports?date_from={start}&date_to={today}").json()
    expected = build_report(custom(start, today))
    # When each was made, to the second: the two can fall either side of a second's turn.
    made, expected_made = (datetime.datetime.fromisoformat(r.pop("generated_at")) for r in (body, expected))
    assert datetime.timedelta(0) <= expected_made - made <= datetime.timedelta(seconds=5)
    assert body == expected
    assert body["audits"]["total"] >= 2
    # A team manager is held to their team, as on the report pages.
    mine = call(client, token_for("team_manager"), f"/reports?date_from={start}&date_to={today}").json()
    assert mine["team"] == str(council.team_a)


@pytest.mark.parametrize("path", ["/service-areas", "/teams", "/learning", "/themed-audits", "/recommendations"])
def test_other_lists_answer_every_role(client, world, token_for, path):
    for role in ROLES:
        assert call(client, token_for(role), path).status_code == 200, role


SCOPED = {
    "/service-areas": "read:organisation",
    "/teams": "read:organisation",
    "/children": "read:organisation",
    "/audits": "read:audits",
    "/themed-audits": "read:audits",
    "/improvement-plans": "read:audits",
    "/learning": "read:learning",
    "/recommendations": "read:learning",
    "/reports?date_from=2026-01-01&date_to=2026-03-31": "read:reports",
}


@pytest.mark.parametrize("path", sorted(SCOPED))
def test_service_tokens_get_exactly_their_scope(client, world, service_token, path):
    assert call(client, service_token(SCOPED[path]), path).status_code == 200
    other = "read:learning" if SCOPED[path] != "read:learning" else "read:reports"
    response = call(client, service_token(other), path)
    assert response.status_code == 403
    assert response.json() == {"detail": "This token may not do that"}


def test_service_token_sees_finished_audits_council_wide(client, world, service_token):
    body = call(client, service_token("read:audits"), "/audits").json()
    assert {r["id"] for r in body["results"]} == {world["inadequate"].pk, world["good"].pk}
    inadequate = next(r for r in body["results"] if r["id"] == world["inadequate"].pk)
    assert inadequate["final_grade"] == "inadequate"
    assert len(inadequate["judgements"]) == 7


def test_child_reads_and_every_call_are_in_the_change_history(client, world, token_for, council):
    token = token_for("team_manager")
    child = council.children["own"]
    before = TrailEntry.objects.count()
    call(client, token, f"/children/{child.pk}")
    entries = list(TrailEntry.objects.order_by("sequence")[before:])
    assert [(e.object_repr, e.actor_id) for e in entries][0] == (child.case_id, council["team_manager"].pk)
    last = entries[-1].additional_data
    assert last["status"] == 200 and last["path"] == f"/api/v1/children/{child.pk}" and last["api_token"]
    call(client, token, f"/children/{council.children['south'].pk}")
    assert TrailEntry.objects.order_by("-sequence").first().additional_data["status"] == 404


def test_paging_and_filters(client, world, token_for, council):
    token = token_for("qa_admin")
    body = call(client, token, "/children?limit=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2
    assert body["next"].endswith("limit=2&offset=2")
    rest = client.get(body["next"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert rest["next"] is None and len(rest["results"]) == 2
    ids = [r["id"] for r in body["results"] + rest["results"]]
    assert ids == sorted(ids)
    team_c = call(client, token, f"/children?team={council.team_c.pk}").json()
    assert [r["case_id"] for r in team_c["results"]] == [council.children["south"].case_id]
    graded = call(client, token, "/audits?grade=inadequate").json()
    assert [r["id"] for r in graded["results"]] == [world["inadequate"].pk]
    assert call(client, token, "/children?limit=201").status_code == 422
