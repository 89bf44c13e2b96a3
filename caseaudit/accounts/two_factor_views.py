"""The second sign-in step, setting up an authenticator app, recovery codes and the account page."""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import two_factor
from .forms import TwoFactorCodeForm, TwoFactorSetUpForm
from .middleware import second_step_done, two_factor_exempt

# Recovery codes are shown once, on the page after they are made, then forgotten.
_NEW_CODES = "caseaudit_new_recovery_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request, device) -> None:
    django_otp.login(request, device)
    # A new session key once the session holds more rights, as at password sign-in.
    request.session.cycle_key()


@two_factor_exempt
def otp_verify(request):
    person = request.user
    if not two_factor.has_two_factor(person) or second_step_done(request):
        return redirect(_next(request))
    form = TwoFactorCodeForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        _verified(request, form.device)
        if not two_factor.is_app_code(form.cleaned_data["code"]):
            left = two_factor.recovery_codes_left(person)
            messages.info(
                request, f"You used a recovery code. You have {left} left: make new ones from your account page."
            )
        return redirect(_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


def _set_up(view):
    view.two_factor_setup = True
    return two_factor_exempt(view)


@_set_up
def otp_setup(request):
    person = request.user
    device = two_factor.pending_app(person)
    form = TwoFactorSetUpForm(person, device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.refresh_from_db()
        _verified(request, device)
        request.session[_NEW_CODES] = form.recovery_codes
        return redirect(f"{reverse('accounts:recovery_codes')}?{urlencode({'next': _next(request)})}")
    context = {
        "form": form,
        "next": _next(request),
        "required": two_factor.two_factor_required(person),
        "secret": two_factor.secret_for_display(device),
        "uri": device.config_url,
        "qr_svg": two_factor.qr_svg(device),
    }
    return render(request, "accounts/otp_setup.html", context)


def recovery_codes(request):
    person = request.user
    if request.method == "POST":
        if not two_factor.has_two_factor(person):
            raise Http404
        request.session[_NEW_CODES] = two_factor.recovery_codes_issue(person=person)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(_NEW_CODES, None)
    if codes is None:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


def account(request):
    person = request.user
    context = {
        "has_two_factor": two_factor.has_two_factor(person),
        "required": two_factor.two_factor_required(person),
        "codes_left": two_factor.recovery_codes_left(person),
    }
    return render(request, "accounts/account.html", context)


@require_POST
def otp_turn_off(request):
    person = request.user
    if two_factor.two_factor_required(person):
        raise Http404
    two_factor.two_factor_turn_off(person=person)
    messages.success(request, "Two-step verification is off. You sign in with your password only.")
    return redirect("accounts:account")


@require_POST
def sign_out_everywhere(request):
    two_factor.sessions_end_everywhere(person=request.user)
    logout(request)
    messages.info(request, "You have been signed out on every device, including this one.")
    return redirect(settings.LOGIN_URL)
