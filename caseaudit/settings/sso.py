"""Sign-in with the council's own accounts: OpenID Connect (issue 30, docs/decisions/0093-sign-in-with-council-accounts.md).

Off unless CASEAUDIT_OIDC_DISCOVERY_URL is set: then CaseAudit signs in with its own passwords exactly as
before (the demo, the tests). mozilla-django-oidc does the flow; its OIDC_* settings are set here from
CASEAUDIT_OIDC_* variables, and the provider's endpoints come from its discovery document
(caseaudit/accounts/oidc.py), so only the discovery URL, the client id and the secret are needed.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str


def env_json_map(name: str) -> dict[str, str]:
    """A JSON object of strings to strings, such as {"CaseAudit QA admins": "qa_admin"}; empty when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object ({exc.msg} at character {exc.pos}).") from None
    if not isinstance(parsed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()):
        raise ImproperlyConfigured(f'{name} must be a JSON object of names to names, like {{"Group": "value"}}.')
    return parsed


CASEAUDIT_OIDC_DISCOVERY_URL = env_str("CASEAUDIT_OIDC_DISCOVERY_URL", "").strip()
CASEAUDIT_SSO = bool(CASEAUDIT_OIDC_DISCOVERY_URL)
# The provider's origin (scheme://host[:port]), allowed as a form-action for signing out of it (base.py). Its
# end_session_endpoint is on the discovery document's host at Entra ID, Keycloak, Okta and Google; another
# origin can be given in CASEAUDIT_OIDC_SIGN_OUT_ORIGIN.
CASEAUDIT_OIDC_PROVIDER_ORIGIN = env_str("CASEAUDIT_OIDC_SIGN_OUT_ORIGIN", "").strip()
if CASEAUDIT_SSO and not CASEAUDIT_OIDC_PROVIDER_ORIGIN:
    _parts = urlsplit(CASEAUDIT_OIDC_DISCOVERY_URL)
    CASEAUDIT_OIDC_PROVIDER_ORIGIN = f"{_parts.scheme}://{_parts.netloc}"
# "Sign in with your <this> account": the council's own name for its staff accounts.
CASEAUDIT_OIDC_ACCOUNT_NAME = env_str("CASEAUDIT_OIDC_ACCOUNT_NAME", env_str("CASEAUDIT_COUNCIL_NAME", "council"))

OIDC_RP_CLIENT_ID = env_str("CASEAUDIT_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("CASEAUDIT_OIDC_CLIENT_SECRET", "")
if CASEAUDIT_SSO and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "CASEAUDIT_OIDC_DISCOVERY_URL is set, so CASEAUDIT_OIDC_CLIENT_ID and CASEAUDIT_OIDC_CLIENT_SECRET "
        "must be too (from CaseAudit's registration at the identity provider)."
    )
OIDC_RP_SIGN_ALGO = env_str("CASEAUDIT_OIDC_SIGN_ALGO", "RS256")
if not OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
    raise ImproperlyConfigured(
        f"CASEAUDIT_OIDC_SIGN_ALGO must be a public-key algorithm (RS256, ES256...), not {OIDC_RP_SIGN_ALGO!r}."
    )
OIDC_RP_SCOPES = env_str("CASEAUDIT_OIDC_SCOPES", "openid email profile")
# Authorisation code flow with PKCE (S256), a state and a nonce, each used once.
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
# Nobody is made an account by signing in: the council gives access in CaseAudit first.
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_TIMEOUT = env_int("CASEAUDIT_OIDC_TIMEOUT_SECONDS", 10)
# Kept for signing out of the provider too (issue 30, point 5).
OIDC_STORE_ID_TOKEN = True
# Seconds of clock difference allowed between CaseAudit and the provider when checking exp and iat.
CASEAUDIT_OIDC_LEEWAY_SECONDS = env_int("CASEAUDIT_OIDC_LEEWAY_SECONDS", 60)

# The claim that carries the person's groups (Entra ID: "groups", holding GUIDs, or "roles" for app roles).
CASEAUDIT_OIDC_GROUPS_CLAIM = env_str("CASEAUDIT_OIDC_GROUPS_CLAIM", "groups")
# Group -> role, and group -> team name, applied at every sign-in. Roles named anywhere in the role map are
# the provider's to give and take away; other roles are left as CaseAudit's administrators set them.
CASEAUDIT_OIDC_GROUP_ROLES = env_json_map("CASEAUDIT_OIDC_GROUP_ROLES")
CASEAUDIT_OIDC_GROUP_TEAMS = env_json_map("CASEAUDIT_OIDC_GROUP_TEAMS")
_ROLES = {
    "qa_admin",
    "auditor",
    "moderator",
    "social_worker",
    "iro",
    "team_manager",
    "practice_lead",
    "service_manager",
    "head_of_service",
    "director",
}
_unknown = sorted(set(CASEAUDIT_OIDC_GROUP_ROLES.values()) - _ROLES)
if _unknown:
    raise ImproperlyConfigured(
        f"CASEAUDIT_OIDC_GROUP_ROLES names roles CaseAudit does not have: {', '.join(_unknown)} "
        f"(known: {', '.join(sorted(_ROLES))})."
    )
# The ID token says the person already used multi-factor authentication at the provider when its "amr" claim
# holds one of these values, or its "acr" claim is one of these; then CaseAudit does not ask for its own code.
# Entra ID sends amr ["pwd", "mfa"]; Keycloak and Okta are set up per realm. Empty lists: always ask.
CASEAUDIT_OIDC_MFA_AMR = env_list("CASEAUDIT_OIDC_MFA_AMR", ["mfa"])
CASEAUDIT_OIDC_MFA_ACR = env_list("CASEAUDIT_OIDC_MFA_ACR", [])

# Local passwords: on unless switched off. Off, only the named break-glass administrators (email addresses)
# may sign in with a password, for when the provider is down or misconfigured.
CASEAUDIT_LOCAL_PASSWORDS = env_bool("CASEAUDIT_LOCAL_PASSWORDS", True)
CASEAUDIT_BREAK_GLASS_EMAILS = [email.lower() for email in env_list("CASEAUDIT_BREAK_GLASS_EMAILS", [])]
if not CASEAUDIT_LOCAL_PASSWORDS and not CASEAUDIT_SSO:
    raise ImproperlyConfigured(
        "CASEAUDIT_LOCAL_PASSWORDS=false needs CASEAUDIT_OIDC_DISCOVERY_URL: nobody but the break-glass "
        "administrators could sign in."
    )

SSO_BACKENDS = ["caseaudit.accounts.oidc.CouncilAccountBackend"] if CASEAUDIT_SSO else []
