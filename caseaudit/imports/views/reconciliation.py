from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..access import require_import_admin
from ..forms import DeviationForm
from ..models import Deviation, DeviationKind, DeviationStatus, ImportKind, ImportRun, RunStatus
from ..selectors import deviation_counts, deviation_list
from ..services.reconcile import DeviationError, deviation_acknowledge, deviation_escalate, reconcile

PAGE_SIZE = 50


def index(request):
    require_import_admin(request.user)
    status = request.GET.get("status", DeviationStatus.OPEN)
    status = status if status in DeviationStatus.values or status == "all" else DeviationStatus.OPEN
    kind = request.GET.get("kind", "")
    kind = kind if kind in DeviationKind.values else ""
    deviations = deviation_list("" if status == "all" else status, kind)
    page = Paginator(deviations, PAGE_SIZE).get_page(request.GET.get("page"))
    latest = (
        ImportRun.objects.filter(kind=ImportKind.CASES, status=RunStatus.COMMITTED).order_by("-committed_at").first()
    )
    return render(
        request,
        "imports/deviations.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": DeviationStatus.choices,
            "kinds": DeviationKind.choices,
            "counts": deviation_counts(),
            "latest_extract": latest,
            "query": f"status={status}&kind={kind}",
        },
    )


@require_POST
def run_now(request):
    require_import_admin(request.user)
    run = reconcile()
    messages.success(request, f"Reconciliation finished: {run.found} differences found, {run.new} new")
    return redirect("imports:deviation_index")


def show(request, pk: int):
    require_import_admin(request.user)
    deviation = get_object_or_404(
        Deviation.objects.select_related("child", "plan__team", "plan__responsible", "stage", "handled_by"), pk=pk
    )
    form = DeviationForm(request.POST or None) if deviation.status in (DeviationStatus.OPEN,) else None
    if request.method == "POST" and form is not None and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["action"] == "escalate":
                _, told = deviation_escalate(deviation_id=deviation.pk, by=request.user, note=note)
                names = ", ".join(p.full_name for p in told) or "nobody (no manager in line)"
                messages.success(request, f"Difference escalated: {names} told by email")
            else:
                deviation_acknowledge(deviation_id=deviation.pk, by=request.user, note=note)
                messages.success(request, "Difference acknowledged")
        except DeviationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("imports:deviation_index")
    return render(request, "imports/deviation_show.html", {"deviation": deviation, "form": form})
