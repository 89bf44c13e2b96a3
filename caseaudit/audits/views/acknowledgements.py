from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import AuditRuleError
from ..selectors import my_audit_list_page
from ..services.acknowledgements import NOT_YOURS, audits_acknowledge

# The first box of the list, where the error summary's link lands (audits/_my_list.html).
FIRST_BOX = "acknowledge-audits"


def _ids(values: list[str]) -> list[int]:
    """The posted audit ids; anything else is dropped (and so refused, as not from the person's list)."""
    return [int(value) for value in values if value.isdigit() and len(value) < 12]


@require_POST
def acknowledge_many(request):
    """'Acknowledge selected' or 'Acknowledge all N' from the list of audits shared with the person. The
    boxes ticked, or every audit the list showed (posted with it, so never one the person has not seen)."""
    everything = request.POST.get("choose") == "all"
    posted = request.POST.getlist("shown" if everything else "audits")
    chosen = _ids(posted)
    try:
        if len(chosen) != len(posted):
            # A garbled id: refused like an audit that is not theirs, and nothing is done.
            raise AuditRuleError(NOT_YOURS, field="audits")
        done = audits_acknowledge(audit_ids=chosen, by=request.user)
    except AuditRuleError as refused:
        list_page = my_audit_list_page(request.user, "to_acknowledge", request.POST.get("page"), timezone.localdate())
        context = {
            "list": list_page,
            "query": "list=to_acknowledge",
            # Linked to the first box, unless the list has emptied meanwhile (acknowledged in another tab).
            "errors": [(FIRST_BOX if list_page["total"] else "", refused.message)],
            "checked": set(_ids(request.POST.getlist("audits"))),
        }
        return render(request, "audits/mine_list.html", context)
    messages.success(request, f"{done} audit{'s' if done != 1 else ''} acknowledged")
    back = reverse("audits:mine")
    return redirect(f"{back}?list=to_acknowledge" if request.POST.get("back") == "list" else back)
