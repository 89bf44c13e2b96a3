from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES
from caseaudit.web.confirmation import confirm
from caseaudit.web.replica import reads_from_replica

from .. import exports
from ..access import allowed_scope, can_publish, reports_visible_to, require_reader
from ..charts import report_charts
from ..figures import percent
from ..forms import PeriodForm, SummaryForm
from ..models import Report
from ..report import build_report, in_report_order
from ..services import ReportChanged, report_draft, report_figures, report_summary_save
from ..summary import draft_summary
from .grading import GRADING_ROLES


def _export(request, report: dict, summary: str):
    kind = request.GET.get("format")
    if kind == "pdf":
        return exports.pdf(report, summary, report_charts(report))
    if kind == "xlsx":
        return exports.xlsx(report)
    if kind == "csv":
        return exports.csv(report)
    return None


def learning_links(report: dict) -> list[dict]:
    """From a practice area's poor grades, a QA lead opens a learning entry that cites the figures."""
    links = []
    for area, counts in report["sections"].items():
        total = sum(counts.values())
        weak = counts["Requires Improvement"] + counts["Inadequate"]
        if not weak:
            continue  # nothing poor to learn from in this area
        findings = (
            f"{area}, {report['period']['label']}: {percent(weak, total)}% Requires Improvement or Inadequate "
            f"({weak} of {total} judgements; {counts['Inadequate']} Inadequate)"
        )
        links.append(
            {
                "area": area,
                "findings": findings,
                "url": reverse("learning:new") + "?" + urlencode({"area": area, "findings": findings}),
            }
        )
    return links


def download_query(kind: str, period, area, team) -> str:
    """The query of the period and scope the page shows, for its download links: a first visit's form holds
    no period at all (the links once led to "This field is required"), and the page's scope may be narrower
    than what was asked (a person's own area)."""
    data: dict[str, object] = {"kind": kind}
    if kind == "custom":
        data |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    else:
        data["day"] = period.start.isoformat()
    if area is not None:
        data["service_area"] = area.pk
    if team is not None:
        data["team"] = team.pk
    return urlencode(data)


@reads_from_replica
def index(request):
    """A report for any period, computed from the records as it is asked for."""
    require_reader(request.user)
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    if request.GET and not form.is_valid():
        return render(request, "reporting/report.html", {"form": form, "report": None})
    if not form.is_bound:
        # First visit: the current financial quarter, whole council (or the person's own area).
        form = PeriodForm({"kind": "quarter"})
        form.is_valid()
    period = form.period(today)
    area, team = allowed_scope(request.user, form.cleaned_data.get("service_area"), form.cleaned_data.get("team"))
    report = build_report(period, service_area=area, team=team)
    summary = draft_summary(report)
    return _export(request, report, summary) or render(
        request,
        "reporting/report.html",
        {
            "form": form,
            "report": report,
            "summary": summary,
            "charts": report_charts(report),
            "tables": exports.report_tables(report),
            "can_publish": can_publish(request.user),
            "can_see_grading": request.user.has_role(*GRADING_ROLES),
            # The evidence packs' readers (caseaudit/evidence/access.py): everyone here but team managers.
            "can_see_packs": request.user.has_role(*COUNCIL_WIDE_ROLES, *SERVICE_AREA_ROLES),
            "learning_links": learning_links(report) if can_publish(request.user) else [],
            "query": download_query(form.cleaned_data.get("kind") or "quarter", period, area, team),
        },
    )


@login_not_required
def definitions(request):
    """How every figure is counted: public, like the help page (it holds no records, only the rules)."""
    from django.conf import settings

    return render(request, "reporting/definitions.html", {"threshold": settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD})


@require_POST
def prepare(request):
    """Start a report for publishing: the period and scope, with a drafted summary to edit."""
    require_reader(request.user)
    if not can_publish(request.user):
        raise Http404
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a period before preparing a report")
        return redirect("reporting:index")
    period = form.period(timezone.localdate())
    area, team = form.cleaned_data.get("service_area"), form.cleaned_data.get("team")
    draft = report_draft(period=period, service_area=area, team=team, by=request.user)
    return redirect("reporting:published_show", pk=draft.pk)


def published_index(request):
    require_reader(request.user)
    return render(request, "reporting/published_index.html", {"reports": reports_visible_to(request.user)[:100]})


def _report_for(request, pk: int) -> Report:
    require_reader(request.user)
    report = get_object_or_404(Report.objects.select_related("service_area", "team"), pk=pk)
    if not report.is_published and not can_publish(request.user):
        raise Http404
    area, team = allowed_scope(request.user, report.service_area, report.team)
    if (area, team) != (report.service_area, report.team):
        raise Http404  # a report over more than the person oversees
    return report


def published_show(request, pk: int):
    saved = _report_for(request, pk)
    if saved.is_published:
        report = in_report_order(saved.snapshot)
    else:
        report = report_figures(saved)
    form = None
    if not saved.is_published:
        form = SummaryForm(request.POST or None, initial={"summary": saved.summary, "version": saved.version})
        if request.method == "POST" and form.is_valid():
            try:
                locked = report_summary_save(
                    report_id=saved.pk,
                    summary=form.cleaned_data["summary"],
                    expected_version=form.cleaned_data["version"],
                    publish="publish" in request.POST,
                    by=request.user,
                )
            except ReportChanged:
                form.add_error(
                    None,
                    "Someone else changed this report while you were editing it. Your text is below; reload to see theirs.",
                )
            else:
                if locked.is_published:
                    confirm(
                        request,
                        "Report published",
                        "Its figures are frozen as they are now: later changes to records do not alter it. "
                        "Everyone who reads reports for its scope can open it under Published reports.",
                    )
                else:
                    messages.success(request, "Summary saved")
                return redirect("reporting:published_show", pk=saved.pk)
    summary = saved.summary
    return _export(request, report, summary) or render(
        request,
        "reporting/published_show.html",
        {
            "saved": saved,
            "report": report,
            "summary": summary,
            "form": form,
            "charts": report_charts(report),
            "tables": exports.report_tables(report),
        },
    )
