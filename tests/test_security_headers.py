"""Hardened responses: the security headers on real responses, production cookies
and HSTS, and no stack trace shown to anyone when a view fails."""

from __future__ import annotations

import json
import secrets

import pytest
from django.urls import include, path

from .test_settings import PRODUCTION

EXPECTED = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def assert_hardened(response, url):
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, f"{url}: {header}={response.headers.get(header)}"
    policy = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in (p.strip() for p in response.headers["Content-Security-Policy"].split(";"))
    )
    assert policy["script-src"] == "'self'", url  # no inline script, no eval, nothing from elsewhere
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    permissions = response.headers["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


@pytest.mark.parametrize(
    "url,status",
    [
        ("/account/sign-in", 200),
        ("/", 200),
        ("/children/", 200),
        ("/admin/", 200),
        ("/healthz", 200),
        ("/no-such", 404),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(client, council, url, status):
    if url != "/account/sign-in":  # signed in, the sign-in page sends people home
        client.force_login(council["qa_admin"])
    response = client.get(url)
    assert response.status_code == status
    assert_hardened(response, url)


def test_redirects_and_static_files_carry_them_too(client, council):
    assert_hardened(client.get("/children/"), "redirect to sign-in")
    static = client.get("/assets/caseaudit/app.js")
    assert static.status_code == 200
    assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_session_and_csrf_cookies_are_http_only(client, council):
    client.get("/account/sign-in")
    from .factories import PASSWORD

    client.post("/account/sign-in", {"username": "social_worker@council.example", "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"] is True
    assert client.cookies["sessionid"]["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"] is True


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
from django.test.utils import override_settings
# Production links hashed, collected assets; this probe has not collected any.
unhashed = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=unhashed):
    plain = c.get("/account/sign-in", HTTP_HOST="caseaudit.council.example")
    secure = c.get("/account/sign-in", secure=True, HTTP_HOST="caseaudit.council.example")
print(json.dumps({
  "plain_status": plain.status_code, "plain_location": plain.headers.get("Location"),
  "status": secure.status_code, "headers": dict(secure.headers),
  "csrf_cookie": {k: secure.cookies["csrftoken"][k] for k in ("secure", "httponly", "samesite")},
  "session_cookie_secure": settings.SESSION_COOKIE_SECURE, "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
  "debug": settings.DEBUG,
}))
"""


def test_production_sends_hsts_redirects_to_https_and_marks_cookies_secure():
    import subprocess
    import sys

    from .test_settings import ROOT

    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)}
    import os

    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://caseaudit.council.example/")
    assert seen["status"] == 200
    assert seen["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["headers"]["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in seen["headers"]["Content-Security-Policy"]
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["session_cookie_secure"] is True and seen["session_cookie_httponly"] is True


def _boom(request):
    raise RuntimeError("secret internals: SELECT * FROM organisation_child")


urlpatterns = [path("boom", _boom), path("", include("caseaudit.urls"))]
handler500 = "caseaudit.web.views.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_failing_view_shows_the_service_error_page_without_a_stack_trace(client, council, settings):
    assert settings.DEBUG is False
    client.raise_request_exception = False
    client.force_login(council["social_worker"])
    response = client.get("/boom")
    body = response.content.decode()
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body and "organisation_child" not in body
    assert "Sorry, there is a problem with the service" in body
    assert_hardened(response, "/boom")
