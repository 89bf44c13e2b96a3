from auditlog.signals import accessed
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caseaudit.web.confirmation import confirm
from caseaudit.web.forms import summary_errors

from ..access import can_manage, get_plan_for
from ..errors import PlanRuleError
from ..forms import (
    ActionCompleteForm,
    ActionFormSet,
    CaseloadDecisionForm,
    CaseloadFindingsForm,
    MeetingForm,
    ResponsibleForm,
    ReviewForm,
)
from ..models import STAGE_ORDER, RemedialAction, StageKind
from ..selectors import FIND_LENGTH, action_owner_choices
from ..services import plans as service
from ..services.offers import stage_offer
from ..services.people import practice_lead_for


def show(request, pk: int):
    plan = get_plan_for(request.user, pk)
    # A plan is part of the child's record: reading it is logged like the child's page.
    accessed.send(sender=type(plan), instance=plan)
    today = timezone.localdate()
    # The process's own order, not the due dates' (closure has none).
    stages = sorted(
        plan.stages.select_related("completed_by", "chair", "decided_by", "reaudit"),
        key=lambda stage: STAGE_ORDER.index(stage.kind),
    )
    meeting = next(s for s in stages if s.kind == StageKind.MEETING)
    lead, chair, absent = practice_lead_for(plan, meeting.due_on)
    for stage in stages:
        # Only for what is still to be recorded: the form, or who records it.
        stage.offer = None if stage.is_done or not plan.is_open else stage_offer(plan, stage.kind, request.user, today)
    return render(
        request,
        "improvement/plan_show.html",
        {
            "plan": plan,
            "stages": stages,
            "today": today,
            "actions": plan.actions.select_related("owner"),
            "events": plan.events.select_related("by"),
            "lead": lead,
            "chair": chair,
            "lead_absent": absent,
            "can_manage": can_manage(request.user),
            "user_pk": request.user.pk,
        },
    )


def _form_page(request, plan, form, title, submit_label, intro=""):
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": f"Improvement plan for case {plan.child.case_id}",
            "intro": intro,
            "submit_label": submit_label,
            "back_url": reverse("improvement:plan_show", args=[plan.pk]),
        },
    )


NOT_YOURS_TITLES = {
    StageKind.MEETING: "Day-three meeting",
    StageKind.SM_REVIEW: "Service manager review",
    StageKind.CASELOAD_REVIEW: "Whole caseload review",
}


def _not_yours(request, plan, kind: str):
    """Someone who may not record this stage is told who will, instead of a form (issue 44, point 1)."""
    offer = stage_offer(plan, kind, request.user, timezone.localdate())
    if offer is None or offer.may:
        return None
    context = {"plan": plan, "offer": offer, "title": NOT_YOURS_TITLES[kind]}
    return render(request, "improvement/not_yours.html", context)


def meeting(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if request.method == "GET" and (refused := _not_yours(request, plan, StageKind.MEETING)):
        return refused
    form = MeetingForm(request.POST or None)
    actions = ActionFormSet(request.POST or None, prefix="actions")
    # "Find" narrows the owner lists without JavaScript: a post that keeps what was typed and saves nothing.
    posted = request.method == "POST"
    finding = posted and "find_owner" in request.POST
    find = (request.POST if posted else request.GET).get("find", "").strip()[:FIND_LENGTH]
    owners = action_owner_choices(plan, find=find, keep=[f["owner"].value() for f in actions.forms] if posted else ())
    for action_form in actions.forms:
        action_form.fields["owner"].choices = owners.choices
    if finding:
        for shown in [form, *actions.forms]:
            shown._errors = ErrorDict()  # shown as typed, not checked: the meeting is not being recorded yet
    problem = ""
    if posted and not finding and form.is_valid() and actions.is_valid():
        specs = [
            service.ActionSpec(f.cleaned_data["description"], f.cleaned_data.get("owner"), f.cleaned_data.get("due_on"))
            for f in actions.forms
            if f.cleaned_data.get("description", "").strip()
        ]
        try:
            service.meeting_record(
                plan_id=plan.pk,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                notes=form.cleaned_data["notes"],
                actions=specs,
            )
        except PlanRuleError as refused:
            if refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            else:
                problem = refused.message
        else:
            confirm(
                request,
                "Day-three meeting recorded",
                "Each action's owner has been emailed and sees it on their home page. The service manager's review "
                "is next; its due date is on this page.",
            )
            return redirect("improvement:plan_show", pk=plan.pk)
    errors = (
        summary_errors(form, *actions.forms, extra=[problem] if problem else None) if posted and not finding else []
    )
    context = {"plan": plan, "form": form, "actions": actions, "errors": errors, "owners": owners, "find": find}
    return render(request, "improvement/meeting.html", context)


def review(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if request.method == "GET" and (refused := _not_yours(request, plan, StageKind.SM_REVIEW)):
        return refused
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.review_complete(plan_id=plan.pk, by=request.user, outcome=form.cleaned_data["outcome"])
        except PlanRuleError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Service manager review recorded")
            return redirect("improvement:plan_show", pk=plan.pk)
    return _form_page(request, plan, form, "Service manager review", "Record the review")


def caseload(request, pk: int):
    plan = get_plan_for(request.user, pk)
    stage = plan.stages.filter(kind=StageKind.CASELOAD_REVIEW).first()
    if stage is None or stage.is_done:
        raise Http404
    if request.method == "GET" and (refused := _not_yours(request, plan, StageKind.CASELOAD_REVIEW)):
        return refused
    deciding = not stage.decision
    form = (CaseloadDecisionForm if deciding else CaseloadFindingsForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if deciding:
                service.caseload_decide(
                    plan_id=plan.pk,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                service.caseload_complete(plan_id=plan.pk, by=request.user, findings=form.cleaned_data["findings"])
        except PlanRuleError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, "Whole caseload review recorded")
            return redirect("improvement:plan_show", pk=plan.pk)
    title = "Decide on a whole caseload review" if deciding else "Record the whole caseload review"
    intro = (
        "The same professional has had another inadequate audit within the look-back period."
        if deciding
        else "Record what the review of the whole caseload found."
    )
    return _form_page(request, plan, form, title, "Save", intro)


def responsible(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if not can_manage(request.user):
        raise Http404
    form = ResponsibleForm(
        request.POST or None,
        initial={"responsible": plan.responsible, "role": plan.responsible_role, "version": plan.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.responsible_change(
                plan_id=plan.pk,
                by=request.user,
                responsible=form.cleaned_data["responsible"],
                role=form.cleaned_data["role"],
                expected_version=form.cleaned_data["version"],
            )
        except PlanRuleError as refused:
            form.add_error(None, refused.message)
            # They have been told: saving again now replaces the other choice.
            plan.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = plan.version
        else:
            messages.success(request, "Responsible professional updated")
            return redirect("improvement:plan_show", pk=plan.pk)
    return _form_page(
        request,
        plan,
        form,
        "Responsible professional",
        "Save",
        "A social worker by default; a team manager or IRO when the practice issue is theirs.",
    )


def action_complete(request, pk: int):
    action = get_object_or_404(
        RemedialAction.objects.select_related("plan__child"), pk=pk, owner=request.user, completed_on__isnull=True
    )
    form = ActionCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service.action_complete(action_id=action.pk, by=request.user, evidence=form.cleaned_data["evidence"])
        messages.success(request, "Action marked complete")
        return redirect("improvement:plan_show", pk=action.plan_id)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Complete a remedial action",
            "caption": f"Case {action.plan.child.case_id}",
            "intro": action.description,
            "submit_label": "Mark as complete",
            "back_url": reverse("improvement:plan_show", args=[action.plan_id]),
        },
    )
