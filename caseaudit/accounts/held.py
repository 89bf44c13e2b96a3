"""Typing kept across a session that ended: a form sent after the idle or absolute limit is held against
the person who was signed in, and offered back to them (and only them) after they sign in again.

Without JavaScript (or when the timeout warning was missed) an auditor who wrote for longer than the idle
limit used to press Save, be sent to sign in, and come back to an empty form (issue 37, point 4). Now:
1. SessionTimeoutMiddleware, ending the session on a POST, calls `hold()` first: if the request's CSRF
   token is good (so the typing really came from this person's page), its fields are stored in a HeldForm.
2. At sign-in (`remember_held`), the person's held forms are noted in the new session (one query).
3. `HeldFormMiddleware` sends that person's next visit to the page to `accounts:held_form`, which shows
   what was typed and sends it on to the page's own view with a fresh token: the view then validates and
   saves it as it would have, edit conflicts included. The held row is deleted as it is shown.
"""

from __future__ import annotations

import datetime

from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import HeldForm

# Session key: {path: held form id} for the signed-in person's held typing.
HELD = "caseaudit_held_forms"
HELD_FORM_HOURS = 24
# Never held, nor sent back: the old token (a fresh one is sent).
NOT_HELD = {"csrfmiddlewaretoken"}
# Pages whose forms carry secrets (passwords, two-step codes, new API tokens) or only settings: never held.
NOT_HELD_PATHS = ("/admin/", "/account/")


def _csrf_ok(request) -> bool:
    """Django's own CSRF check, run early: the session middleware answers before any view would."""

    def view(request):  # a plain view: CsrfViewMiddleware checks it as it would the page's own
        return None

    return CsrfViewMiddleware(lambda r: None).process_view(request, view, (), {}) is None


def hold(request) -> HeldForm | None:
    """Keep what this POST carried for the signed-in person, before their session is ended."""
    if request.method != "POST" or not request.user.is_authenticated or request.path.startswith(NOT_HELD_PATHS):
        return None
    if not _csrf_ok(request):
        return None
    data = {
        key: values for key, values in request.POST.lists() if key not in NOT_HELD and "password" not in key.lower()
    }
    if not any(value.strip() for values in data.values() for value in values):
        return None
    now = timezone.now()
    HeldForm.objects.filter(expires_at__lt=now).delete()
    return HeldForm.objects.create(
        person=request.user,
        path=request.get_full_path()[:2000],
        data=data,
        held_at=now,
        expires_at=now + datetime.timedelta(hours=HELD_FORM_HOURS),
    )


def remember_held(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: note this person's held typing in their new session."""
    if request is None or not hasattr(request, "session"):
        return
    held = HeldForm.objects.filter(person=user, expires_at__gte=timezone.now()).values_list("path", "pk")
    if held:
        request.session[HELD] = dict(held)


class HeldFormMiddleware:
    """After two-step verification: the first visit to a page whose typing is held goes to the held page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "GET" or not request.user.is_authenticated:
            return None
        held = request.session.get(HELD)
        if not held or request.get_full_path() not in held:
            return None
        return redirect(reverse("accounts:held_form", args=[held[request.get_full_path()]]))


def take(request, pk: int) -> HeldForm | None:
    """The person's own held typing, removed from the store and the session as it is shown to them."""
    held = request.session.get(HELD, {})
    request.session[HELD] = {path: n for path, n in held.items() if n != pk}
    found = HeldForm.objects.filter(pk=pk, person=request.user, expires_at__gte=timezone.now()).first()
    if found is not None:
        HeldForm.objects.filter(pk=found.pk).delete()
    return found
