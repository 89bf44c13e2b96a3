"""Children's records are not kept by the browser (issue 37, point 3).

On a shared council laptop, a page or download left in the browser's cache comes back with the back button
or from the disk cache after sign-out. Every page and download is sent `Cache-Control: no-store`; static
assets keep their long caching.
"""

from __future__ import annotations

import datetime

import pytest

from caseaudit.reporting.periods import custom
from caseaudit.reporting.services import report_draft

from .improvement.conftest import finalise  # noqa: F401 (fixture)


def assert_not_stored(response, url: str) -> None:
    directives = {part.strip().split("=")[0] for part in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, f"{url}: Cache-Control={response.headers.get('Cache-Control')}"
    assert "private" in directives and "public" not in directives, url


@pytest.fixture
def records(council, finalise):  # noqa: F811
    """A child with an audit graded Inadequate (so an improvement plan) and a saved report."""
    audit = finalise("own", grade="inadequate")
    today = datetime.date.today()
    report = report_draft(
        period=custom(today.replace(day=1), today), service_area=None, team=None, by=council["qa_admin"]
    )
    return {"child": audit.child, "audit": audit, "plan": audit.improvement_plan, "report": report}


def _period() -> str:
    today = datetime.date.today()
    return f"kind=custom&start={today.replace(day=1)}&end={today}"


def test_pages_showing_a_child_an_audit_a_plan_or_a_report_are_not_stored(client, council, records):
    client.force_login(council["qa_admin"])
    urls = [
        "/",
        f"/children/{records['child'].pk}/",
        f"/audits/{records['audit'].pk}/",
        "/audits/mine/",
        f"/improvement/{records['plan'].pk}/",
        "/improvement/",
        f"/reports/?{_period()}",
        f"/reports/published/{records['report'].pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response, url)


@pytest.mark.parametrize(
    "url,content_type",
    [
        ("/reports/?{period}&format=pdf", "application/pdf"),
        ("/reports/?{period}&format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("/reports/?{period}&format=csv", "text/csv"),
        ("/improvement/?format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("/improvement/?format=csv", "text/csv"),
        ("/imports/audits/template?format=csv", "text/csv"),
        ("/data-protection/children/{child}/subject-access?format=pdf", "application/pdf"),
        ("/data-protection/children/{child}/subject-access?format=json", "application/json"),
    ],
)
def test_every_kind_of_download_is_not_stored(client, council, records, url, content_type):
    client.force_login(council["qa_admin"])
    url = url.format(period=_period(), child=records["child"].pk)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(content_type), url
    assert_not_stored(response, url)


def test_api_answers_to_a_token_are_not_stored(client, council, records):
    from caseaudit.api.services import token_create_personal

    _, token = token_create_personal(person=council["qa_admin"], name="cache check")
    for path in (f"/api/v1/children/{records['child'].pk}", f"/api/v1/audits/{records['audit'].pk}"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, path
        assert_not_stored(response, path)


def test_sign_in_redirects_and_error_pages_are_not_stored_either(client, council):
    for url, status in (("/account/sign-in", 200), ("/children/", 302), ("/no-such", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        assert_not_stored(response, url)


def test_static_assets_keep_their_long_caching(client):
    response = client.get("/assets/caseaudit/app.js")
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "no-store" not in cache_control and "private" not in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) > 0
