"""Two-step verification: required for senior roles, optional for others,
enforced on every page (the admin too), recovery codes used once, sign out everywhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.accounts.two_factor import recovery_codes_issue

from .factories import PASSWORD
from .otp import app_for, code_for

SIGN_IN = "/account/sign-in"
VERIFY = "/account/two-step"
SET_UP = "/account/two-step/set-up"


def password_sign_in(client, person):
    response = client.post(SIGN_IN, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def secret_from(page: str) -> bytes:
    from base64 import b32decode

    secret = re.search(r'<code class="app-otp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    return b32decode(secret)


def code_from_secret(key: bytes, at: float | None = None) -> str:
    import time

    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


@pytest.mark.parametrize("who", ["director", "head_of_service", "qa_admin"])
def test_senior_roles_must_set_up_an_app_before_any_page(client, council, who):
    password_sign_in(client, council[who])
    for url in ["/", "/children/", "/reports/", "/admin/", "/account/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SET_UP}?next="), url
    # Signing out and staying signed in while on the set-up page still work.
    assert client.post("/account/keep-alive").status_code == 204
    assert client.post("/account/sign-out").status_code == 302
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith(SIGN_IN)


def test_setting_up_shows_the_key_a_qr_code_and_the_link_then_recovery_codes_once(client, council):
    director = council["director"]
    password_sign_in(client, director)
    page = client.get(f"{SET_UP}?next=/reports/").content.decode()
    assert "Set up two-step verification" in page
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert "otpauth://totp/CaseAudit%20%28" in page and "director%40council.example" in page
    key = secret_from(page)
    # The key does not change when the page is reloaded mid-scan.
    assert secret_from(client.get(SET_UP).content.decode()) == key

    wrong = client.post(SET_UP, {"code": "000000", "next": "/reports/"})
    body = wrong.content.decode()
    assert wrong.status_code == 200 and "There is a problem" in body
    assert '<a href="#id_code">Enter the 6-digit code your authenticator app shows now</a>' in body
    assert not TOTPDevice.objects.filter(user=director, confirmed=True).exists()

    # A wrong code slows the next try down (django-otp's throttle); wait it out.
    TOTPDevice.objects.filter(user=director).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post(SET_UP, {"code": code_from_secret(key), "next": "/reports/"})
    assert done.status_code == 302 and done["Location"].startswith("/account/two-step/recovery-codes")
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/reports/"' in codes_page
    assert sorted(StaticToken.objects.filter(device__user=director).values_list("token", flat=True)) == sorted(codes)
    # Shown once: the page does not show them again.
    assert client.get("/account/two-step/recovery-codes")["Location"] == "/account/"
    assert client.get("/reports/").status_code == 200


def test_a_person_with_an_app_enters_a_code_after_the_password(client, council):
    director = council["director"]
    app_for(director)
    password_sign_in(client, director)
    response = client.get("/children/")
    assert response["Location"] == f"{VERIFY}?next=%2Fchildren%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code" in page
    wrong = client.post(VERIFY, {"code": "000000", "next": "/children/"}).content.decode()
    assert "There is a problem" in wrong and 'aria-invalid="true"' in wrong
    assert client.get("/children/").status_code == 302
    # django-otp slows down guessing: straight after a wrong code even the right one is refused.
    assert client.post(VERIFY, {"code": code_for(director), "next": "/children/"}).status_code == 200
    TOTPDevice.objects.filter(user=director).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post(VERIFY, {"code": code_for(director), "next": "/children/"})
    assert ok.status_code == 302 and ok["Location"] == "/children/"
    assert client.get("/children/").status_code == 200


def test_an_app_code_works_once(client, council):
    director = council["director"]
    app_for(director)
    password_sign_in(client, director)
    code = code_for(director)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    password_sign_in(other, director)
    again = other.post(VERIFY, {"code": code})
    assert again.status_code == 200 and "There is a problem" in again.content.decode()
    # Said as it is (issue 44, point 10): not "wrong", but used; a wrong code is still called wrong.
    assert (
        "That code has already been used. Wait for your authenticator app to show a new code" in again.content.decode()
    )
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "already been used" not in other.post(VERIFY, {"code": wrong}).content.decode()


def test_a_recovery_code_signs_in_once(client, council):
    director = council["director"]
    app_for(director)
    codes = recovery_codes_issue(person=director)
    password_sign_in(client, director)
    response = client.post(VERIFY, {"code": codes[3].upper(), "next": "/"})
    assert response.status_code == 302
    assert "You used a recovery code. You have 9 left" in client.get("/").content.decode()
    other = Client()
    password_sign_in(other, director)
    assert other.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert other.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=director).count() == 9


def test_verifying_rotates_the_session_key(client, council):
    director = council["director"]
    app_for(director)
    password_sign_in(client, director)
    before = client.session.session_key
    client.post(VERIFY, {"code": code_for(director)})
    assert client.session.session_key != before


def test_other_roles_need_no_code_until_they_choose_to(client, council):
    worker = council["social_worker"]
    password_sign_in(client, worker)
    assert client.get("/").status_code == 200
    account = client.get("/account/").content.decode()
    assert "Two-step verification" in account and "Set up two-step verification" in account
    key = secret_from(client.get(SET_UP).content.decode())
    assert client.post(SET_UP, {"code": code_from_secret(key)}).status_code == 302
    client.post("/account/sign-out")

    password_sign_in(client, worker)
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(worker)}).status_code == 302
    assert client.post("/account/two-step/turn-off").status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not StaticToken.objects.filter(device__user=worker).exists()


def test_senior_roles_cannot_turn_it_off(client, council):
    client.force_login(council["director"])
    assert client.post("/account/two-step/turn-off").status_code == 404
    assert TOTPDevice.objects.filter(user=council["director"], confirmed=True).exists()


def test_someone_with_an_app_cannot_replace_it_without_a_code(client, council):
    director = council["director"]
    app_for(director)
    password_sign_in(client, director)
    assert client.get(SET_UP)["Location"].startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"})["Location"].startswith(VERIFY)


def test_sign_out_everywhere_ends_every_session_of_that_person_only(client, council):
    director, worker = council["director"], council["social_worker"]
    laptop, phone, someone_else = Client(), Client(), Client()
    for session in (laptop, phone):
        session.force_login(director)
        assert session.get("/").status_code == 200
    someone_else.force_login(worker)
    response = client.get("/")  # an anonymous client is unaffected
    client.force_login(director)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    for session in (laptop, phone, client):
        ended = session.get("/children/")
        assert ended.status_code == 302 and ended["Location"].startswith(SIGN_IN), ended
    assert someone_else.get("/").status_code == 200
    # Signing in again afterwards works.
    laptop.force_login(director)
    assert laptop.get("/").status_code == 200


def test_the_idle_limit_still_applies_after_two_step_verification(client, council, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    director = council["director"]
    app_for(director)
    password_sign_in(client, director)
    client.post(VERIFY, {"code": code_for(director)})
    assert client.get("/children/").status_code == 200
    time_machine.shift(31 * 60)
    response = client.get("/children/")
    assert response["Location"] == f"{SIGN_IN}?next=/children/"


def test_a_half_signed_in_qa_admin_cannot_reach_the_admin(client, council):
    qa_admin = council["qa_admin"]
    client.force_login(qa_admin, verified=False)
    for url in ["/admin/", f"/admin/organisation/child/{council.children['own'].pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SET_UP), url


def test_demo_otp_prints_codes_only_for_the_published_demo_key(council):
    from django.core.management import CommandError, call_command

    app_for(council["director"])
    with pytest.raises(CommandError, match="does not use the demo key"):
        call_command("demo_otp", "director@council.example")
    with pytest.raises(CommandError, match="no authenticator app"):
        call_command("demo_otp", "social_worker@council.example")


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_sent_twice_at_once_signs_in_only_once():
    import threading

    from django.db import connections

    from caseaudit.accounts.two_factor import code_check

    from .factories import PersonFactory

    person = PersonFactory(email="racer@council.example", roles=["director"])
    code = recovery_codes_issue(person=person)[0]
    barrier = threading.Barrier(4)
    results, errors = [], []

    def use():
        try:
            barrier.wait()
            results.append(code_check(person=person, code=code) is not None)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # SQLite may refuse a writer that finds the database locked; it must never let two in.
    assert sorted(results, reverse=True)[:1] == [True] and results.count(True) == 1, (results, errors)
    assert StaticToken.objects.filter(device__user=person).count() == 9


def test_the_admin_lets_a_qa_administrator_remove_a_device_but_never_read_its_key(client, council):
    director = council["director"]
    device = app_for(director)
    codes = recovery_codes_issue(person=director)
    client.force_login(council["qa_admin"])
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    static = client.get(f"/admin/otp_static/staticdevice/{director.staticdevice_set.get().pk}/change/")
    assert static.status_code == 200 and codes[0] not in static.content.decode()
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=director).exists()
