"""Hostile codes and return addresses at the two-step code page, half signed in.

No answer is a server error, no hostile code signs anyone in, and the `next` address never sends
the browser off the site (an open redirect is the first thing a penetration tester tries here).
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.otp import app_for

from .hostile import RAW_MARKERS, hostile_text

VERIFY = "/account/two-step"
OFF_SITE = ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "\\\\evil.example"]
codes = st.one_of(hostile_text, st.text(alphabet="0123456789 ", max_size=12))
nexts = st.one_of(st.sampled_from(OFF_SITE), hostile_text, st.just("/children/"))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(code=codes, next_url=nexts)
def test_hostile_codes_never_sign_in_and_never_redirect_off_the_site(council, code, next_url):
    director = council["director"]
    app_for(director)
    client = Client()
    assert client.post("/account/sign-in", {"username": director.email, "password": PASSWORD}).status_code == 302
    response = client.post(VERIFY, {"code": code, "next": next_url})
    assert response.status_code < 500
    assert DEVICE_ID_SESSION_KEY not in client.session, f"{code!r} passed the second step"
    if response.status_code in (301, 302):
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    for marker in RAW_MARKERS:
        assert marker.lower() not in response.content.lower()
