"""The families' written answers in a report's period, and the quotes the QA team picks from them for the
Director's report (issue 31, point 5). QA administrators only: everyone else gets 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseaudit.web.forms import GovukForm

from ..access import allowed_scope, can_publish, require_reader
from ..figures import Scope
from ..forms import PeriodForm
from ..models import FamilyQuote
from ..quotes import MAX_QUOTE_CHARS, QuoteError, quote_pick, quote_remove, written_answer, written_answers_in
from .reports import download_query

PERIOD_KEYS = ("kind", "day", "start", "end", "service_area", "team")


class QuoteForm(GovukForm):
    text = forms.CharField(
        label="Words to quote",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names are removed for you. You can shorten the answer, marking a gap with ..., but not change words.",
        max_length=MAX_QUOTE_CHARS * 5,
        error_messages={"required": "Enter the words to quote"},
    )
    source = forms.CharField(widget=forms.HiddenInput, max_length=20)
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)


def _qa_only(request) -> None:
    require_reader(request.user)
    if not can_publish(request.user):
        raise Http404("No such page")


def _back_url(back: str) -> str:
    """The answers page of the period the QA administrator came from: only the period's own keys are kept."""
    kept = {key: value for key, value in QueryDict(back).items() if key in PERIOD_KEYS}
    return reverse("reporting:feedback_answers") + (f"?{urlencode(kept)}" if kept else "")


def feedback_answers(request):
    """Every written answer to the invitations a report over the period and scope counts, names removed."""
    _qa_only(request)
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reporting/feedback_answers.html", {"form": form, "answers": None})
    if not form.is_bound:
        form = PeriodForm({"kind": "quarter"})
        form.is_valid()
    period = form.period(timezone.localdate())
    area, team = allowed_scope(request.user, form.cleaned_data.get("service_area"), form.cleaned_data.get("team"))
    query = download_query(form.cleaned_data.get("kind") or "quarter", period, area, team)
    answers = written_answers_in(Scope(period.start, period.end, area.pk if area else None, team.pk if team else None))
    return render(
        request,
        "reporting/feedback_answers.html",
        {
            "form": form,
            "period": period,
            "scope": team or area or "Whole council",
            "answers": answers,
            "query": query,
        },
    )


@require_POST
def quote_new(request, pk: int):
    """Pick a written answer (or part of it) as a quote for the report of its period."""
    _qa_only(request)
    form = QuoteForm(request.POST)
    source = request.POST.get("source", "")
    answer = written_answer(response_id=pk, source=source if isinstance(source, str) else "")
    if answer is None:
        raise Http404("No such answer")
    if form.is_valid():
        try:
            quote_pick(response_id=pk, source=answer.source, text=form.cleaned_data["text"], by=request.user)
        except QuoteError as refused:
            form.add_error("text", refused.message)
        else:
            messages.success(request, "Quote picked: it is in the report for its period, names removed")
            return redirect(_back_url(form.cleaned_data.get("back") or ""))
    return render(request, "reporting/quote_new.html", {"form": form, "answer": answer})


@require_POST
def quote_delete(request, pk: int):
    _qa_only(request)
    if not FamilyQuote.objects.filter(pk=pk).exists():
        raise Http404("No such quote")
    quote_remove(quote_id=pk, by=request.user)
    messages.success(request, "Quote removed from the report")
    back = request.POST.get("back", "")
    return redirect(_back_url(back if isinstance(back, str) else ""))
