"""The family's pages: no account, no JavaScript, nothing about the child or the case (decision 0098)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .. import ratelimit
from ..errors import FamilyRuleError, LinkError, LinkExpired, LinkRevoked, LinkSpent, LinkUnknown
from ..forms import AnswerForm
from ..services import invitation_for_token, response_submit

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


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.is_blocked(request):
        return _page(request, "family/too_many.html", {}, status=429)
    try:
        invitation = invitation_for_token(token)
    except LinkError as problem:
        if isinstance(problem, LinkUnknown):
            ratelimit.record_wrong_guess(request)
        return _problem(request, problem)
    # Bound on every POST: every question is optional, so an empty form is an answer too.
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=list(invitation.questionnaire_version.questions.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(raw_token=token, sent=form.answers())
        except LinkError as problem:
            return _problem(request, problem)
        except FamilyRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            return redirect("family:thanks")
    return _page(request, "family/answer.html", {"form": form})


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
