from django.contrib import messages
from django.shortcuts import redirect, render

from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role

from ..forms import ReassignForm
from ..services.sampling import audits_reassign


def reassign(request):
    require_role(request.user, Role.QA_ADMIN)
    # The home page's "People who have left with open work" links here with the leaver chosen.
    form = ReassignForm(request.POST or None, initial={"from_person": request.GET.get("from_person")})
    if request.method == "POST" and form.is_valid():
        moved, refused = audits_reassign(
            from_person=form.cleaned_data["from_person"], to_person=form.cleaned_data["to_person"], by=request.user
        )
        text = f"{moved} audit{'s' if moved != 1 else ''} moved to {form.cleaned_data['to_person']}."
        if refused:
            text += f" Not moved, because they are {form.cleaned_data['to_person']}'s own or team's cases: {', '.join(refused)}."
        messages.success(request, text)
        return redirect("audits:reassign")
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Reassign open audits",
            "intro": "When someone leaves or is away, move all their audits not yet submitted to another auditor in one step.",
            "submit_label": "Reassign audits",
        },
    )
