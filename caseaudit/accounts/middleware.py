"""Sign people out after inactivity (idle limit) and after a working day (absolute limit)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_LAST_SEEN = "caseaudit_last_seen"
_STARTED = "caseaudit_started"


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
                    request,
                    f"You were signed out because you had not used CaseAudit for {minutes} minutes. "
                    "Anything you had saved is kept.",
                )
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                return self._sign_out(
                    request, "For your security, please sign in again: you have been signed in for a long time."
                )
            session[_LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
