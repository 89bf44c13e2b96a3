"""Walk every URL pattern as every role: deny by default, 404 to outsiders.

A new page must be added to PAGES below, or this test fails: no route can be
forgotten by the access rules.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from caseaudit.organisation.access import children_visible_to

ROLES = [
    "director",
    "head_of_service",
    "qa_admin",
    "auditor",
    "moderator",
    "service_manager",
    "practice_lead",
    "team_manager",
    "other_team_manager",
    "social_worker",
    "colleague",
    "iro",
    "outsider",
]

QA_ONLY = {"qa_admin"}
READERS = {
    "qa_admin",
    "director",
    "head_of_service",
    "service_manager",
    "practice_lead",
    "team_manager",
    "other_team_manager",
}

# name -> public?, the objects it is tried against, the method, and who gets 200.
# "allowed" is a function (person, object) -> bool; everyone else must get 404.
PAGES = {
    "web:home": {"public": False},
    "web:health": {"public": True},
    "web:accessibility": {"public": True},
    "web:privacy": {"public": True},
    "web:help": {"public": True},
    "web:error_preview": {"public": False, "kwargs": {"status": 404}, "expect": {404}},
    "web:messages": {"public": False, "roles": QA_ONLY},
    "web:message_resend": {"public": False, "objects": "none", "post_only": True},
    "web:report_resend": {"public": False, "objects": "none", "post_only": True},
    "tasks:index": {"public": False, "roles": QA_ONLY},
    "tasks:run_again": {"public": False, "objects": "none", "post_only": True},
    "accounts:login": {"public": True, "expect": {302}},  # signed in: sent home
    "accounts:logout": {"public": False, "method": "post", "expect": {302}},
    "accounts:signed_out": {"public": True},
    "accounts:keep_alive": {"public": False, "method": "post", "expect": {204}},
    # Typing held when a session ended: only its own person, once (tests/test_held_typing.py); none here.
    "accounts:held_form": {"public": False, "kwargs": {"pk": 999999}, "expect": {404}},
    "accounts:account": {"public": False},
    "accounts:email_preferences": {"public": False},
    "accounts:otp_verify": {"public": False, "expect": {302}},  # already verified: sent on
    "accounts:otp_setup": {"public": False},
    "accounts:recovery_codes": {"public": False, "expect": {302}},  # codes are shown once, after making them
    "accounts:otp_turn_off": {
        "public": False,
        "method": "post",
        "expect": {302},
        "roles": set(ROLES) - {"director", "head_of_service", "qa_admin"},
    },
    "accounts:sign_out_everywhere": {"public": False, "method": "post", "expect": {302}},
    # Sign-in with the council's account: 404 for everyone unless a provider is configured; the flow, its
    # refusals and the 404 are tested against a real provider in tests/test_sso.py.
    "accounts:oidc_start": {"public": True, "skip": "needs an OpenID Connect provider: tests/test_sso.py"},
    "accounts:oidc_callback": {"public": True, "skip": "needs an OpenID Connect provider: tests/test_sso.py"},
    "organisation:child_index": {"public": False},
    "organisation:child_show": {"public": False, "objects": "children", "allowed": "child_visible"},
    "audits:mine": {"public": False},
    # Anyone may post: it acknowledges only audits shared with them (an empty post shows the list's error).
    "audits:acknowledge_many": {"public": False, "objects": "none", "post_only": True},
    "audits:audit_show": {"public": False, "objects": "audits", "allowed": "audit_visible"},
    "audits:audit_edit": {"public": False, "objects": "audits", "allowed": "can_edit"},
    "audits:audit_area": {"public": False, "objects": "audits", "allowed": "can_edit"},
    "audits:audit_summary": {"public": False, "objects": "audits", "allowed": "can_edit"},
    "audits:audit_edit_all": {"public": False, "objects": "audits", "allowed": "can_edit"},
    "audits:audit_check": {"public": False, "objects": "audits", "allowed": "can_edit"},
    "audits:audit_moderate": {"public": False, "objects": "audits", "allowed": "can_moderate"},
    # Whoever may moderate it may return it (every audit the walk builds has an auditor in CaseAudit).
    "audits:audit_return": {"public": False, "objects": "audits", "allowed": "can_moderate"},
    "audits:audit_share": {"public": False, "objects": "audits", "post_only": True},
    "audits:audit_acknowledge": {"public": False, "objects": "audits", "allowed": "can_acknowledge"},
    "audits:audit_critical_action": {"public": False, "objects": "audits", "allowed": "can_record_critical_action"},
    "audits:activity_new": {"public": False, "objects": "audits", "allowed": "can_record_activity"},
    "audits:programme_index": {"public": False, "roles": QA_ONLY},
    "audits:programme_progress": {"public": False, "roles": QA_ONLY},
    "audits:programme_progress_audits": {"public": False, "roles": QA_ONLY},
    "audits:programme_remind": {"public": False, "objects": "none", "post_only": True, "roles": QA_ONLY},
    "audits:programme_new": {"public": False, "roles": QA_ONLY},
    "audits:programme_new_themed": {"public": False, "roles": QA_ONLY},
    "audits:programme_show": {"public": False, "objects": "programmes", "roles": QA_ONLY},
    "audits:programme_quotas": {"public": False, "objects": "programmes", "post_only": True},
    "audits:programme_propose": {"public": False, "objects": "programmes", "post_only": True},
    "audits:programme_confirm": {"public": False, "objects": "programmes", "post_only": True},
    "audits:sample_add": {"public": False, "objects": "programmes", "post_only": True},
    "audits:sample_remove": {"public": False, "objects": "entries", "post_only": True},
    "audits:sample_assign": {"public": False, "objects": "programmes", "post_only": True},
    "audits:tool_index": {"public": False, "roles": QA_ONLY},
    "audits:tool_show": {"public": False, "objects": "tools", "roles": QA_ONLY},
    "audits:tool_edit": {"public": False, "objects": "tools", "roles": QA_ONLY},
    "audits:reassign": {"public": False, "roles": QA_ONLY},
    "improvement:dashboard": {"public": False},
    "reporting:index": {"public": False, "roles": READERS},
    "reporting:definitions": {"public": True},
    "reporting:grading": {"public": False, "roles": {"qa_admin", "practice_lead"}},
    "reporting:themes": {"public": False, "roles": {"qa_admin", "practice_lead"}},
    "reporting:theme_name": {"public": False, "post_only": True, "objects": "none"},
    "learning:index": {"public": False},
    "learning:new": {"public": False, "roles": QA_ONLY},
    "learning:calibration_index": {"public": False, "roles": {"qa_admin", "auditor", "moderator"}},
    "learning:calibration_new": {"public": False, "roles": QA_ONLY},
    "learning:calibration_show": {
        "public": False,
        "objects": "calibration_sessions",
        "roles": {"qa_admin", "auditor", "moderator"},
    },
    "learning:calibration_close": {"public": False, "objects": "calibration_sessions", "post_only": True},
    "learning:show": {"public": False, "objects": "entries_learning", "allowed": "everyone"},
    "learning:attachment": {"public": False, "objects": "entries_learning", "allowed": "everyone"},
    "learning:recommendations": {"public": False, "roles": READERS | {"recommendation_owner"}},
    "learning:source_new": {"public": False, "roles": QA_ONLY},
    "learning:source_show": {"public": False, "objects": "sources", "roles": READERS},
    "learning:recommendation_new": {"public": False, "objects": "sources", "roles": QA_ONLY},
    "learning:recommendation_show": {"public": False, "objects": "recommendations", "roles": READERS},
    "learning:follow_up_new": {
        "public": False,
        "objects": "recommendations",
        "roles": {"qa_admin", "head_of_service", "director"},
    },
    "reporting:prepare": {"public": False, "post_only": True, "objects": "none"},
    "reporting:published_index": {"public": False, "roles": READERS},
    "reporting:published_show": {"public": False, "objects": "reports", "roles": QA_ONLY},
    # Self-evaluation evidence packs (issue 35): QA drafts; the council's leaders and area managers read.
    "evidence:index": {
        "public": False,
        "roles": {"qa_admin", "director", "head_of_service", "service_manager", "practice_lead"},
    },
    "evidence:new": {"public": False, "roles": QA_ONLY},
    "evidence:show": {"public": False, "objects": "packs", "roles": QA_ONLY},  # a draft
    "evidence:download": {"public": False, "objects": "packs", "roles": QA_ONLY},
    "improvement:plan_show": {"public": False, "objects": "plans", "allowed": "plan_visible"},
    "improvement:meeting": {"public": False, "objects": "plans", "allowed": "plan_visible"},
    "improvement:review": {"public": False, "objects": "plans", "allowed": "plan_visible"},
    "improvement:caseload": {"public": False, "objects": "plans", "allowed": "caseload_open"},
    "improvement:responsible": {"public": False, "objects": "plans", "allowed": "plan_manage"},
    "improvement:action_complete": {"public": False, "objects": "actions", "allowed": "action_owner"},
    "imports:index": {"public": False, "roles": QA_ONLY},
    "imports:cases_new": {"public": False, "roles": QA_ONLY},
    "imports:audits_new": {"public": False, "roles": QA_ONLY},
    "imports:audits_template": {"public": False, "roles": QA_ONLY},
    "imports:run_show": {"public": False, "objects": "import_runs", "roles": QA_ONLY},
    "imports:run_commit": {"public": False, "objects": "import_runs", "post_only": True},
    "imports:run_cancel": {"public": False, "objects": "import_runs", "post_only": True},
    "imports:run_problems": {"public": False, "objects": "import_runs", "roles": QA_ONLY},
    "imports:profile_index": {"public": False, "roles": QA_ONLY},
    "imports:profile_new": {"public": False, "roles": QA_ONLY},
    "imports:profile_edit": {"public": False, "objects": "profiles", "roles": QA_ONLY},
    "imports:deviation_index": {"public": False, "roles": QA_ONLY},
    "imports:reconcile_now": {"public": False, "objects": "none", "post_only": True},
    "imports:deviation_show": {"public": False, "objects": "deviations", "roles": QA_ONLY},
    "dataprotection:subject_access": {"public": False, "objects": "children", "roles": QA_ONLY},
    "dataprotection:child_history": {"public": False, "objects": "children", "roles": QA_ONLY},
    "dataprotection:processing": {"public": True},
    # Family feedback (issue 31): the family's pages need no account; a link needs its token, so the answer
    # page is walked in tests/family/test_pages.py (any other token answers 404 and counts as a guess).
    "family:start": {"public": True},
    "family:thanks": {"public": True},
    "family:answer": {"public": True, "skip": "needs a link's token: tests/family/test_pages.py"},
    "family:invitation_new": {"public": False, "objects": "audits", "allowed": "can_invite"},
    "family:invitation_letter": {"public": False, "objects": "audits", "allowed": "can_invite"},
    # No invitation in the walk's world: 404 to everyone; who may cancel is tested in tests/family/test_pages.py.
    "family:invitation_revoke": {"public": False, "objects": "none", "post_only": True},
    # Family feedback in the reports (issue 31, point 5): the QA team reads the written answers and picks quotes. No
    # family response in the world: posting answers 404 to everyone here; tests/reporting/test_family_feedback.py.
    "reporting:feedback_answers": {"public": False, "roles": QA_ONLY},
    "reporting:quote_new": {"public": False, "objects": "none", "post_only": True},
    "reporting:quote_remove": {"public": False, "objects": "none", "post_only": True},
    # A family who asked to be contacted (issue 31, point 4). No request in the walk's world (a family response here
    # would give the rows above a record at pk 1): 404 to everyone; who may record it, and the 404 to everyone else,
    # is tested in tests/family/test_contact_requests.py.
    "family:contact_record": {"public": False, "kwargs": {"pk": 999999}, "expect": {404}},
    "family:questionnaires": {"public": False, "roles": QA_ONLY},
    "family:questionnaire_edit": {"public": False, "objects": "questionnaires", "roles": QA_ONLY},
}

# The JSON API answers bearer tokens, not sessions: tests/api/ walks every endpoint for every role.
API_SKIP = "token-authenticated JSON API: covered endpoint x role by tests/api/"
PAGES.update(
    {
        "api:docs": {"public": True},
        "api:openapi-json": {"public": True},
        "api:service_areas": {"public": True, "skip": API_SKIP},
        "api:teams": {"public": True, "skip": API_SKIP},
        "api:children": {"public": True, "skip": API_SKIP},
        "api:child": {"public": True, "skip": API_SKIP},
        "api:audits": {"public": True, "skip": API_SKIP},
        "api:audit": {"public": True, "skip": API_SKIP},
        "api:themed_audits": {"public": True, "skip": API_SKIP},
        "api:plans": {"public": True, "skip": API_SKIP},
        "api:plan": {"public": True, "skip": API_SKIP},
        "api:learning": {"public": True, "skip": API_SKIP},
        "api:recommendations": {"public": True, "skip": API_SKIP},
        "api:report": {"public": True, "skip": API_SKIP},
        "api:case_extract_json": {"public": True, "skip": API_SKIP, "method": "post"},
        "api:case_extract_file": {"public": True, "skip": API_SKIP, "method": "post"},
        "api:historic_json": {"public": True, "skip": API_SKIP, "method": "post"},
        "api:historic_file": {"public": True, "skip": API_SKIP, "method": "post"},
        "api:staff_sync_upload": {"public": True, "skip": API_SKIP, "method": "post"},
        "api:api-root": {"public": True, "skip": API_SKIP},
        "api_tokens:index": {"public": False},
        "api_tokens:revoke": {"public": False, "post_only": True, "objects": "tokens"},
        "api_tokens:service_index": {"public": False, "roles": QA_ONLY},
        "api_tokens:service_revoke": {
            "public": False,
            "post_only": True,
            "objects": "service_tokens",
            "roles": QA_ONLY,
        },
    }
)


@pytest.fixture
def world(council):
    """The council plus audits in every state, a programme with a sample, and the tools."""
    import datetime

    from caseaudit.audits.services.lifecycle import (
        ModerationDecision,
        audit_moderate,
        audit_moderation_start,
        audit_open,
        audit_share,
        audit_submit,
    )
    from caseaudit.audits.services.sampling import programme_create, sample_propose
    from caseaudit.audits.services.tools import standard_tools_ensure
    from tests.audits.conftest import complete_draft

    tool, _ = standard_tools_ensure()
    version = tool.current_version
    auditor, moderator = council["auditor"], council["moderator"]

    def opened(key):
        return audit_open(child=council.children[key], auditor=auditor, tool_version=version, due_on=None)

    draft = opened("own")
    submitted = opened("colleagues")
    audit_submit(audit_id=submitted.pk, by=auditor, draft=complete_draft(submitted), expected_version=1)
    shared = opened("team_b")
    shared = audit_submit(
        audit_id=shared.pk,
        by=auditor,
        draft=complete_draft(shared, grade="inadequate", critical=True),
        expected_version=1,
    )
    audit_moderation_start(audit_id=shared.pk, moderator=moderator)
    shared.refresh_from_db()
    decision = ModerationDecision(
        overall_grade="inadequate", sections={j.section_id: (j.grade, "") for j in shared.judgements.all()}
    )
    audit_moderate(audit_id=shared.pk, moderator=moderator, decision=decision, expected_version=shared.version)
    audit_share(audit_id=shared.pk, by=council["qa_admin"])
    south = opened("south")
    programme = programme_create(
        service_area=council.team_c.service_area,
        month=datetime.date(2026, 5, 1),
        tool_version=version,
        due_on=datetime.date(2026, 5, 29),
        by=council["qa_admin"],
    )
    from tests.factories import ChildFactory

    ChildFactory(name="Sam Sampled", team=council.team_c)
    sample_propose(programme=programme, seed=1)
    assert programme.sample.exists()
    from caseaudit.improvement.models import ImprovementPlan
    from caseaudit.improvement.services.plans import ActionSpec, meeting_record, plan_open

    shared.refresh_from_db()
    # With a transactional database (the browser tests) the on-commit signal has already opened it.
    plan = plan_open(audit=shared) or ImprovementPlan.objects.get(audit=shared)
    meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=datetime.date.today(),
        attendees="PL",
        actions=[ActionSpec("Visit", council["colleague"], datetime.date.today())],
    )
    assert ImprovementPlan.objects.count() == 1
    from caseaudit.reporting.models import Report

    draft_report = Report.objects.create(
        title="Draft", start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30), created_by=council["qa_admin"]
    )
    from caseaudit.evidence.models import EvidencePack

    draft_pack = EvidencePack.objects.create(
        title="Draft pack", start=datetime.date(2025, 4, 1), end=datetime.date(2026, 3, 31),
        created_by=council["qa_admin"],
    )  # fmt: skip
    from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource

    entry = LearningEntry.objects.create(
        kind="briefing",
        title="Plans",
        happened_on=datetime.date(2026, 3, 2),
        summary="x",
        created_by=council["qa_admin"],
    )
    from django.core.files.base import ContentFile

    entry.attachment.save("briefing.pdf", ContentFile(b"%PDF-1.7 demo"), save=True)
    source = RecommendationSource.objects.create(
        kind="inspection", title="Ofsted", reported_on=datetime.date(2026, 1, 5)
    )
    recommendation = Recommendation.objects.create(
        source=source,
        text="t",
        agreed_action="a",
        owner=council["service_manager"],
        raised_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 6, 5),
    )
    from caseaudit.imports.models import Deviation, ImportRun, MappingProfile

    import_run = ImportRun.objects.create(
        kind="cases", filename="extract.csv", sha256="0" * 64, status="rejected", created_by=council["qa_admin"]
    )
    profile = MappingProfile.objects.create(slug="eclipse", name="Eclipse", columns={"case_id": "Client ID"})
    deviation = Deviation.objects.create(
        key="t", kind="transferred", plan=plan, child=plan.child, reason="r", first_found_on=plan.opened_on,
        last_found_on=plan.opened_on,
    )  # fmt: skip
    from caseaudit.api.services import token_create_personal, token_create_service

    personal_token, _ = token_create_personal(person=council["social_worker"], name="Power BI")
    service_token, _ = token_create_service(created_by=council["qa_admin"], name="Warehouse", scopes=["read:reports"])
    from caseaudit.family.models import Questionnaire
    from caseaudit.family.services import questionnaires_ensure

    questionnaires_ensure()
    from caseaudit.learning.calibration import calibration_session_create

    calibration = calibration_session_create(
        by=council["qa_admin"], title="Calibration", held_on=datetime.date(2026, 1, 5), vignette="A family of four."
    )
    return {
        "calibration_sessions": [calibration],
        "questionnaires": list(Questionnaire.objects.filter(builtin=True).order_by("pk")[:1]),
        "tokens": [personal_token],
        "service_tokens": [service_token],
        "import_runs": [import_run],
        "profiles": [profile],
        "deviations": [deviation],
        "entries_learning": [entry],
        "sources": [source],
        "recommendations": [recommendation],
        "none": [None],
        "reports": [draft_report],
        "packs": [draft_pack],
        "plans": [plan],
        "actions": list(plan.actions.all()),
        "children": list(council.children.values()),
        "audits": [draft, submitted, shared, south],
        "programmes": [programme],
        "entries": list(programme.sample.all()),
        "tools": [tool],
    }


def allowed(rule: str, person, obj) -> bool:
    from caseaudit.audits import access as audit_access
    from caseaudit.audits.models import Audit
    from caseaudit.improvement import access as plan_access

    if rule == "everyone":
        return True
    if rule == "child_visible":
        return children_visible_to(person).filter(pk=obj.pk).exists()
    if rule == "action_owner":
        return obj.owner_id == person.pk and obj.completed_on is None
    if rule.startswith("plan_") or rule == "caseload_open":
        visible = plan_access.plans_visible_to(person).filter(pk=obj.pk).exists()
        if rule == "plan_manage":
            return visible and plan_access.can_manage(person)
        if rule == "caseload_open":
            return visible and obj.stages.filter(kind="caseload_review", completed_on__isnull=True).exists()
        return visible
    assert isinstance(obj, Audit), f"{rule} is a rule about audits, not {obj!r}"
    obj = Audit.objects.select_related("team").get(pk=obj.pk)
    if rule == "can_invite":
        from caseaudit.family.access import can_invite

        return can_invite(person, obj)
    if rule == "audit_visible":
        return audit_access.audits_visible_to(person).filter(pk=obj.pk).exists()
    return getattr(audit_access, rule)(person, obj)


def kwargs_for(name: str, obj) -> dict:
    if obj is None:
        return {}
    if name == "audits:sample_remove":
        return {"pk": obj.programme_id, "entry_pk": obj.pk}
    if name == "evidence:download":
        return {"pk": obj.pk, "kind": "json"}
    if name == "audits:audit_area":  # the audit's first practice area
        return {"pk": obj.pk, "section_pk": obj.tool_version.sections.order_by("position").first().pk}
    return {"pk": obj.pk}


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def route_to_url(route: str, values: dict) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def fill(match):
        return str(values.get(match.group(2), "1"))

    url = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "1")), url)
    return "/" + url


def all_routes():
    return list(walk(get_resolver().url_patterns))


def get_page_urls(world) -> list[tuple[str, str]]:
    """(name, URL) of every GET page of the walk, once for each object it is tried against."""
    urls = []
    for route, name, _ in all_routes():
        spec = PAGES.get(name, {})
        if (
            route.startswith("admin/")
            or spec.get("skip")
            or spec.get("post_only")
            or spec.get("method", "get") != "get"
        ):
            continue
        for obj in world[spec["objects"]] if "objects" in spec else [None]:
            urls.append(
                (name, route_to_url(route, kwargs_for(name, obj) if obj is not None else spec.get("kwargs", {})))
            )
    return urls


def test_every_route_is_listed_here():
    names = {name for route, name, _ in all_routes() if not route.startswith("admin/")}
    assert names == set(PAGES), "List new pages in PAGES with who may see them"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitors_are_sent_to_sign_in_unless_the_page_is_public(client, world, name):
    spec = PAGES[name]
    if spec.get("skip"):
        pytest.skip(spec["skip"])
    route = next(route for route, n, _ in all_routes() if n == name)
    obj = world[spec["objects"]][0] if "objects" in spec else None
    url = route_to_url(route, kwargs_for(name, obj) if obj else spec.get("kwargs", {}))
    method = "post" if spec.get("post_only") else spec.get("method", "get")
    response = getattr(client, method)(url)
    if spec["public"]:
        assert response.status_code in (200, 204)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in")


@pytest.mark.parametrize("who", ROLES)
def test_every_role_gets_the_right_answer_from_every_route(client, council, world, who):
    person = council[who]
    for route, name, _ in all_routes():
        if route.startswith("admin/"):
            continue
        spec = PAGES[name]
        if spec.get("skip"):
            continue
        client.force_login(person)
        if spec.get("post_only"):
            # State changes never answer a GET, whoever asks (so a GET reveals nothing).
            for obj in world[spec["objects"]]:
                assert client.get(route_to_url(route, kwargs_for(name, obj))).status_code == 405, name
            continue
        if "objects" in spec:
            for obj in world[spec["objects"]]:
                if "roles" in spec:
                    ok = who in spec["roles"]
                else:
                    ok = allowed(spec["allowed"], person, obj)
                response = client.get(route_to_url(route, kwargs_for(name, obj)))
                assert response.status_code == (200 if ok else 404), f"{who} {name} {obj}"
            continue
        url = route_to_url(route, spec.get("kwargs", {}))
        response = getattr(client, spec.get("method", "get"))(url)
        expected = spec.get("expect", {200})
        if "roles" in spec and who not in spec["roles"]:
            expected = {404}
        assert response.status_code in expected, f"{who} {name} -> {response.status_code}"


def test_outsiders_posting_state_changes_get_404_and_change_nothing(client, council, world):
    from caseaudit.audits.models import Audit

    shared = world["audits"][2]
    programme = world["programmes"][0]
    for who in ("outsider", "social_worker", "auditor", "team_manager"):
        client.force_login(council[who])
        assert client.post(f"/audits/{world['audits'][1].pk}/share").status_code == 404
        assert client.post(f"/audits/programmes/{programme.pk}/confirm").status_code == 404
        assert client.post(f"/audits/programmes/{programme.pk}/propose").status_code == 404
    assert Audit.objects.get(pk=shared.pk).status == "shared"
    programme.refresh_from_db()
    assert programme.status == "planning"


@pytest.mark.parametrize("who", ROLES)
def test_only_qa_administrators_reach_the_admin(client, council, who):
    person = council[who]
    client.force_login(person)
    values = {"app_label": "organisation", "object_id": council.children["own"].pk, "content_type_id": 1}
    admin_routes = [route for route, _, _ in all_routes() if route.startswith("admin/")]
    assert admin_routes
    for route in admin_routes:
        if "logout" in route or "password_change" in route or "login" in route:
            continue
        url = route_to_url(route, values)
        response = client.get(url)
        if person.has_role("qa_admin"):
            # 403 only from the autocomplete endpoint, which refuses calls without its parameters.
            assert response.status_code in (200, 302, 403, 404), f"{who} {url} -> {response.status_code}"
        else:
            assert response.status_code in (302, 404), f"{who} {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"], url


def test_the_admin_change_page_for_a_child_logs_the_read(client, council):
    from caseaudit.trail.models import TrailEntry

    client.force_login(council["qa_admin"])
    child = council.children["south"]
    response = client.get(f"/admin/organisation/child/{child.pk}/change/")
    assert response.status_code == 200
    assert TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS, object_pk=str(child.pk)).exists()
