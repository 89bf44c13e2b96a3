import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import get_child_for_data_protection
from ..exports import subject_access_pdf
from ..forms import HistoryFilterForm, SubjectAccessForm
from ..selectors import child_history
from ..services import subject_access_log
from ..subject_access import child_subject_access

PAGE_SIZE = 50


@require_GET
def subject_access(request, pk: int):
    """The options page; submitting it (a GET, since it changes nothing but the log) downloads the export."""
    child = get_child_for_data_protection(request.user, pk)
    form = SubjectAccessForm(request.GET if "format" in request.GET else None)
    if not form.is_valid():
        return render(request, "dataprotection/subject_access.html", {"child": child, "form": form})
    export_format, redact = form.cleaned_data["format"], form.cleaned_data["redact_staff"]
    data = child_subject_access(child=child, redact_staff=redact, requested_by=request.user)
    subject_access_log(child=child, by=request.user, export_format=export_format, redacted=redact)
    filename = f"subject-access-{child.case_id}{'-redacted' if redact else ''}"
    if export_format == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    else:
        response = HttpResponse(subject_access_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def history(request, pk: int):
    child = get_child_for_data_protection(request.user, pk)
    form = HistoryFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound and not form.is_valid():
        entries = None  # the errors are shown; listing everything instead would hide the mistake
    else:
        filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound else {}
        entries = child_history(child=child, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")) if entries is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dataprotection/history.html",
        {"child": child, "form": form, "page": page, "query": query.urlencode()},
    )
