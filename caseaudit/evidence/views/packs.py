"""Evidence packs: the list, drafting one, reading and editing it, and its downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from caseaudit.web.confirmation import confirm
from caseaudit.web.forms import summary_errors

from .. import documents
from ..access import may_edit, packs_visible_to, require_reader
from ..figures import last_twelve_months
from ..forms import PackEditForm, PackNewForm
from ..models import QUESTIONS
from ..services import PackChanged, current_figures, pack_create, pack_save, pack_themes_refresh


def index(request):
    require_reader(request.user)
    return render(
        request,
        "evidence/index.html",
        {"packs": packs_visible_to(request.user)[:100], "may_edit": may_edit(request.user)},
    )


def new(request):
    if not may_edit(request.user):
        raise Http404("No such page")
    start, end = last_twelve_months(timezone.localdate())
    form = PackNewForm(request.POST or None, initial={"start": start, "end": end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pack = pack_create(start=data["start"], end=data["end"], service_area=data["service_area"], by=request.user)
        messages.success(request, "Pack drafted from the records: read the narrative and edit it before publishing")
        return redirect("evidence:show", pk=pack.pk)
    return render(request, "evidence/new.html", {"form": form, "errors": summary_errors(form) if form.errors else []})


def _pack_for(request, pk: int):
    require_reader(request.user)
    return get_object_or_404(packs_visible_to(request.user), pk=pk)


def show(request, pk: int):
    pack = _pack_for(request, pk)
    form = None
    if request.method == "POST" and "refresh_themes" in request.POST and may_edit(request.user):
        try:
            pack_themes_refresh(pack_id=pack.pk, by=request.user)
        except PackChanged:
            raise Http404("No such page") from None
        messages.success(request, "Themes found again from the records as they are now")
        return redirect("evidence:show", pk=pack.pk)
    if not pack.is_published and may_edit(request.user):
        form = PackEditForm(request.POST or None, initial={**pack.narrative(), "version": pack.version})
        if request.method == "POST" and form.is_valid():
            try:
                saved = pack_save(
                    pack_id=pack.pk, narrative=form.narrative(), expected_version=form.cleaned_data["version"],
                    publish="publish" in request.POST, by=request.user,
                )  # fmt: skip
            except PackChanged:
                form.add_error(
                    None,
                    "Someone else changed this pack while you were editing it. Your text is below; reload to see theirs.",
                )
            else:
                if saved.is_published:
                    confirm(
                        request,
                        "Evidence pack published",
                        "Its narrative and figures are frozen as they are now. The Director and heads of service can "
                        "open it, and download it as Word, PDF or HTML.",
                    )
                else:
                    messages.success(request, "Narrative saved")
                return redirect("evidence:show", pk=pack.pk)
    elif request.method == "POST":
        raise Http404("No such page")
    figures = current_figures(pack)  # only once no POST has been answered with a redirect
    return render(
        request,
        "evidence/show.html",
        {
            "pack": pack,
            "figures": figures,
            "form": form,
            "sections": [(QUESTIONS[key], getattr(pack, key)) for key in QUESTIONS],
            "tables": documents.pack_tables(figures),
            "errors": summary_errors(form) if form is not None and form.errors else [],
        },
    )


@require_GET
def download(request, pk: int, kind: str):
    pack = _pack_for(request, pk)
    if kind not in documents.FORMATS:
        raise Http404("No such page")
    content_type, make = documents.FORMATS[kind]
    response = HttpResponse(make(pack, current_figures(pack)), content_type=content_type)
    name = f"evidence-pack-{pack.start.isoformat()}-to-{pack.end.isoformat()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
