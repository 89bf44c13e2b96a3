"""The family's pages: no account, no JavaScript, nothing about the child or the case (decision 0098)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from caseaudit.web.dates import long_date

from .. import ratelimit
from ..errors import FamilyRuleError, LinkError, LinkExpired, LinkRevoked, LinkSpent, LinkUnknown
from ..forms import AnswerForm, draft_initial
from ..models import Invitation
from ..services import draft_save, invitation_for_token, response_submit

PROBLEMS: dict[type[LinkError], tuple[str, str, int]] = {
    LinkExpired: ("This link has expired", "The link only worked for a few weeks, and that time has passed.", 410),
    LinkSpent: ("These questions have already been answered", "Each link can only be used once.", 410),
    LinkRevoked: ("This link has been cancelled", "The person who sent it has cancelled it.", 410),
    LinkUnknown: ("This link does not work", "Check that you copied all of it, or typed it correctly.", 404),
}


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"council_name": settings.COUNCIL_NAME, "contact": settings.CASEAUDIT_FAMILY_CONTACT, **context}
    return render(request, template, context, status=status)


def _problem(request: HttpRequest, problem: LinkError) -> HttpResponse:
    title, reason, status = PROBLEMS[type(problem)]
    return _page(request, "family/link_problem.html", {"title": title, "reason": reason}, status)


def _invitation(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """The link's invitation, or the page that says why not (guessing is rate-limited)."""
    if ratelimit.is_blocked(request):
        return _page(request, "family/too_many.html", {}, status=429)
    try:
        return invitation_for_token(token)
    except LinkError as problem:
        if isinstance(problem, LinkUnknown):
            ratelimit.record_wrong_guess(request)
        return _problem(request, problem)


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    if request.method == "GET" and "saved" in request.GET:
        return _saved(request, invitation, token)
    # Bound on every POST: every question is optional, so an empty form is an answer too. A link that still works
    # shows the answers saved for later, if any (an expired, cancelled or spent one never gets this far).
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=list(invitation.questionnaire_version.questions.all()),
        draft=invitation.draft,
    )
    if request.method == "POST" and form.is_valid():
        saving = request.POST.get("action") == "save"
        try:
            if saving:
                draft_save(raw_token=token, sent=form.answers())
            else:
                response_submit(raw_token=token, sent=form.answers())
        except LinkError as problem:
            return _problem(request, problem)
        except FamilyRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            if saving:
                # The link's own address (no route of its own), so it shows only while the link still works.
                return redirect(f"{reverse('family:answer', kwargs={'token': token})}?saved")
            return redirect("family:thanks")
    return _page(request, "family/answer.html", {"form": form, "has_draft": bool(draft_initial(invitation.draft))})


def _saved(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    """After "Save and come back later": until when the same link works."""
    expires = timezone.localtime(invitation.expires_at)
    until = (
        f"{expires.hour % 12 or 12}:{expires:%M}{'am' if expires.hour < 12 else 'pm'} on {long_date(expires.date())}"
    )
    return _page(request, "family/saved.html", {"token": token, "until": until})


@login_not_required
def thanks(request: HttpRequest) -> HttpResponse:
    return _page(request, "family/thanks.html", {})


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """The short link on a printed letter: the person types the code from their letter."""
    code = "".join(request.GET.get("code", "").split())
    if code:
        return redirect("family:answer", token=code)
    return _page(request, "family/start.html", {})
