"""Tokens: hashed at rest, refused when revoked or expired; bad input answered with the field named, nothing changed."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from caseaudit.api.models import ApiToken
from caseaudit.api.services import token_revoke
from caseaudit.organisation.models import Child

from .conftest import call

UNAUTHORISED = {"detail": "Missing, invalid, expired or revoked token"}


def test_tokens_are_never_stored_in_clear(client, council, token_for):
    secret = token_for("qa_admin")
    secret_part = secret.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    dump = repr(rows)
    assert secret not in dump and secret_part not in dump
    assert call(client, secret, "/teams").status_code == 200


def test_revoked_expired_and_wrong_tokens_get_the_same_401(client, council, token_for):
    revoked, expired, good = token_for("qa_admin"), token_for("qa_admin"), token_for("qa_admin")
    token_revoke(token=ApiToken.objects.get(prefix=revoked.split("_")[1]))
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    wrong = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for token in (revoked, expired, wrong, "nonsense", None):
        response = call(client, token, "/teams")
        assert response.status_code == 401
        assert response.json() == UNAUTHORISED
    assert call(client, good, "/teams").status_code == 200


def test_token_pages_show_the_token_once_and_revoke(client, council):
    client.force_login(council["team_manager"])
    response = client.post("/account/api-tokens/", {"name": "Power BI", "days": "30"}, follow=True)
    token = ApiToken.objects.get(person=council["team_manager"])
    secret = response.context["new_secret"]
    assert secret.startswith(f"ca_{token.prefix}_") and secret in response.content.decode()
    again = client.get("/account/api-tokens/")
    assert secret not in again.content.decode() and "Power BI" in again.content.decode()
    assert client.post("/account/api-tokens/", {"name": "x", "days": "400"}).status_code == 200  # error shown
    client.post(f"/account/api-tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(client, secret, "/teams").status_code == 401


def test_service_tokens_page_is_for_qa_administrators_only(client, council):
    client.force_login(council["team_manager"])
    assert client.get("/account/api-tokens/service").status_code == 404
    client.force_login(council["qa_admin"])
    client.post("/account/api-tokens/service", {"name": "BI", "days": "90", "scopes": ["read:reports"]})
    token = ApiToken.objects.get(kind="service")
    assert token.scopes == ["read:reports"] and token.person is None


@override_settings(CASEAUDIT_API_RATE_LIMIT=3)
def test_rate_limit_answers_429_with_retry_after(client, council, token_for):
    token = token_for("qa_admin")
    for _ in range(3):
        assert call(client, token, "/teams").status_code == 200
    response = call(client, token, "/teams")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]
    assert call(client, token_for("director"), "/teams").status_code == 200  # per token


HEADERS = ["Case ID", "Team", "Service area", "Legal status", "Opened"]


def _post(client, token, body, path="/imports/case-extracts", content_type="application/json"):
    return call(client, token, path, method="post", data=body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headers": HEADERS, "rows": [], "surprise": 1}, "surprise"),
        ({"headers": HEADERS, "rows": "not a list"}, "rows"),
        ({"headers": HEADERS, "rows": [], "dry_run": "maybe"}, "dry_run"),
        ({"rows": []}, "headers"),
    ],
)
def test_bad_json_names_the_field(client, council, token_for, body, field):
    response = _post(client, token_for("qa_admin"), body)
    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_malformed_json_is_refused(client, council, token_for):
    response = _post(client, token_for("qa_admin"), "{not json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot parse request body"


def test_bad_dates_in_queries_name_the_field(client, council, token_for):
    response = call(client, token_for("qa_admin"), "/audits?date_from=2026-13-01")
    assert response.status_code == 422 and "date_from" in response.json()["detail"]
    response = call(client, token_for("qa_admin"), "/reports?date_from=2026-03-01&date_to=2026-01-01")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "date_to", "message": "Value error, must be on or after date_from"}]
    # A number is not a date, though pydantic alone would read it as seconds since 1970 (schemathesis found it).
    for value in ("0", "1700000000"):
        response = call(client, token_for("qa_admin"), f"/audits?date_to={value}")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date_to", value


@override_settings(CASEAUDIT_API_MAX_BODY_MB=0, CASEAUDIT_API_MAX_BODY_BYTES=100)
def test_oversized_bodies_get_413(client, council, token_for):
    response = _post(client, token_for("qa_admin"), {"headers": HEADERS, "rows": [["x" * 200]]})
    assert response.status_code == 413
    assert "100 bytes" in response.json()["detail"]


def test_imports_need_qa_admin_or_the_scope(client, council, token_for, service_token):
    body = {"headers": HEADERS, "rows": [["C1", "Team A", "North", "CIN", "2026-01-01"]]}
    assert _post(client, token_for("team_manager"), body).status_code == 403
    assert _post(client, service_token("read:audits"), body).status_code == 403
    assert _post(client, service_token("write:case_extracts"), body, path="/imports/historic-audits").status_code in (
        403,
        422,
    )


def test_case_extract_dry_run_writes_nothing_and_bad_rows_get_422(client, council, token_for):
    token = token_for("qa_admin")
    before = Child.objects.count()
    rows = [["NEW1", "Team A", "North", "CIN", "2026-01-01"]]
    response = _post(client, token, {"headers": HEADERS, "rows": rows})
    assert response.status_code in (200, 422), response.content
    assert Child.objects.count() == before
    bad = _post(client, token, {"headers": HEADERS, "rows": [["", "Team A", "North", "CIN", "not a date"]]})
    assert bad.status_code == 422
    result = bad.json()["result"]
    assert result["errors"] and result["errors"][0]["line"] == 2
    assert Child.objects.count() == before


def test_case_extract_file_upload_reads_with_read_table(client, council, token_for):
    token = token_for("qa_admin")
    upload = SimpleUploadedFile("extract.csv", b"Case ID,Team\n,\n", content_type="text/csv")
    response = call(client, token, "/imports/case-extracts/file", method="post", data={"file": upload})
    assert response.status_code == 422
    assert response.json()["result"]["errors"]
