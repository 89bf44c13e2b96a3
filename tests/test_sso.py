"""Sign-in with the council's own accounts (issue 30), against a real OpenID Connect provider on loopback.

oidc-provider-mock runs in a thread; the Django test client plays the browser towards CaseAudit and `requests`
plays it towards the provider (its authorisation form, then the redirect back with the code). CaseAudit's
backend then exchanges the code, fetches the provider's keys and userinfo, and checks the ID token, all over
real HTTP: nothing of mozilla-django-oidc or PyJWT is replaced. The provider lets a test give a person any
claims, so it can also be made to issue tokens for another audience or issuer, or already expired.
"""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from oidc_provider_mock import run_server_in_thread

from caseaudit.accounts.middleware import PROVIDER_MFA
from caseaudit.accounts.models import ProviderAccount
from caseaudit.organisation.models import Person, PersonRole
from caseaudit.organisation.roles import Role
from caseaudit.trail.models import TrailEntry

from .factories import PASSWORD, PersonFactory
from .otp import app_for

pytestmark = pytest.mark.sso

START = "/account/sign-in/council-account"
CALLBACK = "/account/sign-in/council-account/callback"
SIGN_IN = "/account/sign-in"


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider, db):
    settings.CASEAUDIT_SSO = True
    settings.CASEAUDIT_OIDC_DISCOVERY_URL = f"{provider}/.well-known/openid-configuration"
    settings.CASEAUDIT_OIDC_ACCOUNT_NAME = "Demo Borough"
    settings.OIDC_RP_CLIENT_ID = "caseaudit"
    settings.OIDC_RP_CLIENT_SECRET = "caseaudit-secret"  # noqa: S105
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "caseaudit.accounts.oidc.CouncilAccountBackend",
    ]
    settings.CASEAUDIT_OIDC_GROUP_ROLES = {
        "CA-Auditors": Role.AUDITOR.value,
        "CA-Moderators": Role.MODERATOR.value,
        "CA-Social-Workers": Role.SOCIAL_WORKER.value,
        "CA-QA-Admins": Role.QA_ADMIN.value,
    }
    settings.CASEAUDIT_OIDC_GROUP_TEAMS = {"Team-A-Staff": "Team A", "Team-B-Staff": "Team B"}
    return provider


def claims_at_provider(provider: str, sub: str, **claims) -> None:
    """What the provider will say about this person from now on (its own API for tests)."""
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204


def authorise(client, provider: str, sub: str, next_url: str = ""):
    """Start at CaseAudit, approve at the provider as `sub`; the callback URL the browser is sent back to."""
    response = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider}/oauth2/authorize?")
    answer = requests.post(response["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(f"http://testserver{CALLBACK}?")
    return back.removeprefix("http://testserver")


def sign_in_as(client, provider: str, sub: str, next_url: str = ""):
    return client.get(authorise(client, provider, sub, next_url))


def signed_in_person(client):
    response = client.get("/account/")
    return response.wsgi_request.user if response.status_code == 200 else None


# Slice 1: the flow -------------------------------------------------------------------------------------------


def test_without_provider_settings_sign_in_is_as_before(client, council):
    page = client.get(SIGN_IN).content.decode()
    assert "Sign in with your" not in page and 'name="password"' in page
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404
    response = client.post(SIGN_IN, {"username": council["auditor"].email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_sign_in_page_offers_the_council_account_first(client, sso, council):
    page = client.get(SIGN_IN + "?next=/children/").content.decode()
    offer = page.index("Sign in with your Demo Borough account")
    assert offer < page.index('name="password"')
    assert f'href="{START}?next=/children/"' in page


def test_the_request_carries_state_nonce_and_a_pkce_challenge(client, sso):
    response = client.get(START)
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["caseaudit"]
    assert set(query["scope"][0].split()) >= {"openid", "email"}
    assert query["code_challenge_method"] == ["S256"]
    held = client.session["oidc_states"][query["state"][0]]
    assert held["nonce"] == query["nonce"][0] and len(query["nonce"][0]) >= 32
    digest = hashlib.sha256(held["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"][0]
    # A second start is a fresh state, nonce and verifier.
    again = parse_qs(urlsplit(client.get(START)["Location"]).query)
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]


def test_a_person_signs_in_and_lands_where_they_were_going(client, sso, council):
    auditor = council["auditor"]
    claims_at_provider(sso, "sub-auditor-1", email=auditor.email, groups=["CA-Auditors"])
    response = sign_in_as(client, sso, "sub-auditor-1", next_url="/children/")
    assert response.status_code == 302 and response["Location"] == "/children/"
    assert signed_in_person(client) == auditor
    # Each later request loads the person the usual way (roles in the same query).
    assert client.session["_auth_user_backend"] == "caseaudit.accounts.backends.PersonBackend"
    assert client.get("/").status_code == 200


# Slice 2: matching, never guessing -----------------------------------------------------------------------------


def test_first_sign_in_links_by_email_then_only_the_subject_counts(client, sso, council):
    worker = council["social_worker"]
    claims_at_provider(sso, "sub-worker", email=worker.email.upper(), groups=["CA-Social-Workers", "Team-A-Staff"])
    assert sign_in_as(client, sso, "sub-worker").status_code == 302
    link = ProviderAccount.objects.get(person=worker)
    assert link.subject == "sub-worker" and link.issuer == sso
    assert TrailEntry.objects.filter(content_type=ContentType.objects.get_for_model(ProviderAccount)).exists()
    client.post("/account/sign-out")

    # The provider now gives the same email address to another account: it is not let in as the worker.
    claims_at_provider(sso, "sub-impostor", email=worker.email, groups=["CA-Social-Workers"])
    response = sign_in_as(client, sso, "sub-impostor")
    assert response.status_code == 403
    assert "You do not have access to CaseAudit yet" in response.content.decode()
    assert signed_in_person(client) is None

    # The worker's email changes at the provider: still the worker, by subject.
    claims_at_provider(sso, "sub-worker", email="renamed@council.example", groups=["CA-Social-Workers"])
    assert sign_in_as(client, sso, "sub-worker").status_code == 302
    assert signed_in_person(client) == worker


def test_someone_the_council_has_not_given_access_gets_a_clear_page_and_no_account(client, sso, council, caplog):
    people = Person.objects.count()
    claims_at_provider(sso, "sub-stranger", email="stranger@council.example", groups=["CA-QA-Admins"])
    response = sign_in_as(client, sso, "sub-stranger")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access to CaseAudit yet" in page and "Quality Assurance team" in page
    assert Person.objects.count() == people and not ProviderAccount.objects.exists()
    assert signed_in_person(client) is None
    assert "no active person with that email address" in caplog.text


def test_a_leaver_is_refused_even_with_a_linked_account(client, sso, council):
    worker = council["colleague"]
    claims_at_provider(sso, "sub-colleague", email=worker.email, groups=["CA-Social-Workers"])
    assert sign_in_as(client, sso, "sub-colleague").status_code == 302
    client.post("/account/sign-out")
    worker.is_active = False
    worker.save()
    response = sign_in_as(client, sso, "sub-colleague")
    assert response.status_code == 403 and "You do not have access" in response.content.decode()
    assert signed_in_person(client) is None


def test_a_deactivated_person_is_not_matched_by_email(client, sso, council):
    PersonFactory(email="left@council.example", is_active=False)
    claims_at_provider(sso, "sub-left", email="left@council.example")
    assert sign_in_as(client, sso, "sub-left").status_code == 403
    assert not ProviderAccount.objects.exists()


def test_role_and_team_follow_the_groups_at_every_sign_in_with_history(client, sso, council):
    person = PersonFactory(email="newstarter@council.example", roles=[Role.IRO], team=None)
    claims_at_provider(sso, "sub-new", email=person.email, groups=["CA-Auditors", "Team-B-Staff", "Unmapped"])
    assert sign_in_as(client, sso, "sub-new").status_code == 302
    person.refresh_from_db()
    # The mapped role is given; IRO, which no group maps, is CaseAudit's own and stays.
    assert set(PersonRole.objects.filter(person=person).values_list("role", flat=True)) == {"auditor", "iro"}
    assert person.team == council.team_b
    role_history = TrailEntry.objects.filter(content_type=ContentType.objects.get_for_model(PersonRole))
    given = role_history.get(action=TrailEntry.Action.CREATE, object_pk=str(
        PersonRole.objects.get(person=person, role="auditor").pk))  # fmt: skip
    assert given.additional_data["from_identity_provider"]["groups"] == ["CA-Auditors", "Team-B-Staff", "Unmapped"]
    team_change = TrailEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_pk=str(person.pk),
        action=TrailEntry.Action.UPDATE,
    ).latest("sequence")
    assert "team" in team_change.changes_dict
    client.post("/account/sign-out")

    # Moved to moderation and to Team A at the provider: the next sign-in follows.
    before = TrailEntry.objects.count()
    claims_at_provider(sso, "sub-new", email=person.email, groups=["CA-Moderators", "Team-A-Staff"])
    assert sign_in_as(client, sso, "sub-new").status_code == 302
    person.refresh_from_db()
    assert set(PersonRole.objects.filter(person=person).values_list("role", flat=True)) == {"moderator", "iro"}
    assert person.team == council.team_a
    deleted = role_history.filter(action=TrailEntry.Action.DELETE)
    assert deleted.count() == 1 and deleted.get().changes_dict["role"][0] == "auditor"
    assert TrailEntry.objects.count() - before >= 3  # auditor taken away, moderator given, team changed
    client.post("/account/sign-out")

    # Nothing changed at the provider: nothing written.
    before = TrailEntry.objects.count()
    assert sign_in_as(client, sso, "sub-new").status_code == 302
    assert TrailEntry.objects.count() == before


# Slice 1 again: what is refused ---------------------------------------------------------------------------------


def refused(response, caplog, logged: str) -> None:
    assert response.status_code == 400
    assert "You could not be signed in" in response.content.decode()
    assert logged in caplog.text


def test_a_replayed_state_is_refused(client, sso, council, caplog):
    claims_at_provider(sso, "sub-auditor-2", email=council["auditor"].email)
    back = authorise(client, sso, "sub-auditor-2")
    assert client.get(back).status_code == 302
    client.post("/account/sign-out")
    refused(client.get(back), caplog, "the state is not one this browser started")
    assert signed_in_person(client) is None


def test_a_code_sent_back_with_another_sign_ins_state_fails_the_nonce(client, sso, council, caplog):
    claims_at_provider(sso, "sub-auditor-3", email=council["auditor"].email)
    first = authorise(client, sso, "sub-auditor-3")
    second = authorise(client, sso, "sub-auditor-3")
    code = parse_qs(urlsplit(first).query)["code"][0]
    other_state = parse_qs(urlsplit(second).query)["state"][0]
    refused(client.get(f"{CALLBACK}?code={code}&state={other_state}"), caplog, "Nonce verification failed")
    assert signed_in_person(client) is None


@pytest.mark.parametrize(
    ("claims", "logged"),
    [
        ({"aud": "another-service"}, "Audience doesn't match"),
        ({"iss": "https://login.elsewhere.example"}, "Invalid issuer"),
        ({"exp": int(time.time()) - 3600}, "Signature has expired"),
    ],
    ids=["wrong audience", "wrong issuer", "expired"],
)
def test_an_id_token_failing_a_check_is_refused(client, sso, council, caplog, claims, logged):
    claims_at_provider(sso, "sub-odd", email=council["auditor"].email, **claims)
    refused(sign_in_as(client, sso, "sub-odd"), caplog, logged)
    assert signed_in_person(client) is None and not ProviderAccount.objects.exists()


def test_the_person_declining_at_the_provider_is_refused(client, sso, caplog):
    response = client.get(START)
    answer = requests.post(response["Location"], data={"action": "deny"}, allow_redirects=False, timeout=10)
    refused(client.get(answer.headers["Location"].removeprefix("http://testserver")), caplog, "access_denied")


# Local passwords off -------------------------------------------------------------------------------------------


def test_passwords_off_except_for_break_glass_administrators(client, sso, settings, council):
    settings.CASEAUDIT_LOCAL_PASSWORDS = False
    settings.CASEAUDIT_BREAK_GLASS_EMAILS = [council["qa_admin"].email]
    page = client.get(SIGN_IN).content.decode()
    assert page.index("Sign in with your Demo Borough account") < page.index("Break-glass administrators")
    response = client.post(SIGN_IN, {"username": council["auditor"].email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Sign in with your Demo Borough account: CaseAudit passwords are only" in response.content.decode()
    assert signed_in_person(client) is None
    response = client.post(SIGN_IN, {"username": council["qa_admin"].email, "password": PASSWORD})
    assert response.status_code == 302


# Slice 3: two-step once ----------------------------------------------------------------------------------------


def test_mfa_at_the_provider_means_no_second_code(client, sso, council):
    director = council["director"]
    app_for(director)
    claims_at_provider(sso, "sub-director", email=director.email, amr=["pwd", "mfa"])
    assert sign_in_as(client, sso, "sub-director").status_code == 302
    assert client.session[PROVIDER_MFA] is True
    assert client.get("/").status_code == 200


def test_without_mfa_at_the_provider_the_usual_step_is_asked(client, sso, council):
    director = council["director"]
    app_for(director)
    claims_at_provider(sso, "sub-director-2", email=director.email, amr=["pwd"])
    assert sign_in_as(client, sso, "sub-director-2").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-step?")


def test_acr_can_say_mfa_where_the_council_configures_it(client, sso, settings, council):
    settings.CASEAUDIT_OIDC_MFA_ACR = ["urn:council:loa:substantial"]
    head = council["head_of_service"]  # must use two-step; has no app yet
    claims_at_provider(sso, "sub-head", email=head.email, acr="urn:council:loa:substantial")
    assert sign_in_as(client, sso, "sub-head").status_code == 302
    assert client.get("/").status_code == 200
    client.post("/account/sign-out")
    claims_at_provider(sso, "sub-head", email=head.email, acr="urn:council:loa:low")
    assert sign_in_as(client, sso, "sub-head").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-step/set-up?")


# Slice 5: signing out of the provider too ------------------------------------------------------------------------

SIGN_OUT = "/account/sign-out"


def test_sign_out_ends_the_provider_session_too_where_it_offers_that(client, sso, council):
    auditor = council["auditor"]
    claims_at_provider(sso, "sub-auditor-5", email=auditor.email, groups=["CA-Auditors"])
    sign_in_as(client, sso, "sub-auditor-5")
    id_token = client.session["oidc_id_token"]
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{sso}/oauth2/end_session"
    assert parse_qs(where.query) == {
        "id_token_hint": [id_token],
        "post_logout_redirect_uri": ["http://testserver/account/signed-out"],
        "client_id": ["caseaudit"],
    }
    assert signed_in_person(client) is None and "oidc_id_token" not in client.session
    # The provider takes it (its confirmation page sends the browser back to CaseAudit's signed-out page).
    at_provider = requests.get(response["Location"], timeout=10)
    assert at_provider.status_code == 200 and "http://testserver/account/signed-out" in at_provider.text
    assert client.get("/account/signed-out").status_code == 200


def test_sign_out_after_a_password_sign_in_stays_in_caseaudit(client, sso, council):
    client.force_login(council["auditor"])
    response = client.post(SIGN_OUT)
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert signed_in_person(client) is None


def test_without_an_end_session_endpoint_the_id_token_is_not_kept(client, sso, council, monkeypatch):
    from caseaudit.accounts import oidc

    document = {key: value for key, value in oidc.discovery().items() if key != "end_session_endpoint"}
    monkeypatch.setitem(oidc._discovered, f"{sso}/.well-known/openid-configuration", (time.monotonic(), document))
    auditor = council["auditor"]
    claims_at_provider(sso, "sub-auditor-6", email=auditor.email, groups=["CA-Auditors"])
    sign_in_as(client, sso, "sub-auditor-6")
    assert signed_in_person(client) == auditor and "oidc_id_token" not in client.session
    response = client.post(SIGN_OUT)
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert signed_in_person(client) is None
