import pytest
from django.core.cache import caches

from caseaudit.api.services import token_create_personal, token_create_service

from ..improvement.conftest import finalise  # noqa: F401, F811  (fixture re-used here)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["api"].clear()


@pytest.fixture
def token_for(council):
    """A clear personal token for a council person (by key)."""

    def make(key: str) -> str:
        return token_create_personal(person=council[key], name=f"{key} tool")[1]

    return make


@pytest.fixture
def service_token(council):
    def make(*scopes: str) -> str:
        return token_create_service(created_by=council["qa_admin"], name="BI", scopes=list(scopes))[1]

    return make


@pytest.fixture
def world(council, finalise):  # noqa: F811
    """An inadequate audit (with a plan) of Team A's child and a good one of Team C's."""
    inadequate = finalise("own", grade="inadequate")
    good = finalise("south", grade="good")
    return {"inadequate": inadequate, "good": good, "plan": inadequate.improvement_plan}


def call(client, token, path, method="get", **kwargs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(f"/api/v1{path}", **headers, **kwargs)
