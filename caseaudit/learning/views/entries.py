from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ..access import require_learning_editor
from ..calibration import may_run, may_take_part
from ..forms import LearningEntryForm
from ..impact import learning_impact
from ..models import LearningEntry, LearningKind
from ..services import learning_entry_record


def index(request):
    """Everyone may read the learning log: it names no worker."""
    entries = LearningEntry.objects.all()
    kind = request.GET.get("kind", "")
    theme = request.GET.get("theme", "")
    if kind in LearningKind.values:
        entries = entries.filter(kind=kind)
    if theme:
        # Themes are a short JSON list; filtering in Python keeps SQLite and PostgreSQL alike.
        entries = [e for e in entries if theme in e.themes]
    return render(
        request,
        "learning/index.html",
        {
            "entries": entries,
            "kinds": LearningKind.choices,
            "kind": kind,
            "theme": theme,
            "can_edit": request.user.has_role("qa_admin"),
            "can_calibrate": may_run(request.user) or may_take_part(request.user),
        },
    )


def show(request, pk: int):
    entry = get_object_or_404(LearningEntry, pk=pk)
    # Linked audits are described without the child's or the worker's name.
    audits = entry.audits.select_related("team").order_by("audit_date")
    return render(
        request,
        "learning/show.html",
        {
            "entry": entry,
            "audits": audits,
            "programmes": entry.programmes.all(),
            "impact": learning_impact(entry.themes, entry.happened_on, timezone.localdate()),
        },
    )


def new(request):
    require_learning_editor(request.user)
    initial = {}
    if "area" in request.GET:
        initial = {"practice_areas": [request.GET["area"]], "prompted_by": request.GET.get("findings", "")}
    form = LearningEntryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = learning_entry_record(
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            happened_on=data["happened_on"],
            audience=data["audience"],
            summary=data["summary"],
            link=data["link"],
            attachment=data["attachment"],
            themes=form.themes(),
            prompted_by=data["prompted_by"],
        )
        messages.success(request, "Learning recorded")
        return redirect("learning:show", pk=entry.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Record learning",
            "submit_label": "Save",
            "multipart": True,
            "back_url": reverse("learning:index"),
        },
    )


def attachment(request, pk: int):
    """The entry's document, for anyone who may read the learning log."""
    entry = get_object_or_404(LearningEntry, pk=pk)
    if not entry.attachment:
        raise Http404
    return FileResponse(
        entry.attachment.open("rb"), as_attachment=True, filename=entry.attachment.name.rsplit("/", 1)[-1]
    )
