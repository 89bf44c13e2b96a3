from django.shortcuts import render
from django.utils import timezone

from caseaudit.web.exports import csv_response, xlsx_response
from caseaudit.web.replica import reads_from_replica

from ..access import plans_visible_to
from ..forms import DashboardFilterForm
from ..selectors import DASHBOARD_STAGES, StageKind, dashboard_rows, export_table


@reads_from_replica
def index(request):
    """The monitoring spreadsheet's replacement: every open plan, each stage's deadline, red/amber/green."""
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
    rows = dashboard_rows(plans, today, stage=stage)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        header, table = export_table(rows)
        name = f"improvement-plans-{today:%Y-%m-%d}"
        if export == "csv":
            return csv_response(name, header, table)
        return xlsx_response(name, [("Open plans", header, table)])
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "improvement/dashboard.html",
        {
            "form": form,
            "rows": rows,
            "stages": [StageKind(k) for k in DASHBOARD_STAGES],
            "today": today,
            "query": query.urlencode(),
        },
    )
