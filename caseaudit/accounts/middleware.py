"""Sign people out after a period of inactivity (the idle timeout)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_LAST_SEEN = "caseaudit_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                minutes = settings.SESSION_IDLE_SECONDS // 60
                messages.info(
                    request,
                    f"You were signed out because you had not used CaseAudit for {minutes} minutes. "
                    "Anything you had saved is kept.",
                )
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
            request.session[_LAST_SEEN] = now
        return self.get_response(request)
