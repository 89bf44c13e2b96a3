"""schemathesis against /api/v1/'s own OpenAPI document: every operation, generated input, real app.

Each operation gets valid and invalid input drawn from the document and is called through the real
WSGI application (middleware, token check, rate limit, change history) with a QA administrator's
token, so every endpoint answers with data. Every answer must: not be a server error, use a status
the document lists, match the documented schema and content type. Imports are called as dry runs
and as commits: whatever they answer, they may not break the schema, and the database must still
hold every audit it held.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from caseaudit.api.api import api
from caseaudit.api.services import token_create_personal
from caseaudit.audits.models import Audit

try:
    from schemathesis.specs.openapi.checks import positive_data_acceptance
except ImportError:  # pragma: no cover - the pinned version has it here
    positive_data_acceptance = None

# The document as the app serves it at /api/v1/openapi.json (built here: no request at import time).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.location = "/api/v1/openapi.json"

# Bounded so the whole suite stays a few minutes on a shared two-core machine.
EXAMPLES = 15


@pytest.fixture
def api_world(council, finalise, settings):  # noqa: F811 - finalise comes from tests/api/conftest.py
    """Audits (one inadequate, with its plan) so lists and records answer; a token that sees everything."""
    finalise("own", grade="inadequate")
    finalise("south", grade="good")
    # The generated calls are many more than a real client makes in a minute: the limit has its own tests.
    settings.CASEAUDIT_API_RATE_LIMIT = 1_000_000
    caches["api"].clear()
    # Django closes "old" connections around each request; inside the test's transaction that would drop it
    # (the test client disconnects these handlers for the same reason).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield token_create_personal(person=council["qa_admin"], name="schemathesis")[1]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_keeps_to_its_schema(case, api_world):
    audits = Audit.objects.count()
    # Cases schemathesis gave a made-up Authorization keep it (and must be refused: its ignored_auth check).
    generated_auth = any(name.lower() == "authorization" for name in (case.headers or {}))
    response = case.call(headers=None if generated_auth else {"Authorization": f"Bearer {api_world}"})
    # Every check but one: input the document calls valid may still be refused for a rule it cannot state
    # (date_to before date_from, a report over five years, an extract whose rows fail the import's checks).
    # That refusal is checked below instead, and must be one of those rules.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if case.meta is not None and case.meta.generation.mode.is_positive and response.status_code == 422:
        assert _a_rule_the_document_cannot_state(response.json()), response.text
    assert Audit.objects.count() >= audits, "an API call removed audits"


def _a_rule_the_document_cannot_state(body: dict) -> bool:
    if body.get("detail") == "The data has problems: nothing was written":
        return True
    rules = {"must be on or after date_from", "a report covers at most five years"}
    errors = body.get("errors") or []
    return bool(errors) and all(e["field"] == "date_to" and any(rule in e["message"] for rule in rules) for e in errors)
