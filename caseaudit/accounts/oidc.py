"""The council's identity provider, through mozilla-django-oidc (issue 30, decision 0093).

The library runs the authorisation code flow with PKCE, a state and a nonce, each used once, and checks
the ID token's signature against the provider's published keys. What is CaseAudit's own is here:

- the provider's endpoints from its discovery document (the library wants each endpoint as a setting);
- the ID token's issuer and audience checked as well as its signature, expiry and nonce;
- who the person is (caseaudit/accounts/services.py), never a new account;
- whether the provider already asked for a second factor (amr/acr), so CaseAudit does not ask again;
- a plain page, and a log line, for every refusal.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .middleware import PROVIDER_MFA
from .services import NoAccess, person_for_provider_account, person_groups_apply

logger = logging.getLogger("caseaudit.sign_in")

PERSON_BACKEND = "caseaudit.accounts.backends.PersonBackend"
_DISCOVERY_SECONDS = 3600
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


# Where mozilla-django-oidc keeps the ID token (OIDC_STORE_ID_TOKEN), for the id_token_hint at sign-out.
ID_TOKEN = "oidc_id_token"  # noqa: S105 - the session key's name, not a secret


class ProviderUnavailable(Exception):
    pass


def discovery() -> dict:
    """The provider's discovery document, fetched once an hour per process."""
    url = settings.CASEAUDIT_OIDC_DISCOVERY_URL
    with _discovery_lock:
        cached = _discovered.get(url)
        if cached is not None and time.monotonic() - cached[0] < _DISCOVERY_SECONDS:
            return cached[1]
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"discovery document at {url}: {exc}") from exc
        missing = [key for key in ("issuer", *_ENDPOINTS.values()) if not document.get(key)]
        if missing:
            raise ProviderUnavailable(f"discovery document at {url} has no {', '.join(missing)}")
        _discovered[url] = (time.monotonic(), document)
        return document


def _settings(attr: str, *default):
    if attr in _ENDPOINTS:
        return discovery()[_ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def provider_mfa(claims: dict) -> bool:
    """Whether the ID token says a second factor was used: amr holds a configured value, or acr is one."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(map(str, amr)) & set(settings.CASEAUDIT_OIDC_MFA_AMR):
        return True
    return bool(claims.get("acr")) and str(claims.get("acr")) in settings.CASEAUDIT_OIDC_MFA_ACR


def groups_of(claims: dict) -> list[str]:
    groups = claims.get(settings.CASEAUDIT_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(group) for group in groups]


class CouncilAccountBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(_settings)

    def _verify_jws(self, payload, key):
        """The library checks the signature and expiry; the issuer and audience are checked here too,
        by PyJWT, and the claims that make an ID token must be present."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=settings.CASEAUDIT_OIDC_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def retrieve_matching_jwk(self, token):
        """The library's match on the token's key id; a token without one (RFC 7515 makes it optional) only
        from a provider that publishes a single signing key, never a guess among several."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [key for key in response.json().get("keys", []) if key.get("use", "sig") == "sig"]
        if len(keys) != 1:
            raise SuspiciousOperation("ID token names no key, and the provider publishes several")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload):
        """The ID token's claims (checked) with the userinfo endpoint's, for the same subject."""
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        claims = {**userinfo, **payload}
        issuer = payload["iss"]
        try:
            person = person_for_provider_account(
                issuer=issuer,
                subject=payload["sub"],
                email=str(claims.get("email") or ""),
                email_verified=claims.get("email_verified"),
            )
        except NoAccess as refusal:
            logger.warning("Sign-in refused for %s at %s: %s", payload["sub"], issuer, refusal.reason)
            self.request.caseaudit_refusal = "no_access"
            return None
        changes = person_groups_apply(person=person, groups=groups_of(claims), issuer=issuer)
        if changes:
            logger.info("Sign-in of person %s: %s from the provider's groups", person.pk, ", ".join(changes))
        self.request.caseaudit_provider_mfa = provider_mfa(payload)
        return person


def refused(request, reason: str, status: int = 403):
    """Every refusal says so in plain words; the details go to the log, never to the page."""
    template = "accounts/no_access.html" if reason == "no_access" else "accounts/sign_in_failed.html"
    return render(request, template, {"reason": reason}, status=status)


class SignInStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(_settings)


class SignInCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(_settings)

    def login_failure(self):
        if getattr(self.request, "caseaudit_refusal", None) == "no_access":
            return refused(self.request, "no_access")
        if self.request.GET.get("error"):
            reason = f"the provider answered {self.request.GET['error']}"
        else:
            reason = "the state is not one this browser started (replayed, or from another browser)"
        logger.warning("Sign-in with the council's account refused: %s", reason)
        return refused(self.request, "failed", status=400)

    def login_success(self):
        # Each request loads the person through PersonBackend (roles in the same query, decision 0072); the
        # OIDC backend is only for the moment of signing in.
        self.user.backend = PERSON_BACKEND
        response = super().login_success()
        self.request.session[PROVIDER_MFA] = bool(getattr(self.request, "caseaudit_provider_mfa", False))
        if not discovery().get("end_session_endpoint"):
            # Kept only to sign out of the provider too: a provider that cannot do that has no use for it.
            self.request.session.pop(ID_TOKEN, None)
        return response


def _provider_view(view):
    """404 unless sign-in with the council's account is set up; a plain page when the provider cannot be
    reached or the answer fails a check (a replayed or unknown state, a refused code, an ID token refused)."""

    def wrapped(request):
        if not settings.CASEAUDIT_SSO:
            raise Http404
        try:
            return view(request)
        except ProviderUnavailable as exc:
            logger.error("Sign-in with the council's account unavailable: %s", exc)
            return refused(request, "unavailable", status=503)
        except (SuspiciousOperation, requests.RequestException, KeyError) as exc:
            logger.warning("Sign-in with the council's account refused: %s", exc)
            return refused(request, "failed", status=400)

    return wrapped


sign_in_start = _provider_view(SignInStart.as_view())
sign_in_callback = _provider_view(SignInCallback.as_view())


def provider_sign_out_url(request) -> str | None:
    """Where to send the browser to end the provider's session too (OpenID Connect RP-initiated logout), or
    None: signed in with a password, or a provider without an end_session_endpoint (or unreachable)."""
    id_token = request.session.get(ID_TOKEN)
    if not settings.CASEAUDIT_SSO or not id_token:
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable as exc:
        logger.warning("Signed out of CaseAudit only: %s", exc)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:signed_out")),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
