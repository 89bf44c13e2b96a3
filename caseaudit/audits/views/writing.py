"""Writing an audit: the task list, a page per practice area, the overall judgement, Check your answers.

Every page saves through the same draft service; only Check your answers submits (issue 44, point 3), so
every submission has been read back once. The whole audit on one page stays for those who prefer it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from caseaudit.web.confirmation import confirm

from .. import access
from ..errors import AuditRuleError, ConcurrentEditError
from ..forms import AreaForm, AuditForm, CheckForm, SummaryForm
from ..models import Audit, ToolSection
from ..selectors import audit_detail
from ..services import lifecycle
from ..tasklist import audit_tasks, next_section_after


def _editable(request, pk: int) -> Audit:
    audit = access.get_audit_for(request.user, pk)
    if not access.can_edit(request.user, audit):
        raise Http404
    return audit


def _save(request, audit: Audit, form, make_form):
    """Save the form's draft. Returns (form to show again, errors for the summary); (None, []) when saved.

    A newer version saved elsewhere (another tab) is not overwritten silently: the person is told, and
    saving again replaces it (the version is moved on, what they typed is kept)."""
    try:
        lifecycle.audit_save_draft(
            audit_id=audit.pk, by=request.user, draft=form.to_draft(), expected_version=form.cleaned_data["version"]
        )
    except ConcurrentEditError as conflict:
        audit.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(audit.version)
        return make_form(data), [conflict.message]
    except AuditRuleError as refused:
        return form, [refused.message]
    return None, []


def tasks(request, pk: int):
    audit = _editable(request, pk)
    parts = audit_tasks(audit)
    return render(
        request,
        "audits/audit_tasks.html",
        {
            "audit": audit,
            "tasks": parts,
            "completed": sum(task.completed for task in parts),
            "ready": all(task.completed for task in parts),
            "last_return": audit.returns.select_related("returned_by").first(),
        },
    )


def area(request, pk: int, section_pk: int):
    audit = _editable(request, pk)
    section = get_object_or_404(
        ToolSection.objects.prefetch_related("questions"), pk=section_pk, version_id=audit.tool_version_id
    )
    form = AreaForm(request.POST or None, audit=audit, section=section)
    if request.method == "GET" and request.GET.get("from") == "check":
        # Arrived from a refused submission's error summary: mark this area's boxes with what is missing.
        form = _with_missing_marked(audit, form, lambda data, **kw: AreaForm(data, audit=audit, section=section, **kw))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form, extra_errors = _save(request, audit, form, lambda data: AreaForm(data, audit=audit, section=section))
        if form is None:
            if "continue" not in request.POST:
                messages.success(request, f"{section.title} saved")
                return redirect("audits:audit_edit", pk=audit.pk)
            following = next_section_after(audit, section)
            if following is None:
                return redirect("audits:audit_summary", pk=audit.pk)
            return redirect("audits:audit_area", pk=audit.pk, section_pk=following.pk)
    return render(
        request,
        "audits/audit_area.html",
        {
            "audit": audit,
            "section": section,
            "form": form,
            "extra_errors": extra_errors,
            "descriptors": audit.tool_version.grading_scale.described,
        },
    )


def _with_missing_marked(audit: Audit, form, make):
    missing = lifecycle.incomplete_fields(audit, lifecycle.draft_from_audit(audit))
    mine = {name: message for name, message in missing.items() if name in form.fields}
    if not mine:
        return form
    # Bound to what is saved, so each box shows its saved text with its message, as after a refused save.
    saved = {name: value for name, value in form.initial.items() if value not in ("", None)}
    marked = make(saved, refused=mine)
    marked.is_valid()
    return marked


def summary(request, pk: int):
    audit = _editable(request, pk)
    form = SummaryForm(request.POST or None, audit=audit)
    if request.method == "GET" and request.GET.get("from") == "check":
        form = _with_missing_marked(audit, form, lambda data, **kw: SummaryForm(data, audit=audit, **kw))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form, extra_errors = _save(request, audit, form, lambda data: SummaryForm(data, audit=audit))
        if form is None:
            if "continue" in request.POST:
                return redirect("audits:audit_check", pk=audit.pk)
            messages.success(request, "Overall judgement saved")
            return redirect("audits:audit_edit", pk=audit.pk)
    return render(
        request,
        "audits/audit_summary.html",
        {
            "audit": audit,
            "form": form,
            "extra_errors": extra_errors,
            "descriptors": audit.tool_version.grading_scale.described,
        },
    )


def edit_all(request, pk: int):
    """The whole audit on one page; "Save and check" leads to Check your answers."""
    audit = _editable(request, pk)
    form = AuditForm(request.POST or None, audit=audit)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form, extra_errors = _save(request, audit, form, lambda data: AuditForm(data, audit=audit))
        if form is None:
            if "check" in request.POST:
                return redirect("audits:audit_check", pk=audit.pk)
            messages.success(request, "Draft saved")
            return redirect("audits:audit_edit_all", pk=audit.pk)
    return render(
        request,
        "audits/audit_edit.html",
        {
            "audit": audit,
            "form": form,
            "extra_errors": extra_errors,
            "descriptors": audit.tool_version.grading_scale.described,
        },
    )


def _where_to_fix(audit: Audit, errors: dict[str, str]) -> list[dict]:
    """Each reason a submission was refused, with the page that puts it right."""
    sections = {f"section_{s.pk}_": s.pk for s in audit.tool_version.sections.all()}
    fixes = []
    for name, message in errors.items():
        if name == "overall_grade_reason":
            continue  # answered on the check page itself
        section_pk = next((pk for prefix, pk in sections.items() if name.startswith(prefix)), None)
        if section_pk is not None:
            url = reverse("audits:audit_area", args=[audit.pk, section_pk])
        else:
            url = reverse("audits:audit_summary", args=[audit.pk])
        # Where the error summary's link lands: the first radio of a grade, else the box itself (as error_anchor).
        anchor = f"id_{name}_0" if name.endswith("grade") else f"id_{name}"
        fixes.append({"message": message, "url": f"{url}?from=check#{anchor}"})
    return fixes


def check(request, pk: int):
    """Check your answers: every area's grade and evidence, the overall judgement, then submit."""
    audit = _editable(request, pk)
    draft = lifecycle.draft_from_audit(audit)
    problems = lifecycle.incomplete_fields(audit, draft)
    outside = lifecycle.overall_outside_areas(audit.overall_grade, [grade for grade, _ in draft.sections.values()])
    form = CheckForm(request.POST or None, audit=audit)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        draft.overall_grade_reason = form.cleaned_data["overall_grade_reason"]
        try:
            lifecycle.audit_submit(
                audit_id=audit.pk, by=request.user, draft=draft, expected_version=form.cleaned_data["version"]
            )
        except lifecycle.AuditIncomplete as refused:
            audit.refresh_from_db()
            problems = refused.errors
            data = request.POST.copy()
            data["version"] = str(audit.version)
            form = CheckForm(
                data, audit=audit, refused={k: v for k, v in refused.errors.items() if k == "overall_grade_reason"}
            )
            form.is_valid()
        except ConcurrentEditError as conflict:
            # Changed in another tab since this page was read: show what is saved now before submitting it.
            messages.error(request, conflict.message)
            return redirect("audits:audit_check", pk=audit.pk)
        except AuditRuleError as refused:
            extra_errors.append(refused.message)
        else:
            confirm(
                request,
                "Audit submitted for moderation",
                "A moderator checks the grades and may change them, with a reason. You will find it under "
                "'Submitted by you' in My audits until it is finalised.",
            )
            return redirect("audits:audit_show", pk=audit.pk)
    if outside:
        form.fields["overall_grade_reason"].label = lifecycle.contradiction_message(audit.overall_grade, *outside)
    context = audit_detail(audit)
    context.update(
        {
            "form": form,
            "extra_errors": extra_errors,
            "fixes": _where_to_fix(audit, problems),
            "refused": request.method == "POST",
            "outside": outside,
        }
    )
    return render(request, "audits/audit_check.html", context)
