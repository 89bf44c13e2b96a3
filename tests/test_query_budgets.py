"""No page's query count grows with the rows it lists (no N+1).

Every page a browser GETs (tests/test_url_walk.py PAGES) is rendered for the first person who may see it,
then the data is tripled (every kind of row a page lists: children, audits in every state, activities,
acknowledgements, plans and their actions, programmes and sample entries, learning entries, sources,
recommendations and follow-ups, reports) and the page is rendered again: the count must be the same.
A page missing from GROWS fails test_every_page_has_a_budget.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_url_walk import PAGES, ROLES, all_routes, kwargs_for, route_to_url, world  # noqa: F401, F811

# Every GET page and what grows on it when the data triples.
GROWS = {
    "web:home": "audits to do, plans and actions for the signed-in person",
    "web:health": "nothing (fixed)",
    "web:accessibility": "nothing (static)",
    "web:privacy": "nothing (static)",
    "web:help": "nothing (static: the grade descriptors)",
    "web:error_preview": "nothing (static)",
    "web:messages": "emails failed, unconfirmed or waiting (at most 200 of each, not grown here)",
    "tasks:index": "background tasks (a page of 50; not grown here: tests/tasks/test_page.py triples them)",
    "accounts:login": "nothing (redirect)",
    "accounts:signed_out": "nothing (static)",
    "organisation:child_index": "children",
    "organisation:child_show": "the child's audits",
    "audits:mine": "audits assigned, shared and to moderate",
    "audits:audit_show": "activities, acknowledgements",
    "audits:audit_edit": "nothing per audit (the task list: one practice area per row of the tool)",
    "audits:audit_area": "nothing per audit (one practice area's questions)",
    "audits:audit_summary": "nothing per audit",
    "audits:audit_edit_all": "nothing per audit (the tool's areas and questions)",
    "audits:audit_check": "activities, acknowledgements",
    "audits:audit_moderate": "activities",
    "audits:audit_return": "nothing per audit",
    "audits:audit_acknowledge": "acknowledgements",
    "audits:audit_critical_action": "nothing per audit",
    "audits:activity_new": "activities",
    "audits:programme_index": "programmes",
    "audits:programme_progress": "audits of the month (counted by the database)",
    "audits:programme_progress_audits": "audits of the month (a page of 50)",
    "audits:programme_new": "service areas (fixed)",
    "audits:programme_new_themed": "nothing",
    "audits:programme_show": "sample entries",
    "audits:tool_index": "tools",
    "audits:tool_show": "versions and sections",
    "audits:tool_edit": "sections and questions",
    "audits:reassign": "open audits",
    "improvement:dashboard": "plans, stages, actions (paginated: 50 plans a page; the count is one query)",
    "reporting:index": "audits, plans, learning in the period (aggregated)",
    "reporting:definitions": "nothing (static: how the figures are counted)",
    "reporting:grading": "moderated audits and judgements in the period, aggregated (issue 32)",
    "reporting:feedback_answers": "families' written answers in the period (four queries)",
    "learning:index": "learning entries",
    "learning:new": "nothing",
    "learning:calibration_index": "calibration sessions and their gradings (prefetched)",
    "learning:calibration_new": "nothing",
    "learning:calibration_show": "the gradings of one session",
    "learning:show": "linked audits",
    "learning:attachment": "nothing (a file)",
    "learning:recommendations": "recommendations",
    "learning:source_new": "nothing",
    "learning:source_show": "recommendations",
    "learning:recommendation_new": "nothing",
    "learning:recommendation_show": "follow-ups",
    "learning:follow_up_new": "follow-ups",
    "reporting:published_index": "reports",
    "reporting:published_show": "nothing (a snapshot)",
    "improvement:plan_show": "actions",
    "improvement:meeting": "actions",
    "improvement:review": "actions",
    "improvement:caseload": "the worker's audits",
    "improvement:responsible": "people",
    "improvement:action_complete": "nothing per action",
    # Added when the auth, data-protection and imports branches met this test: these pages are rendered and
    # must keep their count while the rows above triple; the rows they list themselves are not grown here.
    "accounts:account": "nothing (the person's own settings)",
    "accounts:email_preferences": "nothing (the person's own settings)",
    "accounts:held_form": "nothing (one held form, shown once)",
    "accounts:otp_setup": "nothing",
    "accounts:otp_verify": "nothing",
    "accounts:recovery_codes": "the person's recovery codes (at most 10)",
    "dataprotection:child_history": "trail entries about the child (paginated, not grown here)",
    "dataprotection:processing": "nothing (static)",
    "dataprotection:subject_access": "nothing (a form)",
    "imports:index": "recent import runs (at most 20, not grown here)",
    "imports:cases_new": "mapping profiles",
    "imports:audits_new": "nothing",
    "imports:audits_template": "standard tool sections (a download)",
    "imports:run_show": "nothing (the run's stored summary)",
    "imports:run_problems": "nothing (the run's stored summary, a download)",
    "imports:profile_index": "mapping profiles (not grown here)",
    "imports:profile_new": "nothing",
    "imports:profile_edit": "nothing",
    "imports:deviation_index": "deviations (paginated, not grown here)",
    "imports:deviation_show": "nothing",
    "api_tokens:index": "the person's API tokens",
    "api_tokens:service_index": "service API tokens",
    "api:docs": "nothing (the OpenAPI document, rendered)",
    "api:openapi-json": "nothing (the OpenAPI document)",
    "family:start": "nothing (static)",
    "family:thanks": "nothing (static)",
    "family:invitation_new": "nothing per audit (a form)",
    "family:invitation_letter": "nothing per audit (one invitation, shown once)",
    "family:questionnaires": "the questionnaires and their versions' questions (prefetched)",
    "family:questionnaire_edit": "nothing (one questionnaire)",
    "family:contact_record": "nothing (one family's request; tests/family/test_records.py counts the child's record)",
    "reporting:themes": "nothing per row: the period's findings are read in two queries, then analysed",
    "evidence:index": "evidence packs (at most 100, their service areas joined)",
    "evidence:new": "service areas (fixed)",
    "evidence:show": "nothing per row: the year's figures are counted by the database (the report's queries)",
    "evidence:download": "nothing per row: the same figures as the page, written as a file",
}

# The API's GET endpoints, called with the QA administrator's personal token (council-wide, so every row
# grown below is in its lists), and the record each detail endpoint is asked for.
API_GROWS = {
    "api:service_areas": ("service areas (a page)", None),
    "api:teams": ("teams (a page)", None),
    "api:children": ("children (a page of 50)", None),
    "api:child": ("nothing (one child)", "children"),
    "api:audits": ("audits and their section grades (a page of 50)", None),
    "api:audit": ("the audit's section grades", "audits"),
    "api:themed_audits": ("themed programmes (a page)", None),
    "api:plans": ("plans, stages and actions (a page of 50)", None),
    "api:plan": ("the plan's stages and actions", "plans"),
    "api:learning": ("learning entries (a page)", None),
    "api:recommendations": ("recommendations and follow-ups (a page)", None),
    "api:report": ("audits, plans, learning in the period (aggregated)", None),
}


def get_pages() -> list[str]:
    pages = {name: spec for name, spec in PAGES.items() if not spec.get("skip")}
    return sorted(
        name
        for name, spec in pages.items()
        if not spec.get("post_only") and spec.get("method", "get") == "get" and not spec.get("public", False)
    ) + sorted(name for name, spec in pages.items() if spec.get("public") and spec.get("method", "get") == "get")


def api_get_endpoints() -> list[str]:
    """The token-authenticated endpoints the walk skips, but the imports (POST) and the API root (404)."""
    return sorted(
        name
        for name, spec in PAGES.items()
        if spec.get("skip")
        and name.startswith("api:")
        and spec.get("method", "get") == "get"
        and name != "api:api-root"
    )


def test_every_page_has_a_budget():
    assert set(get_pages()) == set(GROWS), "List every GET page in GROWS (tests/test_query_budgets.py)"
    assert set(api_get_endpoints()) == set(API_GROWS), "List every API GET endpoint in API_GROWS"


def grow(council, world, copy: int) -> None:  # noqa: F811
    """One more copy of every kind of row the pages list."""
    from caseaudit.audits.models import Acknowledgement, Activity, SampleEntry
    from caseaudit.audits.services.lifecycle import (
        ModerationDecision,
        audit_moderate,
        audit_moderation_start,
        audit_open,
        audit_share,
        audit_submit,
    )
    from caseaudit.improvement.models import RemedialAction
    from caseaudit.improvement.services.plans import ActionSpec, meeting_record, plan_open
    from caseaudit.learning.models import FollowUp, LearningEntry, Recommendation, RecommendationSource
    from caseaudit.reporting.models import Report
    from tests.audits.conftest import complete_draft
    from tests.factories import ChildFactory, PersonFactory

    today = datetime.date.today()
    auditor, qa_admin = council["auditor"], council["qa_admin"]
    version = world["audits"][0].tool_version
    children = [
        ChildFactory(name=f"Extra A{copy}", team=council.team_a, allocated_worker=council["social_worker"]),
        ChildFactory(name=f"Extra B{copy}", team=council.team_b, allocated_worker=council["colleague"]),
        ChildFactory(name=f"Extra C{copy}", team=council.team_c, allocated_worker=council["outsider"]),
    ]
    # A draft, a submitted audit and a shared inadequate one with a plan, on the social worker's child.
    draft = audit_open(child=children[1], auditor=auditor, tool_version=version, due_on=today)
    submitted = audit_open(child=children[2], auditor=auditor, tool_version=version, due_on=today)
    audit_submit(audit_id=submitted.pk, by=auditor, draft=complete_draft(submitted), expected_version=1)
    shared = audit_open(child=children[0], auditor=auditor, tool_version=version, due_on=today)
    shared = audit_submit(
        audit_id=shared.pk, by=auditor, draft=complete_draft(shared, grade="inadequate"), expected_version=1
    )
    audit_moderation_start(audit_id=shared.pk, moderator=council["moderator"])
    shared.refresh_from_db()
    decision = ModerationDecision(
        overall_grade="inadequate", sections={j.section_id: (j.grade, "") for j in shared.judgements.all()}
    )
    audit_moderate(
        audit_id=shared.pk, moderator=council["moderator"], decision=decision, expected_version=shared.version
    )
    audit_share(audit_id=shared.pk, by=qa_admin)
    shared.refresh_from_db()
    plan = plan_open(audit=shared)
    meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=today,
        attendees="PL",
        actions=[ActionSpec(f"Visit {copy}", council["colleague"], today)],
    )
    # More rows under the world's own records.
    reader = PersonFactory(email=f"reader{copy}@council.example", team=council.team_a)
    for audit in world["audits"]:
        Activity.objects.create(audit=audit, kind="file_review", carried_out_by=auditor, happened_on=today)
        Acknowledgement.objects.create(audit=audit, person=reader)
    for world_plan in world["plans"]:
        RemedialAction.objects.create(
            plan=world_plan, description=f"Extra {copy}", owner=council["colleague"], due_on=today, created_on=today
        )
    for programme in world["programmes"]:
        SampleEntry.objects.create(programme=programme, child=children[copy % 3])
    from caseaudit.audits.services.sampling import programme_create

    programme_create(
        service_area=council.team_a.service_area,
        month=datetime.date(2027, copy, 1),
        tool_version=version,
        due_on=datetime.date(2027, copy, 25),
        by=qa_admin,
    )
    # A themed audit with one audit in it (the API lists themed audits with their audits).
    from caseaudit.audits.models import Programme, ProgrammeKind

    themed = Programme.objects.create(
        kind=ProgrammeKind.THEMED, title=f"Theme {copy}", month=datetime.date(2027, copy, 1),
        tool_version=version, due_on=datetime.date(2027, copy, 25), created_by=qa_admin,
    )  # fmt: skip
    audit_open(child=children[1], auditor=auditor, tool_version=version, due_on=today, programme=themed)
    entry = LearningEntry.objects.create(
        kind="briefing", title=f"Extra {copy}", happened_on=today, summary="x", created_by=qa_admin
    )
    entry.audits.add(shared)
    world["entries_learning"][0].audits.add(shared)
    source = world["sources"][0]
    RecommendationSource.objects.create(kind="inspection", title=f"Extra {copy}", reported_on=today)
    recommendation = Recommendation.objects.create(
        source=source,
        text=f"Extra {copy}",
        agreed_action="a",
        owner=council["service_manager"],
        raised_on=today,
        due_on=today,
    )
    for rec in (recommendation, world["recommendations"][0]):
        FollowUp.objects.create(
            recommendation=rec, reviewed_on=today, status="partially", evidence="e", recorded_by=qa_admin
        )
    Report.objects.create(title=f"Extra {copy}", start=today, end=today, created_by=qa_admin)
    # Family feedback (issue 31): an answered invitation with a quote picked from it, and one still open, on this
    # copy's own draft (what grows here is the reports' family feedback, not the world's audit pages).
    from caseaudit.family.services import FamilyAnswers, invitation_create, response_submit
    from caseaudit.reporting.quotes import quote_pick

    for n in range(2):
        _, raw = invitation_create(
            audit=draft,
            by=auditor,
            recipient_name=f"Jo {copy}{n}",
            relationship="Mother",
            channel="letter",
        )
    answer = FamilyAnswers(anything_else=f"Thanks {copy}")
    response = response_submit(raw_token=raw, sent=answer)
    quote_pick(response_id=response.pk, source="anything_else", text=answer.anything_else, by=qa_admin)
    from caseaudit.api.services import token_create_personal, token_create_service

    for person in council.people.values():
        token_create_personal(person=person, name=f"Extra {copy}")
    token_create_service(created_by=qa_admin, name=f"Extra {copy}", scopes=["read:reports"])


def url_for(name: str, obj) -> str:
    spec = PAGES[name]
    route = next(route for route, n, _ in all_routes() if n == name)
    return route_to_url(route, kwargs_for(name, obj) if obj is not None else spec.get("kwargs", {}))


def first_reader(client, council, world, name: str):  # noqa: F811
    """The first role (QA administrator first) and object for which the page answers."""
    spec = PAGES[name]
    objects = world[spec["objects"]] if "objects" in spec else [None]
    expected = spec.get("expect", {200})
    for who in ["qa_admin", *ROLES]:
        client.force_login(council[who])
        for obj in objects:
            if client.get(url_for(name, obj)).status_code in expected:
                return who, obj
    # Nobody in the world fixture may use it (e.g. acknowledging needs a worker on the shared audit's child):
    # the QA administrator's answer (404) is counted, which still fails if the refusal grows with the data.
    return "qa_admin", objects[0]


def count_queries(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm: the session, content types and other one-off caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


@pytest.mark.parametrize("name", get_pages())
def test_query_count_does_not_grow_with_rows(client, council, world, name):  # noqa: F811
    spec = PAGES[name]
    if spec.get("public"):
        url, who = url_for(name, None), None
    else:
        who, obj = first_reader(client, council, world, name)
        url = url_for(name, obj)
        client.force_login(council[who])
    status, before = count_queries(client, url)
    grow(council, world, 1)
    grow(council, world, 2)
    if who:
        client.force_login(council[who])
    status_after, after = count_queries(client, url)
    assert status_after == status
    assert after == before, f"{name} as {who}: {before} queries with N rows, {after} with 3N"


@pytest.mark.parametrize("name", sorted(API_GROWS))
def test_api_query_count_does_not_grow_with_rows(client, council, world, name):  # noqa: F811
    from django.core.cache import caches

    from caseaudit.api.services import token_create_personal

    caches["api"].clear()
    _, secret = token_create_personal(person=council["qa_admin"], name="budget")
    route = next(route for route, n, _ in all_routes() if n == name)
    objects = API_GROWS[name][1]
    obj = world[objects][0] if objects else None
    key = {"children": "child_id", "audits": "audit_id", "plans": "plan_id"}.get(objects or "")
    url = route_to_url(route, {key: obj.pk} if obj is not None else {})
    if name == "api:report":
        url += "?date_from=2025-04-01&date_to=2027-03-31"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    captured_last: list[dict] = []

    def count() -> tuple[int, int]:
        client.get(url, **headers)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **headers)
        captured_last[:] = captured.captured_queries
        return response.status_code, len(captured.captured_queries)

    # One copy first: the world has no themed audit, and a list that is empty skips its prefetch queries.
    grow(council, world, 1)
    status, before = count()
    assert status == 200, f"{name}: {status}"
    grow(council, world, 2)
    grow(council, world, 3)
    status_after, after = count()
    assert status_after == 200
    assert after == before, f"{name}: {before} queries with N rows, {after} with 3N\n" + "\n".join(
        q["sql"][:200] for q in captured_last
    )
