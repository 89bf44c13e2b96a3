import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from .forms import SignInForm
from .middleware import touch, two_factor_exempt


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = settings.CASEAUDIT_SSO
        context["account_name"] = settings.CASEAUDIT_OIDC_ACCOUNT_NAME
        context["local_passwords"] = settings.CASEAUDIT_LOCAL_PASSWORDS
        return context


sign_in = SignInView.as_view()


class SignOutView(auth_views.LogoutView):
    """Ends CaseAudit's session and, for someone who signed in with the council's account at a provider that
    offers it, the provider's too: the browser goes on to its end_session_endpoint, which sends it back to
    the signed-out page."""

    def post(self, request, *args, **kwargs):
        from .oidc import provider_sign_out_url

        at_provider = provider_sign_out_url(request)  # read before the session (and its ID token) is ended
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


# Reachable before the second sign-in step: someone without their phone must be able to leave.
sign_out = two_factor_exempt(SignOutView.as_view())


@login_not_required
def signed_out(request):
    """Where the timeout warning sends someone whose time ran out."""
    timed_out = request.GET.get("timeout") == "1" and request.user.is_authenticated
    logout(request)
    if timed_out:
        messages.info(request, "You were signed out because you had not used CaseAudit for a while.")
    return render(request, "accounts/signed_out.html", {"timed_out": timed_out})


@two_factor_exempt
@require_POST
def keep_alive(request):
    """'Stay signed in': renew the session now (the idle middleware writes at most once a minute)."""
    touch(request.session, int(time.time()))
    return HttpResponse(status=204)


def held_form(request, pk: int):
    """What the person typed before their session ended, sent on to the page it came from when they press
    Save (that page's own view checks and saves it). Shown once: the held copy is deleted now."""
    from .held import take

    held = take(request, pk)
    if held is None:
        raise Http404
    fields = [(key, value) for key, values in held.data.items() for value in values]
    return render(request, "accounts/held_form.html", {"held": held, "fields": fields, "shown": _shown(fields)})


def _shown(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The typed text among a form's fields, for the person to read (buttons, versions and ticks left out)."""
    return [(key.replace("_", " ").replace("-", " ").capitalize(), value) for key, value in fields if len(value) > 2]


def _same_origin(request) -> bool:
    """The browser says the form came from one of our own pages (browsers send Origin with every POST)."""
    origin = request.META.get("HTTP_ORIGIN", "")
    return bool(origin) and origin == f"{request.scheme}://{request.get_host()}"


@login_not_required
def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a GOV.UK page in plain words, not Django's bare 403 (issue 44, point 9).

    The usual cause is a page opened before signing in again in another tab (the token changes at sign-in).
    For someone signed in, posting from one of our own pages, what they typed is shown back with a fresh
    token for them to check and send again; their page's own view then checks it as before. A post from
    another site gets no such offer: nothing of it is shown back.
    """
    fields: list[tuple[str, str]] = []
    if request.user.is_authenticated and _same_origin(request):
        fields = [
            (key, value) for key, values in request.POST.lists() if key != "csrfmiddlewaretoken" for value in values
        ]
    context = {"fields": fields, "shown": _shown(fields), "action": request.path}
    return render(request, "accounts/csrf_failure.html", context, status=403)
