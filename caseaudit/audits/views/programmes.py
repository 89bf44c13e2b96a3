import datetime

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseaudit.organisation.roles import Role
from caseaudit.web.forms import summary_errors
from caseaudit.web.permissions import require_role

from ..errors import AuditRuleError
from ..forms import ConfirmForm, ProgrammeForm, QuotasForm, SampleAddForm, SampleAssignForm, ThemedProgrammeForm
from ..models import Programme, SampleEntry
from ..selectors import auditors_with_open_audits
from ..services import sampling


def _programme_for(request, pk: int) -> Programme:
    require_role(request.user, Role.QA_ADMIN)
    return get_object_or_404(Programme.objects.select_related("service_area", "tool_version__tool"), pk=pk)


def index(request):
    require_role(request.user, Role.QA_ADMIN)
    programmes = (
        Programme.objects.select_related("service_area")
        .annotate(children_count=Count("audits__child", distinct=True))
        .order_by("-month", "title")[:60]
    )
    return render(request, "audits/programme_index.html", {"programmes": programmes})


def new(request):
    require_role(request.user, Role.QA_ADMIN)
    form = ProgrammeForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = sampling.programme_create(
                service_area=data["service_area"],
                month=datetime.date.fromisoformat(data["month"]),
                tool_version=data["tool"].current_version,
                due_on=data["due_on"],
                by=request.user,
                default_quota=data["default_quota"],
            )
        except AuditRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, "Programme created: check each team's quota, then propose a sample")
            return redirect("audits:programme_show", pk=programme.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Plan a monthly audit programme",
            "submit_label": "Create programme",
            "intro": "Choose the service area and month. Next you can set each team's quota and propose a random sample.",
            "back_url": reverse("audits:programme_index"),
        },
    )


def new_themed(request):
    require_role(request.user, Role.QA_ADMIN)
    form = ThemedProgrammeForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = sampling.themed_programme_create(
                title=data["title"],
                tool_version=data["tool"].current_version,
                month=datetime.date.fromisoformat(data["month"]),
                due_on=data["due_on"],
                sample_size=data["sample_size"],
                service_area=data["service_area"],
                legal_status=data["legal_status"],
                by=request.user,
            )
        except AuditRuleError as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, "Themed audit created: propose a sample of children next")
            return redirect("audits:programme_show", pk=programme.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Plan a themed audit",
            "submit_label": "Create themed audit",
            "intro": "A themed (targeted) audit asks one short question set about many children.",
            "back_url": reverse("audits:programme_index"),
        },
    )


def _sample_of(programme: Programme) -> list[SampleEntry]:
    return list(programme.sample.select_related("child__team"))


def _assign_form(programme: Programme, data=None, refused=None) -> SampleAssignForm:
    return SampleAssignForm(data, entries=_sample_of(programme), auditors=auditors_with_open_audits(), refused=refused)


def show(request, pk: int, quotas_form=None, add_form=None, assign_form=None, confirm_form=None):
    programme = _programme_for(request, pk)
    quotas_form = quotas_form or QuotasForm(programme=programme)
    add_form = add_form or SampleAddForm()
    confirm_form = confirm_form or ConfirmForm()
    if programme.is_confirmed:
        assign_form = None
    elif assign_form is None:
        assign_form = _assign_form(programme)
    sample = assign_form.entries if assign_form else []
    context = {
        "programme": programme,
        "quotas_form": quotas_form,
        "add_form": add_form,
        "assign_form": assign_form,
        "confirm_form": confirm_form,
        "sample": sample,
        "errors": summary_errors(
            *(f for f in (quotas_form, assign_form, add_form, confirm_form) if f is not None and f.is_bound)
        ),
        "short": sampling.quotas_check(programme) if sample else [],
        "audits": programme.audits.select_related("child", "auditor").order_by("child__name"),
    }
    return render(request, "audits/programme_show.html", context)


def _save_assignments(request, programme: Programme) -> SampleAssignForm | None:
    """Save the auditors chosen on the page, if it sent them (any button of the sample's form sends them, so
    choices are never lost by removing a child or confirming). Returns the form to show again when refused."""
    if not any(key.startswith("auditor_") for key in request.POST):
        return None
    form = _assign_form(programme, request.POST)
    if not form.is_valid():
        return form
    try:
        sampling.sample_assign_all(programme=programme, auditors=form.chosen())
    except sampling.SampleAssignmentRefused as refused:
        errors = {f"auditor_{entry_pk}": message for entry_pk, message in refused.errors.items()}
        form = _assign_form(programme, request.POST, refused=errors)
        form.is_valid()
        return form
    return None


@require_POST
def quotas(request, pk: int):
    programme = _programme_for(request, pk)
    form = QuotasForm(request.POST, programme=programme)
    if programme.is_confirmed:
        raise Http404
    if not form.is_valid():
        return show(request, pk, quotas_form=form)
    chosen = {quota.team_id: form.cleaned_data[f"team_{quota.team_id}"] for quota in form.quotas}
    try:
        sampling.quotas_save(programme=programme, quotas=chosen, based_on=form.cleaned_data["based_on"])
    except sampling.QuotasChanged as changed:
        # Keep what they typed, now based on the quotas as they stand.
        form.add_error(None, changed.message)
        form.data = form.data.copy()
        form.data["based_on"] = changed.fingerprint
        return show(request, pk, quotas_form=form)
    messages.success(request, "Quotas saved")
    return redirect("audits:programme_show", pk=pk)


@require_POST
def propose(request, pk: int):
    programme = _programme_for(request, pk)
    try:
        entries = sampling.sample_propose(programme=programme)
    except AuditRuleError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"{len(entries)} children proposed. Remove or add children, check the auditors, then confirm."
        )
    return redirect("audits:programme_show", pk=pk)


@require_POST
def sample_add(request, pk: int):
    programme = _programme_for(request, pk)
    form = SampleAddForm(request.POST)
    if form.is_valid():
        try:
            entry = sampling.sample_add(programme=programme, case_id=form.cleaned_data["case_id"])
        except AuditRuleError as refused:
            form.add_error("case_id", refused.message)
        else:
            messages.success(request, f"{entry.child.case_id} added to the sample")
            return redirect("audits:programme_show", pk=pk)
    return show(request, pk, add_form=form)


@require_POST
def sample_remove(request, pk: int, entry_pk: int):
    programme = _programme_for(request, pk)
    entry = get_object_or_404(SampleEntry.objects.select_related("child"), pk=entry_pk, programme=programme)
    if programme.is_confirmed:
        raise Http404
    refused = _save_assignments(request, programme)
    if refused is not None:
        return show(request, pk, assign_form=refused)
    sampling.sample_remove(entry=entry)
    messages.success(request, f"{entry.child.case_id} removed from the sample")
    return redirect("audits:programme_show", pk=pk)


@require_POST
def sample_assign(request, pk: int):
    programme = _programme_for(request, pk)
    if programme.is_confirmed:
        raise Http404
    refused = _save_assignments(request, programme)
    if refused is not None:
        return show(request, pk, assign_form=refused)
    messages.success(request, "Auditors saved")
    return redirect("audits:programme_show", pk=pk)


@require_POST
def confirm(request, pk: int):
    programme = _programme_for(request, pk)
    if not programme.is_confirmed:
        refused = _save_assignments(request, programme)
        if refused is not None:
            return show(request, pk, assign_form=refused)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return show(request, pk, confirm_form=form)
    double_percent = form.cleaned_data["double_percent"] or 0
    try:
        audits = sampling.programme_confirm(programme=programme, by=request.user, double_percent=double_percent)
    except AuditRuleError as refused:
        if refused.field == "double_percent":
            form.add_error("double_percent", refused.message)
            return show(request, pk, confirm_form=form)
        messages.error(request, refused.message)
    else:
        seconds = sum(1 for audit in audits if audit.second_of_id)
        also = f", {seconds} of them second, blind audits" if seconds else ""
        messages.success(request, f"Sample confirmed: {len(audits)} audits assigned to auditors{also}")
    return redirect("audits:programme_show", pk=pk)
