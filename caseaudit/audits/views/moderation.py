"""Moderating an audit: the whole audit beside each grade, agree or change it, or return it to the auditor."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from caseaudit.web.confirmation import confirm

from .. import access
from ..errors import AuditRuleError, ConcurrentEditError
from ..forms import ModerationForm, ReturnForm
from ..selectors import audit_detail, second_audit_for_moderation
from ..services import lifecycle, returns


def _moderatable(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_moderate(request.user, audit):
        raise Http404
    return audit


def moderate(request, pk: int):
    audit = _moderatable(request, pk)
    if request.method == "POST" and "take" in request.POST:
        try:
            lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=request.user)
        except AuditRuleError as refused:
            messages.error(request, refused.message)
            return redirect("audits:audit_show", pk=audit.pk)
        return redirect("audits:audit_moderate", pk=audit.pk)
    if audit.status == "submitted":
        return render(request, "audits/audit_take.html", {"audit": audit})
    extra_errors = []
    form = ModerationForm(request.POST or None, audit=audit)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.audit_moderate(
                audit_id=audit.pk,
                moderator=request.user,
                decision=form.to_decision(),
                expected_version=form.cleaned_data["version"],
            )
        except lifecycle.AuditIncomplete as refused:
            form = ModerationForm(request.POST, audit=audit, refused=refused.errors)
            form.is_valid()
        except AuditRuleError as refused:
            extra_errors.append(refused.message)
        else:
            confirm(
                request,
                "Moderation recorded: the audit is finalised",
                "The audit is ready to share with the worker and their team manager. If it is graded Inadequate, "
                "its improvement plan is open and the worker, managers and practice lead have been told.",
            )
            return redirect("audits:audit_show", pk=audit.pk)
    context = audit_detail(audit)
    # Each practice area as the auditor wrote it (answers, evidence, grade), with the moderator's fields under it.
    fields = {row["judgement"].section_id: row for row in form.rows}
    context["areas"] = [{**row, "fields": fields[row["judgement"].section_id]} for row in context["sections"]]
    # A blind pair (issue 32): the second auditor's grades and evidence beside the first's, to reconcile.
    second, theirs = second_audit_for_moderation(audit)
    for row in context["areas"]:
        row["second"] = theirs.get(row["judgement"].section_id)
    context.update({"form": form, "extra_errors": extra_errors, "second": second})
    return render(request, "audits/audit_moderate.html", context)


def return_to_auditor(request, pk: int):
    audit = _moderatable(request, pk)
    if audit.auditor_id is None:
        raise Http404  # imported: nobody in CaseAudit to return it to
    form = ReturnForm(request.POST or None, initial={"version": audit.version})
    extra_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            returns.audit_return(
                audit_id=audit.pk,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as conflict:
            extra_errors.append(conflict.message)
            audit.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = audit.version
        except AuditRuleError as refused:
            extra_errors.append(refused.message)
        else:
            confirm(
                request,
                f"Audit returned to {audit.auditor}",
                "They have been emailed your reason. The audit is a draft again, with everything they wrote kept; "
                "it comes back to the moderation queue when they submit it again.",
            )
            return redirect("audits:mine")
    return render(request, "audits/audit_return.html", {"audit": audit, "form": form, "extra_errors": extra_errors})
