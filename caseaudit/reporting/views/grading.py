"""Grading consistency (issue 32): how far auditors' grades agree with the moderators', for any period, and each
auditor's record of moderation. Auditors are named, so only QA administrators and practice leads (held to their
own service area) see it; everyone else gets "Page not found"."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from caseaudit.organisation.roles import Role

from ..access import allowed_scope
from ..calibration import auditor_moderation, calibration_figures
from ..figures import Scope
from ..forms import PeriodForm

GRADING_ROLES = (Role.QA_ADMIN, Role.PRACTICE_LEAD)


@require_GET
def grading(request):
    if not request.user.has_role(*GRADING_ROLES):
        raise Http404("No such page")
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reporting/grading.html", {"form": form})
    if not form.is_bound:
        form = PeriodForm({"kind": "year"})  # first visit: this financial year, whole council (or their area)
        form.is_valid()
    period = form.period(timezone.localdate())
    area, team = allowed_scope(request.user, form.cleaned_data.get("service_area"), form.cleaned_data.get("team"))
    scope = Scope(period.start, period.end, area.pk if area else None, team.pk if team else None)
    calibration = calibration_figures(scope)
    both = calibration["auditor_vs_moderator"]
    return render(
        request,
        "reporting/grading.html",
        {
            "form": form,
            "period": period,
            "scope_label": str(team or area or "Whole council"),
            "calibration": calibration,
            "areas": [(title, both["practice_areas"][title]) for title in both["practice_area_order"]],
            "auditors": auditor_moderation(scope),
        },
    )
