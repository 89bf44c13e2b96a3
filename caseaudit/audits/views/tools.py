from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from caseaudit.organisation.roles import Role
from caseaudit.web.forms import summary_errors
from caseaudit.web.permissions import require_role

from ..forms import ToolNoteForm, ToolSectionFormSet
from ..models import AuditTool
from ..services.tools import SectionSpec, ToolChangedError, tool_fingerprint, tool_revise, version_as_specs


def index(request):
    require_role(request.user, Role.QA_ADMIN)
    return render(request, "audits/tool_index.html", {"tools": AuditTool.objects.prefetch_related("versions")})


def show(request, pk: int):
    require_role(request.user, Role.QA_ADMIN)
    tool = get_object_or_404(AuditTool, pk=pk)
    versions = tool.versions.prefetch_related("sections__questions").select_related("created_by")
    return render(request, "audits/tool_show.html", {"tool": tool, "versions": versions})


def edit(request, pk: int):
    require_role(request.user, Role.QA_ADMIN)
    tool = get_object_or_404(AuditTool, pk=pk)
    current = tool.current_version
    initial = [
        {"title": s.title, "questions": "\n".join(s.questions), "evidence_optional": not s.evidence_required}
        for s in version_as_specs(current)
    ]
    formset = ToolSectionFormSet(request.POST or None, initial=initial, prefix="sections")
    note_form = ToolNoteForm(
        request.POST or None, initial={"based_on": tool_fingerprint(current), "scale": current.scale if current else ""}
    )
    extra_errors = []
    if request.method == "POST" and formset.is_valid() and note_form.is_valid():
        sections = [
            SectionSpec(
                f.cleaned_data["title"].strip(),
                [q.strip() for q in f.cleaned_data["questions"].splitlines() if q.strip()],
                evidence_required=not f.cleaned_data["evidence_optional"],
            )
            for f in formset.forms
            if f.cleaned_data.get("title", "").strip()
        ]
        if not sections:
            formset.forms[0].add_error("title", "A tool needs at least one practice area")
        else:
            try:
                version = tool_revise(
                    tool=tool,
                    sections=sections,
                    by=request.user,
                    note=note_form.cleaned_data["note"],
                    based_on=note_form.cleaned_data["based_on"],
                    scale=note_form.cleaned_data["scale"] or None,
                )
            except ToolChangedError as changed:
                # They are told; the form keeps what they typed and now stands on the saved tool.
                extra_errors.append(changed.message)
                note_form.data = note_form.data.copy()
                note_form.data["based_on"] = changed.fingerprint
                tool.refresh_from_db()
                current = tool.current_version
            else:
                if version.pk == current.pk:
                    messages.success(request, "Tool saved. It has not been used yet, so the same version was updated.")
                else:
                    messages.success(
                        request,
                        f"Saved as version {version.number}. Audits already started keep version {current.number}.",
                    )
                return redirect("audits:tool_show", pk=tool.pk)
    errors = summary_errors(*formset.forms, note_form, extra=extra_errors) if request.method == "POST" else []
    context = {"tool": tool, "formset": formset, "note_form": note_form, "current": current, "errors": errors}
    return render(request, "audits/tool_edit.html", context)
