from auditlog.signals import accessed
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caseaudit.web.confirmation import confirm

from .. import access
from ..forms import AcknowledgeForm, CriticalActionForm
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
