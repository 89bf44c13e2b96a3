"""Sign-in with the council's own account in the real browser (issue 30): Chromium goes from CaseAudit's
sign-in page to the OpenID Connect provider (oidc-provider-mock on loopback), approves there, comes back
signed in, and on signing out goes through the provider's end-session page back to CaseAudit.
tests/test_sso.py checks each refusal (issuer, audience, expiry, state, nonce) at the HTTP level."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from caseaudit.organisation.roles import Role

from ..test_sso import claims_at_provider

pytestmark = pytest.mark.sso


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider):
    settings.CASEAUDIT_SSO = True
    settings.CASEAUDIT_OIDC_DISCOVERY_URL = f"{provider}/.well-known/openid-configuration"
    settings.CASEAUDIT_OIDC_ACCOUNT_NAME = "Demo Borough"
    settings.OIDC_RP_CLIENT_ID = "caseaudit"
    settings.OIDC_RP_CLIENT_SECRET = "caseaudit-secret"  # noqa: S105
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "caseaudit.accounts.oidc.CouncilAccountBackend",
    ]
    settings.CASEAUDIT_OIDC_GROUP_ROLES = {"CA-Auditors": Role.AUDITOR.value, "CA-Moderators": Role.MODERATOR.value}
    settings.CASEAUDIT_OIDC_GROUP_TEAMS = {"Team-A-Staff": "Team A"}
    # As caseaudit/settings/base.py does when the provider is configured: the sign-out form may go on to it.
    settings.CASEAUDIT_CONTENT_SECURITY_POLICY = settings.CASEAUDIT_CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {provider}"
    )
    return provider


def approve_at_provider(page: Page, provider: str, sub: str) -> None:
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_person_signs_in_with_the_council_account_and_out_again_at_the_provider(page: Page, sso, council):
    auditor = council["auditor"]
    claims_at_provider(sso, "browser-auditor", email=auditor.email, groups=["CA-Auditors", "CA-Moderators"])

    page.goto("/children/")
    expect(page).to_have_url(re.compile(r"/account/sign-in"))
    page.get_by_role("button", name="Sign in with your Demo Borough account").click()
    approve_at_provider(page, sso, "browser-auditor")

    # Back where they were going, signed in; the provider's groups gave them the moderator role too.
    expect(page).to_have_url(re.compile(r"/children/$"))
    expect(page.get_by_text(f"Signed in as {auditor.full_name}")).to_be_visible()
    auditor.refresh_from_db()
    assert auditor.has_role(Role.MODERATOR)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(sso)}/oauth2/end_session\?"))
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile(r"/account/signed-out$"))
    page.goto("/children/")
    expect(page).to_have_url(re.compile(r"/account/sign-in"))


def test_someone_the_council_has_not_given_access_is_told_so_in_the_browser(page: Page, sso, council):
    claims_at_provider(sso, "browser-stranger", email="stranger@elsewhere.example", groups=["CA-Auditors"])
    page.goto("/account/sign-in")
    page.get_by_role("button", name="Sign in with your Demo Borough account").click()
    approve_at_provider(page, sso, "browser-stranger")
    expect(page.get_by_text("You do not have access to CaseAudit yet")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/sign-in"))
