"""Sign people out after inactivity (idle limit) and after a working day (absolute limit)."""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_LAST_SEEN = "caseaudit_last_seen"
_STARTED = "caseaudit_started"


def touch(session, now: int) -> None:
    """Record activity now (the idle limit counts from here)."""
    session[_LAST_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(_STARTED, now)
            last_seen = session.get(_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                minutes = settings.SESSION_IDLE_SECONDS // 60
                return self._sign_out(
                    request, f"You were signed out because you had not used CaseAudit for {minutes} minutes."
                )
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                return self._sign_out(
                    request, "For your security, please sign in again: you have been signed in for a long time."
                )
            # Write the time of activity at most once a minute: every write is an UPDATE and a commit of the
            # session row, which was most of a simple page's database time under load (decision 0072).
            if now - last_seen >= settings.SESSION_TOUCH_SECONDS or _LAST_SEEN not in session:
                touch(session, now)
                last_seen = now
            # What is left of the idle limit: the timeout warning on the page counts down from this.
            request.idle_seconds_left = settings.SESSION_IDLE_SECONDS - (now - last_seen)
        return self.get_response(request)

    def _sign_out(self, request, message: str):
        from .held import hold

        # A form sent after the session ended keeps what was typed, for this person's next sign-in.
        held = hold(request)
        logout(request)
        if held is not None:
            message += " What you typed has been kept: sign in again to save it."
        else:
            message += " Anything you had saved is kept."
        messages.info(request, message)
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={quote(request.get_full_path(), safe='/')}")


_UNREAD = object()

# When this session signed in (seconds since the epoch), set on every sign-in.
SIGNED_IN_AT = "caseaudit_signed_in_at"


def stamp_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: remember when this session signed in, so
    'sign out everywhere' can end sessions that started before it."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionCutoffMiddleware:
    """End sessions that signed in before the person last chose 'Sign out everywhere'."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            from .models import SessionCutoff

            signed_in_at = request.session.get(SIGNED_IN_AT, 0)
            # PersonBackend read it with the person; anyone else signed in is looked up.
            cutoff = getattr(request.user, "signed_out_before", _UNREAD)
            if cutoff is _UNREAD:
                cutoff = (
                    SessionCutoff.objects.filter(person_id=request.user.pk).values_list("not_before", flat=True).first()
                )
            if cutoff is not None and signed_in_at <= cutoff.timestamp():
                logout(request)
                messages.info(request, "You have been signed out on every device. Sign in again to carry on.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        return self.get_response(request)


# Set at sign-in with the council's account when the ID token says the provider asked for a second factor
# (caseaudit/accounts/oidc.py): the session counts as through the second step, and CaseAudit does not ask again.
PROVIDER_MFA = "caseaudit_provider_mfa"


def second_step_done(request) -> bool:
    return request.user.is_verified() or bool(request.session.get(PROVIDER_MFA))


def two_factor_exempt(view):
    """Mark a view reachable before the second sign-in step (sign out, keep alive, the step itself)."""
    view.two_factor_exempt = True
    return view


class TwoFactorMiddleware:
    """After LoginRequiredMiddleware: a signed-in person who has an authenticator
    app must enter a code, and one whose role requires it must set one up, before
    any other view runs (the admin included). Public pages stay public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import two_factor

        user = request.user
        if not user.is_authenticated or second_step_done(request):
            return None
        if getattr(view_func, "two_factor_exempt", False) or not getattr(view_func, "login_required", True):
            # The step's own pages must not require the step; a has-app person
            # may not use the set-up page to replace their app without a code.
            if getattr(view_func, "two_factor_setup", False) and two_factor.has_two_factor(user):
                return _to("accounts:otp_verify", request)
            return None
        if two_factor.has_two_factor(user):
            return _to("accounts:otp_verify", request)
        if two_factor.two_factor_required(user):
            return _to("accounts:otp_setup", request)
        return None


def _to(name: str, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
