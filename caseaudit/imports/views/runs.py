from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caseaudit.web.confirmation import confirm
from caseaudit.web.exports import csv_response, xlsx_response

from ..access import require_import_admin
from ..forms import AuditImportForm, CaseImportForm
from ..models import ImportKind, ImportRun, RunStatus
from ..profiles import ensure_builtin_profiles
from ..readers import ImportFileError
from ..selectors import deviation_counts, recent_runs
from ..services import runs
from ..services.historic import template_headers
from ..tables import ImportResult

SHOWN_PROBLEMS = 500


def index(request):
    require_import_admin(request.user)
    runs.fail_stale()  # a run whose process died is shown failed, not "Importing" for ever
    return render(request, "imports/index.html", {"runs": recent_runs(), "deviations": deviation_counts()})


def _upload(request, kind: str, form_class, title: str, intro: str):
    require_import_admin(request.user)
    if kind == ImportKind.CASES:
        ensure_builtin_profiles()
    # Bound on every POST: an empty POST (no file chosen) must show the error, not a fresh form.
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.start(
                kind=kind,
                upload=form.cleaned_data["file"],
                actor=request.user,
                profile=form.cleaned_data.get("profile"),
                open_plans=form.cleaned_data.get("open_plans", False),
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:run_show", pk=run.pk)
    context = {
        "form": form,
        "title": title,
        "intro": intro,
        "submit_label": "Check the file",
        "multipart": True,
        "back_url": reverse("imports:index"),
        "kind": kind,
    }
    return render(request, "imports/upload.html", context)


def cases_new(request):
    return _upload(
        request,
        ImportKind.CASES,
        CaseImportForm,
        "Import a case extract",
        "Children with their team, allocated worker, legal status and open and closed dates, from your case "
        "management system's report. Dates may be 2025-03-31 or 31/03/2025.",
    )


def audits_new(request):
    return _upload(
        request,
        ImportKind.AUDITS,
        AuditImportForm,
        "Import historic audits",
        "Audits recorded before CaseAudit, one row per audit. They are imported as finalised and count in every "
        "report.",
    )


def audits_template(request):
    require_import_admin(request.user)
    headers = template_headers()
    example = {
        "audit_ref": "2023-0001",
        "child_id": "LCS123456",
        "service_area": "Safeguarding",
        "team": "Assessment Team 1",
        "audit_date": "31/03/2023",
        "audit_kind": "case file",
        "overall_grade": "Requires Improvement",
        "activities": "2",
        "auditor": "",
    }
    rows = [[example.get(h, "") for h in headers]]
    if request.GET.get("format") == "xlsx":
        return xlsx_response("historic-audits-template", [("Audits", headers, rows)])
    return csv_response("historic-audits-template", headers, rows)


def run_show(request, pk: int):
    require_import_admin(request.user)
    runs.fail_stale()
    run = get_object_or_404(ImportRun.objects.select_related("created_by", "profile"), pk=pk)
    result = ImportResult.from_dict(run.result) if run.result else None
    counts = [
        (action, count, result.changes.get(action, [])[:8])
        for action, count in sorted((run.result.get("counts", {}) if run.result else {}).items())
    ]
    return render(
        request,
        "imports/run_show.html",
        {
            "run": run,
            "result": result,
            "counts": counts,
            "errors": result.errors[:SHOWN_PROBLEMS] if result else [],
            "error_count": run.result.get("error_count", 0) if run.result else 0,
            "more_errors": max(0, run.result.get("error_count", 0) - SHOWN_PROBLEMS) if run.result else 0,
            "can_commit": run.status == RunStatus.CHECKED,
            "can_cancel": run.status in (RunStatus.CHECKED, RunStatus.REJECTED),
        },
    )


@require_POST
def run_commit(request, pk: int):
    require_import_admin(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        run = runs.commit(run_id=run.pk, actor=request.user)
    except runs.RunStateError as exc:
        messages.error(request, str(exc))
        return redirect("imports:run_show", pk=pk)
    if run.status == RunStatus.COMMITTED:
        confirm(
            request,
            "Import complete",
            "The changes are in CaseAudit and reconciliation has run: any differences with open improvement plans "
            "are listed under Reconciliation.",
        )
    return redirect("imports:run_show", pk=pk)


@require_POST
def run_cancel(request, pk: int):
    require_import_admin(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        run = runs.cancel(run_id=run.pk)
    except runs.RunStateError as exc:
        messages.error(request, str(exc))
        return redirect("imports:run_show", pk=pk)
    if run.status == RunStatus.FAILED:
        messages.success(
            request, "This import had already stopped: nothing was written and the uploaded file was deleted"
        )
    else:
        messages.success(request, "Import cancelled: nothing was written and the uploaded file was deleted")
    return redirect("imports:index")


def run_problems(request, pk: int):
    """Every problem the dry run found, for fixing the file in a spreadsheet."""
    require_import_admin(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    result = ImportResult.from_dict(run.result) if run.result else None
    rows = [[e.line, e.column, e.reason] for e in (result.errors if result else [])]
    rows += [[w.line, w.column, f"Warning: {w.reason}"] for w in (result.warnings if result else [])]
    return csv_response(f"import-{run.pk}-problems", ["Line", "Column", "Problem"], rows)
