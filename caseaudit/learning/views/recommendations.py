from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caseaudit.organisation.roles import Role

from ..access import (
    RECOMMENDATION_READERS,
    require_follow_up_writer,
    require_learning_editor,
    require_recommendation_reader,
)
from ..forms import FollowUpForm, RecommendationForm, SourceForm
from ..impact import learning_impact
from ..models import Recommendation, RecommendationSource
from ..selectors import recommendations_for_list, source_results, sources_with_results
from ..services import LearningRuleError, follow_up_record, recommendation_add, recommendation_source_create


def _visible(person):
    recommendations = Recommendation.objects.all()
    if person.has_role(*RECOMMENDATION_READERS):
        return recommendations
    return recommendations.filter(owner=person)


def index(request):
    require_recommendation_reader(request.user)
    visible_sources = _visible(request.user).values("source_id")
    sources = (
        RecommendationSource.objects.filter(pk__in=visible_sources)
        if not request.user.has_role(*RECOMMENDATION_READERS)
        else RecommendationSource.objects.all()
    )
    rows = [{"source": s, **results} for s, results in sources_with_results(sources)]
    return render(request, "learning/sources.html", {"rows": rows, "can_edit": request.user.has_role(Role.QA_ADMIN)})


def source_show(request, pk: int):
    require_recommendation_reader(request.user)
    source = get_object_or_404(RecommendationSource, pk=pk)
    recommendations = recommendations_for_list(source).filter(pk__in=_visible(request.user).values("pk"))
    if not recommendations.exists() and not request.user.has_role(*RECOMMENDATION_READERS):
        raise Http404
    return render(
        request,
        "learning/source_show.html",
        {
            "source": source,
            "results": source_results(source),
            "recommendations": recommendations,
            "today": timezone.localdate(),
            "can_edit": request.user.has_role(Role.QA_ADMIN),
            "can_follow_up": request.user.has_role(Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR),
        },
    )


def recommendation_show(request, pk: int):
    require_recommendation_reader(request.user)
    recommendation = get_object_or_404(_visible(request.user).select_related("source", "owner"), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "learning/recommendation_show.html",
        {
            "recommendation": recommendation,
            "history": recommendation.follow_ups.select_related("recorded_by"),
            "today": today,
            "impact": learning_impact(recommendation.practice_areas, recommendation.raised_on, today),
            "can_follow_up": request.user.has_role(Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR),
        },
    )


def follow_up_new(request, pk: int):
    require_follow_up_writer(request.user)
    recommendation = get_object_or_404(Recommendation.objects.select_related("source"), pk=pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_record(recommendation_id=recommendation.pk, by=request.user, **form.cleaned_data)
        except LearningRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, "Follow-up recorded")
            return redirect("learning:source_show", pk=recommendation.source_id)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Record a follow-up",
            "caption": str(recommendation.source),
            "intro": recommendation.agreed_action,
            "submit_label": "Record follow-up",
            "back_url": reverse("learning:recommendation_show", args=[recommendation.pk]),
        },
    )


def source_new(request):
    require_learning_editor(request.user)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = recommendation_source_create(**form.cleaned_data)
        return redirect("learning:source_show", pk=source.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Add a report with recommendations",
            "submit_label": "Save",
            "back_url": reverse("learning:recommendations"),
        },
    )


def recommendation_new(request, pk: int):
    require_learning_editor(request.user)
    source = get_object_or_404(RecommendationSource, pk=pk)
    form = RecommendationForm(request.POST or None, initial={"raised_on": source.reported_on})
    if request.method == "POST" and form.is_valid():
        recommendation_add(source=source, **form.cleaned_data)
        messages.success(request, "Recommendation added")
        return redirect("learning:source_show", pk=source.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Add a recommendation",
            "caption": str(source),
            "submit_label": "Save",
            "back_url": reverse("learning:source_show", args=[source.pk]),
        },
    )
