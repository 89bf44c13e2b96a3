"""A form sent after the session ended keeps what was typed, for the same person only (issue 37, point 4)."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from caseaudit.accounts.held import HELD
from caseaudit.accounts.middleware import _LAST_SEEN
from caseaudit.accounts.models import HeldForm
from caseaudit.audits.models import Audit
from tests.browser.test_audit_journeys import open_audit

TYPED = "Olivia's views are written in her own words on every visit."


def _idle_out(client: Client, settings) -> None:
    """The session has not been used for longer than the idle limit."""
    session = client.session
    session[_LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()


@pytest.fixture
def audit(council):
    return open_audit(council.children["own"], council["auditor"])


def _save_draft(client: Client, audit: Audit):
    return client.post(
        f"/audits/{audit.pk}/edit/summary", {"strengths": TYPED, "version": audit.version, "save": "1"}, follow=False
    )


def test_typing_sent_after_the_idle_limit_is_held_and_offered_back_after_signing_in(client, council, audit, settings):
    client.force_login(council["auditor"])
    _idle_out(client, settings)
    response = _save_draft(client, audit)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in?next=")
    held = HeldForm.objects.get()
    assert held.person == council["auditor"] and held.path == f"/audits/{audit.pk}/edit/summary"
    assert held.data["strengths"] == [TYPED] and "csrfmiddlewaretoken" not in held.data
    audit.refresh_from_db()
    assert audit.strengths != TYPED  # nothing saved while signed out

    page = client.get(response["Location"]).content.decode()
    assert "What you typed has been kept: sign in again to save it." in page

    client.force_login(council["auditor"])
    assert client.session[HELD] == {held.path: held.pk}
    to_held = client.get(f"/audits/{audit.pk}/edit/summary")
    assert to_held.status_code == 302 and to_held["Location"] == f"/account/kept/{held.pk}"
    body = client.get(to_held["Location"]).content.decode()
    assert "Save what you typed" in body and TYPED.replace("'", "&#x27;") in body
    assert f'action="/audits/{audit.pk}/edit/summary"' in body and 'name="save" value="1"' in body
    # Shown once, then gone from the store; the page itself opens as usual again.
    assert not HeldForm.objects.exists()
    assert client.get(f"/account/kept/{held.pk}").status_code == 404
    assert client.get(f"/audits/{audit.pk}/edit/summary").status_code == 200

    # Sent on as the page shows it, the audit's own view saves it.
    client.post(f"/audits/{audit.pk}/edit/summary", {"strengths": TYPED, "version": audit.version, "save": "1"})
    audit.refresh_from_db()
    assert audit.strengths == TYPED


def test_someone_else_signing_in_on_the_same_laptop_is_not_offered_it(client, council, audit, settings):
    client.force_login(council["auditor"])
    _idle_out(client, settings)
    _save_draft(client, audit)
    held = HeldForm.objects.get()
    client.force_login(council["moderator"])
    assert HELD not in client.session
    assert client.get(f"/account/kept/{held.pk}").status_code == 404
    assert HeldForm.objects.filter(pk=held.pk).exists()  # still there for the auditor


def test_a_forged_post_is_not_held(council, audit, settings):
    """The CSRF token is checked before anything is held: another site cannot plant text to be saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(council["auditor"])
    _idle_out(client, settings)
    response = _save_draft(client, audit)
    assert response.status_code == 302
    assert not HeldForm.objects.exists()


def test_held_typing_expires_after_a_day(client, council, audit, settings, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    client.force_login(council["auditor"])
    _idle_out(client, settings)
    _save_draft(client, audit)
    held = HeldForm.objects.get()
    time_machine.move_to("2026-03-03 09:01", tick=False)
    client.force_login(council["auditor"])
    assert HELD not in client.session
    assert client.get(f"/account/kept/{held.pk}").status_code == 404


def test_a_refused_form_is_a_plain_page_with_the_typing_given_back(council, audit):
    """Issue 44, point 9: a page opened before signing in again in another tab is refused (its CSRF token is
    stale), but with a GOV.UK page that gives back what was typed, for the person to check and send again."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(council["auditor"])
    client.get(f"/audits/{audit.pk}/edit/summary")
    data = {"strengths": TYPED, "version": audit.version, "save": "1", "csrfmiddlewaretoken": "stale" * 8}
    origin = {"HTTP_ORIGIN": "http://testserver"}
    response = client.post(f"/audits/{audit.pk}/edit/summary", data, **origin)
    body = response.content.decode()
    assert response.status_code == 403 and "Your form was not sent" in body
    assert "CSRF verification failed" not in body
    assert TYPED.replace("'", "&#x27;") in body and 'name="save" value="1"' in body
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    resend = {"strengths": TYPED, "version": audit.version, "save": "1", "csrfmiddlewaretoken": fresh}
    assert client.post(f"/audits/{audit.pk}/edit/summary", resend, **origin).status_code == 302
    audit.refresh_from_db()
    assert audit.strengths == TYPED


def test_a_post_from_another_site_is_refused_without_showing_it_back(council, audit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(council["auditor"])
    data = {"strengths": "Planted", "version": audit.version, "save": "1"}
    response = client.post(f"/audits/{audit.pk}/edit/summary", data, HTTP_ORIGIN="https://elsewhere.example")
    body = response.content.decode()
    assert response.status_code == 403 and "Your form was not sent" in body and "Planted" not in body


def test_secrets_are_never_held(client, council, settings):
    """A password change or a two-step code sent after the session ended is not kept anywhere."""
    client.force_login(council["qa_admin"])
    _idle_out(client, settings)
    secret = {"old_password": "x" * 12, "new_password1": "Secret-pass-2026", "new_password2": "Secret-pass-2026"}
    client.post("/admin/password_change/", secret)
    client.force_login(council["auditor"])
    _idle_out(client, settings)
    client.post("/account/two-step/set-up", {"code": "123456"})
    assert not HeldForm.objects.exists()
