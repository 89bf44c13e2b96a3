from auditlog.signals import accessed
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caseaudit.web.confirmation import confirm

from .. import access
from ..errors import AuditRuleError, ConcurrentEditError
from ..forms import AcknowledgeForm, AuditForm, CriticalActionForm, ModerationForm
from ..grades import GRADE_DESCRIPTORS
from ..selectors import audit_detail
from ..services import lifecycle


def show(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    # An audit is part of the child's record: reading it is logged like the child's page.
    accessed.send(sender=type(audit), instance=audit)
    person = request.user
    context = audit_detail(audit)
    context.update(
        {
            "can_edit": access.can_edit(person, audit),
            "can_moderate": access.can_moderate(person, audit),
            "can_share": access.can_share(person, audit),
            "can_acknowledge": access.can_acknowledge(person, audit),
            "can_record_activity": access.can_record_activity(person, audit),
            "can_record_critical_action": access.can_record_critical_action(person, audit),
        }
    )
    return render(request, "audits/audit_show.html", context)


def edit(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_edit(request.user, audit):
        raise Http404
    extra_errors = []
    form = AuditForm(request.POST or None, audit=audit)
    if request.method == "POST" and form.is_valid():
        submitting = "submit" in request.POST
        service = lifecycle.audit_submit if submitting else lifecycle.audit_save_draft
        try:
            service(
                audit_id=audit.pk, by=request.user, draft=form.to_draft(), expected_version=form.cleaned_data["version"]
            )
        except lifecycle.AuditIncomplete as refused:
            # The draft was saved; show what is missing against each field, over what they typed.
            audit.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(audit.version)
            form = AuditForm(data, audit=audit, refused=refused.errors)
            form.is_valid()
        except ConcurrentEditError as conflict:
            extra_errors.append(conflict.message)
            # They have been told: saving again now replaces the other version.
            audit.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = audit.version
        except AuditRuleError as refused:
            extra_errors.append(refused.message)
        else:
            if submitting:
                confirm(
                    request,
                    "Audit submitted for moderation",
                    "A moderator checks the grades and may change them, with a reason. You will find it under "
                    "'Submitted by you' in My audits until it is finalised.",
                )
                return redirect("audits:audit_show", pk=audit.pk)
            messages.success(request, "Draft saved")
            return redirect("audits:audit_edit", pk=audit.pk)
    return render(
        request,
        "audits/audit_edit.html",
        {"audit": audit, "form": form, "extra_errors": extra_errors, "descriptors": GRADE_DESCRIPTORS},
    )


def moderate(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_moderate(request.user, audit):
        raise Http404
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
    return render(request, "audits/audit_moderate.html", {"audit": audit, "form": form, "extra_errors": extra_errors})


@require_POST
def share(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_share(request.user, audit):
        raise Http404
    lifecycle.audit_share(audit_id=audit.pk, by=request.user)
    confirm(
        request,
        "Audit shared with the worker and their team manager",
        "They have been emailed and each is asked to acknowledge it. Their acknowledgements appear on this page.",
    )
    return redirect("audits:audit_show", pk=audit.pk)


def acknowledge(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_acknowledge(request.user, audit):
        raise Http404
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lifecycle.audit_acknowledge(audit_id=audit.pk, by=request.user, response=form.cleaned_data["response"])
        messages.success(request, "Thank you: your acknowledgement is recorded")
        return redirect("audits:audit_show", pk=audit.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Acknowledge this audit",
            "caption": f"Audit of case {audit.child.case_id}",
            "intro": "Confirm you have read the audit. You can add a response for the QA team and your manager.",
            "submit_label": "Acknowledge",
            "back_url": reverse("audits:audit_show", args=[audit.pk]),
        },
    )


def critical_action(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_record_critical_action(request.user, audit):
        raise Http404
    form = CriticalActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lifecycle.critical_action_record(audit_id=audit.pk, by=request.user, action=form.cleaned_data["action"])
        messages.success(request, "Action recorded: the safeguarding flag is cleared")
        return redirect("audits:audit_show", pk=audit.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Record the action taken",
            "caption": f"Inadequate – critical: case {audit.child.case_id}",
            "intro": "This audit found an immediate safeguarding concern. Record what was done; the flag clears once you save.",
            "submit_label": "Record action",
            "back_url": reverse("audits:audit_show", args=[audit.pk]),
        },
    )
