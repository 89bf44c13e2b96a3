"""Throw malformed, oversized and hostile input at every form in the app.

Every view that accepts POST is listed in FUZZED (with who submits it and where
its form is shown) or in NOT_FUZZED with the reason; a new one fails
test_every_post_view_is_fuzzed_or_excluded. Each example starts from the form
as the page renders it, replaces some fields with hostile values (or drops
them, or sends a list), posts it, and asserts: no server error, and no page
that then shows the input (the answer, the page redirected to, the form page)
carries it unescaped. Each example is rolled back, so the next starts clean.
"""

from __future__ import annotations

import functools
import inspect
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_url_walk import PAGES, ROLES, all_routes, allowed, kwargs_for, world  # noqa: F401

from .hostile import RAW_MARKERS, hostile_text
from .htmlforms import post_forms, urlencode_raw

# name -> how to reach its form: "page" is where the form is shown when that is
# another page; "prepare" puts the object in the state the form needs.
FUZZED: dict[str, dict] = {
    "accounts:login": {"anonymous": True},
    "audits:audit_area": {},
    "audits:audit_summary": {},
    "audits:audit_edit_all": {},
    "audits:audit_check": {},
    "audits:audit_moderate": {"prepare": "moderation_started"},
    "audits:audit_return": {"prepare": "moderation_started"},
    "audits:audit_acknowledge": {"prepare": "worker_on_shared_audit"},
    "audits:acknowledge_many": {"prepare": "worker_on_shared_audit", "role": "social_worker", "page": "audits:mine"},
    "audits:audit_critical_action": {},
    "audits:activity_new": {},
    "audits:programme_new": {},
    "audits:programme_new_themed": {},
    "audits:programme_quotas": {"page": "audits:programme_show"},
    "audits:sample_add": {"page": "audits:programme_show"},
    "audits:sample_assign": {"page": "audits:programme_show"},
    "audits:tool_edit": {},
    "audits:reassign": {},
    # Posted by who may record the stage (issue 44.1: the others are told who will, with no form).
    "improvement:meeting": {"prepare": "meeting_open", "role": "practice_lead"},
    "improvement:review": {"role": "service_manager"},
    "improvement:caseload": {"prepare": "caseload_due", "role": "service_manager"},
    "improvement:responsible": {},
    "improvement:action_complete": {},
    "learning:new": {},
    "learning:calibration_new": {},
    "learning:source_new": {},
    "learning:recommendation_new": {},
    "learning:follow_up_new": {},
    "reporting:prepare": {"page": "reporting:index"},
    "reporting:published_show": {},
    "evidence:new": {},
    "evidence:show": {},
    "accounts:otp_setup": {},
    "accounts:email_preferences": {},
    "audits:programme_remind": {"page": "audits:programme_progress"},
    "api_tokens:index": {},
    "api_tokens:service_index": {},
    "imports:profile_new": {},
    "imports:profile_edit": {},
    "imports:deviation_show": {},
    "family:invitation_new": {},
    "family:questionnaire_edit": {},
}
NOT_FUZZED = {
    "reporting:theme_name": "a name and two hidden keys: tests/reporting/test_theme_names.py posts them",
    "learning:calibration_show": "choices only (grade radios): tests/learning/test_calibration_sessions.py posts them",
    "learning:calibration_close": "choices and one text: tests/learning/test_calibration_sessions.py posts them",
    "accounts:logout": "reads no input: signs the session out",
    "accounts:keep_alive": "reads no input: extends the session",
    "audits:audit_share": "reads no input: shares the audit",
    "audits:programme_propose": "reads no input: draws the sample",
    "audits:programme_confirm": "confirms the sample; the auditors it may carry are audits:sample_assign's form",
    "audits:sample_remove": "removes the entry named in the URL; the auditors it may carry are audits:sample_assign's form",
    "accounts:otp_verify": "shown only half signed in: tests/fuzz/test_sign_in_fuzz.py posts hostile codes there",
    "accounts:recovery_codes": "reads no input: makes new recovery codes",
    "accounts:otp_turn_off": "reads no input: removes the person's own app",
    "accounts:sign_out_everywhere": "reads no input: ends the person's sessions",
    "api_tokens:revoke": "reads no input: revokes the token named in the URL",
    "api_tokens:service_revoke": "reads no input: revokes the token named in the URL",
    "imports:reconcile_now": "reads no input: runs reconciliation",
    "web:message_resend": "reads no input: sends again the email named in the URL",
    "web:report_resend": "reads no input: sends again the report named in the URL",
    "tasks:run_again": "reads no input: reruns the task named in the URL",
    "imports:run_commit": "reads no input: commits the dry-run import named in the URL",
    "imports:run_cancel": "reads no input: cancels the import named in the URL",
    "imports:cases_new": "a file upload: tests/fuzz/test_import_fuzz.py uploads hostile files",
    "imports:audits_new": "a file upload: tests/fuzz/test_import_fuzz.py uploads hostile files",
    "family:invitation_revoke": "reads no input: cancels the invitation named in the URL",
    "family:contact_record": "no request in the walk's world: tests/family/test_contact_requests.py posts hostile input",
    "reporting:quote_new": "needs a family's written answer, which the walk's world has none of: hostile quotes are "
    "thrown at quote_pick by tests/reporting/test_family_feedback.py (hypothesis)",
    "reporting:quote_remove": "reads no input but the period to go back to (only its own keys kept)",
}

# Bounded so the whole suite stays a few minutes on a shared two-core machine.
EXAMPLES = 20


def accepts_post(callback) -> bool:
    """Reads request.POST (or is POST-only), itself or in a module-level helper it calls (imports' _upload)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    view = inspect.unwrap(callback)
    view = view.func if isinstance(view, functools.partial) else view
    helpers = [view.__globals__.get(name) for name in view.__code__.co_names]
    sources = [inspect.getsource(view)] + [
        inspect.getsource(helper)
        for helper in helpers
        if inspect.isfunction(helper) and helper.__module__ == view.__module__
    ]
    return any("POST" in source for source in sources)


def test_every_post_view_is_fuzzed_or_excluded():
    # The JSON API's endpoints (skipped by the walk) are fuzzed from their OpenAPI document (tests/api/).
    posting = {
        name
        for route, name, cb in all_routes()
        if not route.startswith("admin/") and not PAGES[name].get("skip") and accepts_post(cb.callback)
    }
    assert posting, "the walk found no POST views"
    missing = posting - set(FUZZED) - set(NOT_FUZZED)
    assert not missing, f"Fuzz these forms (add to FUZZED) or say why not (NOT_FUZZED): {sorted(missing)}"
    assert not set(FUZZED) & set(NOT_FUZZED)
    assert set(FUZZED) | set(NOT_FUZZED) <= posting, "a listed view no longer accepts POST"


def _prepare(kind: str, council, world) -> None:  # noqa: F811
    import datetime

    from caseaudit.audits.services.lifecycle import audit_moderation_start
    from caseaudit.improvement.models import StageKind

    if kind == "worker_on_shared_audit":
        from caseaudit.audits.models import Audit

        Audit.objects.filter(pk=world["audits"][2].pk).update(worker=council["social_worker"])
    elif kind == "moderation_started":
        audit_moderation_start(audit_id=world["audits"][1].pk, moderator=council["moderator"])
    elif kind == "meeting_open":
        # The world's plan has had its meeting; a fresh meeting stage lets the form be posted again.
        plan = world["plans"][0]
        plan.stages.filter(kind=StageKind.MEETING).update(completed_on=None)
    elif kind == "caseload_due":
        plan = world["plans"][0]
        plan.stages.get_or_create(
            kind=StageKind.CASELOAD_REVIEW, defaults={"due_on": datetime.date.today() + datetime.timedelta(days=20)}
        )


def _target(name: str, council, world):  # noqa: F811
    """(person or None, url of the POST, url of the page showing the form)."""
    spec, walk = FUZZED[name], PAGES[name]
    objects = world[walk["objects"]] if "objects" in walk else [None]
    candidates = [council[r] for r in ROLES]
    if "role" in spec:
        candidates = [council[spec["role"]]]
    elif "roles" in walk:
        candidates = [council[r] for r in ROLES if r in walk["roles"]]
    elif "allowed" not in walk:
        candidates = [council["qa_admin"]]
    for obj in objects:
        for person in candidates:
            if "allowed" in walk and not allowed(walk["allowed"], person, obj):
                continue
            kwargs = kwargs_for(name, obj)
            url = reverse(name, kwargs=kwargs)
            page_name = spec.get("page", name)
            page_kwargs = {"pk": kwargs["pk"]} if kwargs and page_name != name and "pk" in kwargs else kwargs
            if page_name == "audits:programme_show" and obj is not None and hasattr(obj, "programme_id"):
                page_kwargs = {"pk": obj.programme_id}
            if page_name == "reporting:index":
                page_kwargs = {}
            return (None if spec.get("anonymous") else person), url, reverse(page_name, kwargs=page_kwargs)
    raise AssertionError(f"nobody may post {name}: fix FUZZED")


def _form_on(html: str, page_url: str, post_url: str) -> dict:
    for form in post_forms(html):
        action = urlsplit(form["action"]).path or page_url
        if action == post_url:
            return form
    raise AssertionError(f"no form posting to {post_url} on {page_url}")


def _assert_escaped(response, where: str) -> None:
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.lower()
        for marker in RAW_MARKERS:
            assert marker.lower() not in body, f"unescaped {marker!r} in {where}"


def _post_and_check(client, post_url: str, page_url: str, pairs: list[tuple[str, str]]) -> None:
    response = client.post(post_url, data=urlencode_raw(pairs), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, f"{post_url} answered {response.status_code}"
    _assert_escaped(response, post_url)
    # The page the answer sends them to shows what was saved (for a form re-shown
    # with errors, the answer itself was the page, checked above).
    shown = []
    if response.status_code in (301, 302) and response["Location"].startswith("/"):
        shown.append(response["Location"])
    for url in shown:
        path = urlsplit(url).path
        try:
            resolve(path)
        except Exception:  # noqa: S112 - a redirect off the app (sign-in, say) shows nothing typed here
            continue
        page = client.get(url)
        assert page.status_code < 500, f"{url} answered {page.status_code} after {post_url}"
        _assert_escaped(page, url)


_rendered: dict[tuple[str, str], dict] = {}


@pytest.mark.parametrize("name", sorted(FUZZED))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_hostile_input_never_breaks_a_form(client, council, world, name, data):  # noqa: F811
    spec = FUZZED[name]
    with transaction.atomic():
        if "prepare" in spec:
            _prepare(spec["prepare"], council, world)
        person, post_url, page_url = _target(name, council, world)
        if person is not None:
            client.force_login(person)
        # The form as rendered, read once per test (examples are rolled back, so it does not change).
        key = (name, post_url)
        if key not in _rendered:
            page = client.get(page_url)
            assert page.status_code == 200, f"{page_url} -> {page.status_code}"
            _rendered.clear()
            _rendered[key] = _form_on(page.content.decode(), page_url, post_url)
        form = _rendered[key]
        pairs = [(k, v) for k, v in form["fields"] if k != "csrfmiddlewaretoken"]
        # Choice fields with nothing chosen: start from a real choice, as a person would.
        present = {k for k, _ in pairs}
        for field, options in form.get("options", {}).items():
            if field not in present and options:
                pairs.append((field, options[0]))
        names = sorted({k for k, _ in pairs})
        changed = data.draw(st.dictionaries(st.sampled_from(names), hostile_text, min_size=1), label="hostile")
        dropped = data.draw(st.sets(st.sampled_from(names), max_size=2), label="dropped")
        doubled = data.draw(st.sets(st.sampled_from(names), max_size=1), label="sent twice")
        sent = [(k, changed.get(k, v)) for k, v in pairs if k not in dropped]
        sent += [(k, changed.get(k, "")) for k in doubled]
        for submit, value in form.get("submits", [])[:1]:
            sent.append((submit, value))
        _post_and_check(client, post_url, page_url, sent)
        transaction.set_rollback(True)
