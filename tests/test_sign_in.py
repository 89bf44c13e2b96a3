"""Signing in: email and password, lockout, strong passwords, idle timeout."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from .factories import PASSWORD

SIGN_IN = "/account/sign-in"


def sign_in(client, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password})


def test_a_person_signs_in_with_email_and_password(client, council):
    response = sign_in(client, "Social_Worker@Council.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Hello, Social Worker" in client.get("/").content.decode()


def test_a_wrong_password_shows_an_error_summary_and_keeps_the_email(client, council):
    response = sign_in(client, "social_worker@council.example", "wrong-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter a correct email address and password" in body
    assert 'value="social_worker@council.example"' in body
    assert "<title>Error: Sign in" in body


def test_empty_fields_are_named_in_the_error_summary_with_links(client, council):
    body = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in body
    assert '<a href="#id_password">Enter your password</a>' in body


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, council):
    for _ in range(4):
        assert sign_in(client, "social_worker@council.example", "nope-nope-nope").status_code == 200
    locked = sign_in(client, "social_worker@council.example", "nope-nope-nope")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Your account is locked" in body
    assert "5 wrong attempts" in body and "30 minutes" in body
    # Even the right password is refused while locked...
    assert sign_in(client, "social_worker@council.example", PASSWORD).status_code == 429
    # ...but other people in the same office can still sign in.
    assert sign_in(client, "colleague@council.example", PASSWORD).status_code == 302


@pytest.mark.parametrize("weak", ["short1A!", "password1234", "123456789012", "socialworker1"])
def test_weak_passwords_are_refused(council, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=council["social_worker"])


def test_a_strong_password_is_accepted(council):
    validate_password("Kettle-Orchard-Lantern-42", user=council["social_worker"])


def test_signing_in_rotates_the_session_key(client, council):
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, "social_worker@council.example", PASSWORD)
    assert client.session.session_key != before


def test_idle_sessions_end_with_a_message_and_come_back_to_the_page(client, council, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    client.force_login(council["social_worker"])
    assert client.get("/children/").status_code == 200
    time_machine.shift(29 * 60)
    assert client.get("/children/").status_code == 200  # activity renews the session
    time_machine.shift(31 * 60)
    response = client.get("/children/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/children/"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used CaseAudit for 30 minutes" in page


def test_an_active_session_still_ends_after_the_absolute_limit(client, council, time_machine):
    time_machine.move_to("2026-03-02 08:00", tick=False)
    client.force_login(council["social_worker"])
    for _ in range(21):  # active just inside every half hour, for ten hours
        assert client.get("/").status_code == 200
        time_machine.shift(29 * 60 + 59)
    response = client.get("/")
    assert response.status_code == 302
    assert "you have been signed in for a long time" in client.get(response["Location"]).content.decode()


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, council, time_machine):
    from django.contrib.sessions.models import Session

    time_machine.move_to("2026-03-02 09:00", tick=False)
    client.force_login(council["social_worker"])
    client.get("/")
    key = client.session.session_key

    def stored():
        return Session.objects.get(session_key=key).session_data

    written = stored()
    time_machine.shift(30)
    body = client.get("/").content.decode()
    assert stored() == written  # half a minute on: no write
    # The timeout warning counts from the last write, so it never promises more time than is left.
    assert 'data-idle-seconds="1770"' in body
    time_machine.shift(31)
    client.get("/")
    assert stored() != written  # over a minute since the last write: written


def test_an_unwritten_half_minute_does_not_stretch_the_idle_limit(client, council, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    client.force_login(council["social_worker"])
    client.get("/")
    time_machine.shift(30)
    client.get("/")  # not written: the limit still counts from 09:00
    time_machine.shift(29 * 60 + 31)
    assert client.get("/").status_code == 302


def test_keep_alive_renews_the_session(client, council, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    client.force_login(council["social_worker"])
    client.get("/")
    time_machine.shift(28 * 60)
    assert client.post(reverse("accounts:keep_alive")).status_code == 204
    time_machine.shift(28 * 60)
    assert client.get("/").status_code == 200


def test_signing_out_needs_a_post_and_ends_the_session(client, council):
    client.force_login(council["social_worker"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_pages_show_the_timeout_warning_dialog_only_when_signed_in(client, council):
    assert 'id="timeout-warning"' not in client.get(SIGN_IN).content.decode()
    client.force_login(council["social_worker"])
    body = client.get("/").content.decode()
    assert 'id="timeout-warning"' in body
    assert 'data-idle-seconds="1800"' in body


def test_no_page_uses_inline_script(client, council):
    client.force_login(council["qa_admin"])
    for url in ["/", "/children/", SIGN_IN]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and "onclick=" not in body


def test_time_is_real_between_tests():
    assert time.time() > 1_700_000_000


def test_each_page_reads_the_signed_in_person_with_their_roles_in_one_query(client, council):
    """PersonBackend: the person, their roles and their 'sign out everywhere' time come in one query
    (a join), not three; what they hold is read afresh on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseaudit.organisation.models import PersonRole
    from caseaudit.organisation.roles import Role

    person = council["auditor"]
    PersonRole.objects.create(person=person, role=Role.MODERATOR)
    sign_in(client, person.email, PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/help")
    assert response.context["user"].roles == {Role.AUDITOR, Role.MODERATOR}
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert tables.count('FROM "organisation_person"') == 1
    assert 'FROM "organisation_personrole"' not in tables and 'FROM "accounts_sessioncutoff"' not in tables
    PersonRole.objects.filter(person=person, role=Role.MODERATOR).delete()
    assert client.get("/help").context["user"].roles == {Role.AUDITOR}  # the next request knows
    PersonRole.objects.filter(person=person).delete()
    assert client.get("/help").context["user"].roles == frozenset()  # no roles: still one row, none held


def test_a_deactivated_person_is_signed_out_on_their_next_request(client, council):
    person = council["auditor"]
    sign_in(client, person.email, PASSWORD)
    assert client.get("/audits/mine/").status_code == 200
    person.is_active = False
    person.save()
    response = client.get("/audits/mine/")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
