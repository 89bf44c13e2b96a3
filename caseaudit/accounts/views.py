import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
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


sign_in = SignInView.as_view()
# Reachable before the second sign-in step: someone without their phone must be able to leave.
sign_out = two_factor_exempt(auth_views.LogoutView.as_view())


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
    shown = [(key.replace("_", " ").replace("-", " ").capitalize(), value) for key, value in fields if len(value) > 2]
    return render(request, "accounts/held_form.html", {"held": held, "fields": fields, "shown": shown})
