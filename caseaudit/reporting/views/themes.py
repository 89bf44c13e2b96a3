"""Themes in what auditors wrote (issue 35, point 2), for any period: the strengths and worries that recur in each
practice area, with counts and examples with names removed. QA administrators name and merge them; practice
leads read them for their area. The evidence pack shows them as named here."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseaudit.organisation.roles import Role

from ..access import allowed_scope
from ..figures import Scope
from ..forms import PeriodForm, ThemeNameForm
from ..theme_names import named, theme_name_save, themes_found
from .grading import GRADING_ROLES


def themes(request):
    if not request.user.has_role(*GRADING_ROLES):
        raise Http404("No such page")
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reporting/themes.html", {"form": form})
    if not form.is_bound:
        form = PeriodForm({"kind": "year"})  # first visit: this financial year
        form.is_valid()
    period = form.period(timezone.localdate())
    area, team = allowed_scope(request.user, form.cleaned_data.get("service_area"), form.cleaned_data.get("team"))
    found = named(themes_found(Scope(period.start, period.end, area.pk if area else None, team.pk if team else None)))
    groups: dict[tuple[str, str], list[dict]] = {}
    for theme in found:
        groups.setdefault((theme["area"], theme["polarity"]), []).append(theme)
    return render(
        request,
        "reporting/themes.html",
        {
            "form": form,
            "period": period,
            "scope_label": str(team or area or "Whole council"),
            "groups": [(area_name, side, group) for (area_name, side), group in groups.items()],
            "may_name": request.user.has_role(Role.QA_ADMIN),
            "back": request.GET.urlencode(),
        },
    )


@require_POST
def theme_name(request):
    if not request.user.has_role(Role.QA_ADMIN):
        raise Http404("No such page")
    form = ThemeNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A theme's name must be 100 characters or fewer")
    else:
        data = form.cleaned_data
        theme_name_save(key=data["key"], label=data["label"], merged_into=data["merged_into"], by=request.user)
        messages.success(request, "Theme saved: the report's themes and evidence packs show it so")
    # Back to the same period: the page's own query, read as pairs and written again (nothing else gets through).
    query = urlencode(parse_qsl(request.POST.get("back", ""))[:20])
    return redirect(reverse("reporting:themes") + (f"?{query}" if query else ""))
