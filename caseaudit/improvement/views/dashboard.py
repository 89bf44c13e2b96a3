from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from caseaudit.web.exports import csv_response, xlsx_response
from caseaudit.web.replica import reads_from_replica

from ..access import plans_visible_to
from ..forms import DashboardFilterForm
from ..panels import panels_for
from ..selectors import DASHBOARD_STAGES, StageKind, dashboard_plans, dashboard_rows, dashboard_rows_of, export_table

PAGE_SIZE = 50


@reads_from_replica
def index(request):
    """The monitoring spreadsheet's replacement: every open plan (50 a page), each stage's deadline, red/amber/green."""
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET)
    plans = plans_visible_to(request.user)
    stage = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["service_area"]:
            plans = plans.filter(team__service_area=data["service_area"])
        if data["team"]:
            plans = plans.filter(team=data["team"])
        if data["manager"]:
            plans = plans.filter(team__manager=data["manager"])
        stage = data["stage"]
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        # A download holds every matching plan, not one page.
        header, table = export_table(dashboard_rows(plans, today, stage=stage))
        name = f"improvement-plans-{today:%Y-%m-%d}"
        if export == "csv":
            return csv_response(name, header, table)
        return xlsx_response(name, [("Open plans", header, table)])
    # One page of plans at a time: only that page's stages and actions are read and drawn.
    page = Paginator(dashboard_plans(plans, stage), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return render(
        request,
        "improvement/dashboard.html",
        {
            "form": form,
            "page": page,
            "rows": dashboard_rows_of(page.object_list, today),
            "stages": [StageKind(k) for k in DASHBOARD_STAGES],
            "today": today,
            "query": query.urlencode(),
            "panels": panels_for(request.user, today),
        },
    )
