from django import forms
from django.utils import timezone

from caseaudit.organisation.models import Person, PersonRole, ServiceArea, Team
from caseaudit.organisation.roles import Role
from caseaudit.web.forms import GovukForm, GovukRadios, date_field

from .models import CaseloadDecision, ResponsibleRole
from .selectors import DASHBOARD_STAGES, StageKind


class DashboardFilterForm(GovukForm):
    service_area = forms.ModelChoiceField(queryset=ServiceArea.objects.all(), required=False, empty_label="All areas")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="All teams")
    manager = forms.ModelChoiceField(
        label="Team manager",
        # By id, not a join and DISTINCT: DISTINCT compared every column of each person.
        queryset=Person.objects.filter(
            pk__in=PersonRole.objects.filter(role=Role.TEAM_MANAGER).values("person_id")
        ).only("full_name"),
        required=False,
        empty_label="All managers",
    )
    stage = forms.ChoiceField(
        label="Stage outstanding",
        required=False,
        choices=[("", "Any stage"), *[(k, StageKind(k).label) for k in DASHBOARD_STAGES]],
    )


class MeetingForm(GovukForm):
    held_on = date_field("Date of the meeting", required_message="Enter the date of the meeting")
    attendees = forms.CharField(
        label="Who attended",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who attended"},
    )
    notes = forms.CharField(label="Notes of the discussion", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ActionForm(GovukForm):
    description = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label="Owner", queryset=Person.objects.filter(is_active=True), required=False, empty_label="Choose an owner"
    )
    due_on = date_field("Due by", invalid_message="Enter a real date, like 27/03/2026", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("description", "").strip():
            return data
        # Name the action: the page has several, and the error summary lists them together.
        n = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        if not data.get("owner"):
            self.add_error("owner", f"Choose who owns action {n}")
        due = data.get("due_on")
        if due is None and "due_on" not in self.errors:
            self.add_error("due_on", f"Enter the date action {n} is due")
        elif due is not None and due < timezone.localdate():
            self.add_error("due_on", f"The due date for action {n} must be today or in the future")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3)


class ReviewForm(GovukForm):
    outcome = forms.CharField(
        label="Outcome of the review",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Record the outcome of the review"},
    )


class CaseloadDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is a whole caseload review required?",
        choices=CaseloadDecision.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose whether a review is required"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when a review is not needed",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == CaseloadDecision.NOT_REQUIRED and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason a whole caseload review is not required")
        return data


class CaseloadFindingsForm(GovukForm):
    findings = forms.CharField(
        label="Findings of the whole caseload review",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Record the findings of the review"},
    )


class ActionCompleteForm(GovukForm):
    evidence = forms.CharField(
        label="Evidence the action is done",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, where in the case record it can be seen",
        error_messages={"required": "Describe the evidence that the action is done"},
    )


class ResponsibleForm(GovukForm):
    responsible = forms.ModelChoiceField(
        label="Responsible professional",
        queryset=Person.objects.filter(is_active=True),
        empty_label="Choose a person",
        error_messages={"required": "Choose the responsible professional"},
    )
    role = forms.ChoiceField(
        label="Their role in the practice issue",
        choices=ResponsibleRole.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose their role"},
    )
    # The plan version the form was built from: a change by someone else since is detected.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
