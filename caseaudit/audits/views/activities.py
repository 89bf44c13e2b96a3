from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import access
from ..errors import AuditRuleError
from ..forms import ActivityForm
from ..services.lifecycle import activity_record


def new(request, pk: int):
    audit = access.get_audit_for(request.user, pk)
    if not access.can_record_activity(request.user, audit):
        raise Http404
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity_record(audit=audit, by=request.user, **form.cleaned_data)
        except AuditRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, "Activity recorded")
            return redirect("audits:audit_show", pk=audit.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Record a piece of audit activity",
            "caption": f"Audit of case {audit.child.case_id}",
            "submit_label": "Record activity",
            "back_url": reverse("audits:audit_show", args=[audit.pk]),
        },
    )
