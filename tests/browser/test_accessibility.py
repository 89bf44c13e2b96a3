"""Every page, as every role reaches it, passes axe-core at WCAG 2.2 AA, errors shown included.

The page list comes from the URL resolver through tests/test_url_walk.py PAGES, so a
new page is checked the day it is added: a GET-able page must either be walked here
or be named in NOT_AXED with the reason. Adding a page to PAGES is all it takes.

To keep the run short each distinct URL is checked once, by the first role (in
ROLES order) allowed to see it; every role's home page is checked, since it
differs by role. Forms are then submitted empty or wrong and the error page checked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.a11y import axe_violations, signed_in_context
from tests.test_url_walk import PAGES, ROLES, all_routes, allowed, kwargs_for, route_to_url, world  # noqa: F401

pytestmark = pytest.mark.browser

# GET-able pages that are not HTML for a person to read, with the reason.
NOT_AXED = {
    "web:health": "JSON for load balancers",
    "learning:attachment": "a download (the uploaded document)",
    "evidence:download": "a download (the evidence pack as Word, PDF, HTML or JSON)",
    "accounts:keep_alive": "POST-only (JavaScript keeps the session alive)",
    "accounts:logout": "POST-only (a form button)",
    "accounts:held_form": "only the person whose typing was held sees it, once; the walk has none (404)",
    "accounts:login": "signed-in people are redirected home; checked as a visitor in VISITOR_PAGES",
    "api:openapi-json": "JSON (the API's OpenAPI document; its HTML rendering, api:docs, is checked)",
    "imports:audits_template": "a download (the historic audits template)",
    "imports:run_problems": "a download (the problems as CSV)",
}
# Forms whose first button does not submit them (the meeting's "Find" narrows its owner lists): the one that does.
SUBMIT_BUTTONS = {"improvement:meeting": "Record the meeting"}
# Pages a visitor (not signed in) sees.
VISITOR_PAGES = ["/account/sign-in", "/account/signed-out", "/accessibility", "/privacy", "/help"]
# Pages reached with a query string that changes what they show (same route, different template parts).
EXTRA_URLS = {
    "qa_admin": [
        "/reports/?kind=year",
        "/reports/?kind=custom&start_day=1&start_month=1&start_year=2020&end_day=31&end_month=12&end_year=2030",
        "/improvement/?status=closed",
        "/audits/mine/?list=to_share",
    ],
    "moderator": ["/audits/mine/?list=moderation_queue"],
    # Audits to acknowledge, with their boxes (axe_world shares one with the worker).
    "social_worker": ["/audits/mine/", "/audits/mine/?list=to_acknowledge"],
}
# name -> role who submits it: submitting the form as it stands must show errors.
FORMS_WITH_ERRORS = {
    "audits:mine": "social_worker",  # "Acknowledge selected" with none selected
    "audits:programme_new": "qa_admin",
    "audits:programme_new_themed": "qa_admin",
    "audits:reassign": "qa_admin",
    "audits:activity_new": "auditor",
    "audits:audit_critical_action": "service_manager",
    "improvement:meeting": "practice_lead",
    "improvement:review": "service_manager",
    "improvement:action_complete": "colleague",
    "learning:new": "qa_admin",
    "learning:source_new": "qa_admin",
    "learning:recommendation_new": "qa_admin",
    "learning:follow_up_new": "qa_admin",
    "imports:cases_new": "qa_admin",
    "imports:audits_new": "qa_admin",
    "imports:profile_new": "qa_admin",
    "api_tokens:index": "social_worker",
    "accounts:otp_setup": "social_worker",
}


@pytest.fixture
def axe_world(world, council):  # noqa: F811 (the fixture imported above)
    """The URL walk's world, plus the two states it lacks: an audit the worker can acknowledge
    and a plan with a caseload review to decide."""
    import datetime

    from caseaudit.audits.services import lifecycle
    from caseaudit.improvement.models import Stage, StageKind
    from tests.browser.test_audit_journeys import submitted_audit
    from tests.factories import ChildFactory

    child = ChildFactory(name="Alex Acknowledge", team=council.team_a, allocated_worker=council["social_worker"])
    audit = submitted_audit(child, council["auditor"])
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade=audit.overall_grade, sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
    )
    audit = lifecycle.audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )
    lifecycle.audit_share(audit_id=audit.pk, by=council["qa_admin"])
    Stage.objects.create(plan=world["plans"][0], kind=StageKind.CASELOAD_REVIEW, due_on=datetime.date.today())
    return {**world, "audits": [*world["audits"], audit]}


def get_pages() -> set[str]:
    # Token-authenticated JSON API endpoints ("skip" in the walk) are not pages: schemathesis checks them.
    return {
        name
        for name, spec in PAGES.items()
        if not spec.get("post_only")
        and not spec.get("skip")
        and spec.get("method", "get") == "get"
        and spec.get("expect", {200}) != {302}
    }


def may_see(who: str, council, name: str, obj) -> bool:
    spec = PAGES[name]
    if "roles" in spec:
        return who in spec["roles"]
    if "allowed" in spec:
        return allowed(spec["allowed"], council[who], obj)
    return True


def urls_by_role(council, walk_world) -> dict[str, list[tuple[str, str]]]:
    """Each role's share of the walk: (page name, URL) pairs no earlier role has checked."""
    routes = {name: route for route, name, _ in all_routes() if not route.startswith("admin/")}
    seen: set[str] = set()
    plan: dict[str, list[tuple[str, str]]] = {}
    for who in ROLES:
        plan[who] = [("web:home", "/")]
        for name in sorted(get_pages() - set(NOT_AXED) - {"web:home"}):
            spec = PAGES[name]
            for obj in walk_world[spec["objects"]] if "objects" in spec else [None]:
                if not may_see(who, council, name, obj):
                    continue
                url = route_to_url(routes[name], kwargs_for(name, obj) if obj else spec.get("kwargs", {}))
                if url not in seen:
                    seen.add(url)
                    plan[who].append((name, url))
        plan[who] += [("extra", url) for url in EXTRA_URLS.get(who, [])]
    return plan


def test_axe_finds_a_violation_when_there_is_one(page):
    """The harness itself: a page with an unlabelled field and an image without a text alternative fails."""
    page.set_content('<html lang="en"><body><main><h1>x</h1><img src="a.png"><input type="text"></main></body></html>')
    found = {line.split(":")[0] for line in axe_violations(page)}
    assert {"image-alt", "label"} <= found


def test_every_get_page_is_axe_checked_or_excluded_with_a_reason(council, axe_world):
    assert set(NOT_AXED) <= set(PAGES), "NOT_AXED names a page that no longer exists"
    checked = {name for pairs in urls_by_role(council, axe_world).values() for name, _ in pairs}
    missing = get_pages() - set(NOT_AXED) - checked
    assert not missing, f"No role reaches these pages, so axe never checks them: {sorted(missing)}"
    assert set(FORMS_WITH_ERRORS) <= get_pages()


def every_page(browser: Browser, live_server, council, walk_world, look, viewport: dict | None = None) -> int:
    """Open every page of the walk as the first role that may see it (and the visitor's pages), each in a new
    tab, and hand it to `look(page, label, url)`; returns how many were opened. Each must answer 200."""
    opened = 0

    def visit(context, url: str, label: str) -> None:
        nonlocal opened
        page = context.new_page()
        if viewport:
            page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{label} {url} -> {response and response.status}"
        look(page, label, url)
        opened += 1
        page.close()

    visitor = signed_in_context(browser, live_server.url)
    for url in VISITOR_PAGES:
        visit(visitor, url, "visitor")
    visitor.close()
    for who, pairs in urls_by_role(council, walk_world).items():
        context = signed_in_context(browser, live_server.url, council[who])
        for _, url in pairs:
            visit(context, url, who)
        context.close()
    return opened


def test_every_page_passes_axe_at_wcag_22_aa_for_every_role(browser: Browser, live_server, council, axe_world):
    failures: list[str] = []

    def check(page, label: str, url: str) -> None:
        failures.extend(f"{label} {url} {line}" for line in axe_violations(page))

    assert every_page(browser, live_server, council, axe_world, check) > 40
    assert not failures, "\n".join(failures)


def test_forms_showing_errors_pass_axe(browser: Browser, live_server, council, axe_world):
    routes = {name: route for route, name, _ in all_routes()}

    def url_for(name: str, who: str) -> str:
        spec = PAGES[name]
        obj = (
            next(o for o in axe_world[spec["objects"]] if may_see(who, council, name, o)) if "objects" in spec else None
        )
        return route_to_url(routes[name], kwargs_for(name, obj) if obj else {})

    failures: list[str] = []
    contexts = {}

    visitor = signed_in_context(browser, live_server.url)
    page = visitor.new_page()
    page.goto("/account/sign-in")
    page.locator("main form").get_by_role("button").first.click()
    assert page.locator(".govuk-error-summary").count() == 1
    failures.extend(f"sign-in errors {line}" for line in axe_violations(page))
    visitor.close()

    for name, who in FORMS_WITH_ERRORS.items():
        if who not in contexts:
            contexts[who] = signed_in_context(browser, live_server.url, council[who])
        page = contexts[who].new_page()
        page.goto(url_for(name, who))
        # The page's own form, not a "Sign out" button beside it (the two-step set-up page has one).
        form = page.locator("main form[method=post]").filter(has_not=page.get_by_role("button", name="Sign out")).last
        if name in SUBMIT_BUTTONS:
            form.get_by_role("button", name=SUBMIT_BUTTONS[name]).click()
        else:
            form.locator("button[type=submit], button:not([type])").first.click()
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1, f"{name}: no error summary after an empty submit"
        failures.extend(f"{name} errors {line}" for line in axe_violations(page))
        page.close()
    for context in contexts.values():
        context.close()
    assert not failures, "\n".join(failures)
