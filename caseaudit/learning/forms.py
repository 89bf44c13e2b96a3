from django import forms
from django.utils import timezone

from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.organisation.models import Person
from caseaudit.web.forms import GovukCheckboxes, GovukForm, GovukRadios, date_field

from .models import FOLLOW_UP_STATUSES, LearningKind, SourceKind, Status
from .validators import validate_attachment


def practice_area_choices() -> list[tuple[str, str]]:
    tool, _ = standard_tools_ensure()
    return [(s.title, s.title) for s in tool.current_version.sections.all()]


class LearningEntryForm(GovukForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=LearningKind.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose the type of learning"},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    happened_on = date_field("Date", required_message="Enter the date", invalid_message="Enter a real date")
    audience = forms.CharField(
        max_length=200, required=False, help_text="For example, all social workers in Children in Care"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a summary"},
        help_text="Do not name any worker: learning is shared across the service",
    )
    practice_areas = forms.MultipleChoiceField(
        label="Practice areas it answers", required=False, widget=GovukCheckboxes
    )
    other_themes = forms.CharField(
        label="Other themes",
        required=False,
        max_length=300,
        help_text="Separate themes with commas, for example Complaints, Care leavers",
    )
    prompted_by = forms.CharField(
        label="The findings that prompted it", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    link = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    attachment = forms.FileField(
        required=False, validators=[validate_attachment], help_text="PDF, Word, Excel or an image, up to 20 MB"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice_areas"].choices = practice_area_choices()
        self.apply_govuk_classes()

    def themes(self) -> list[str]:
        data = self.cleaned_data
        others = [t.strip() for t in data.get("other_themes", "").split(",") if t.strip()]
        return list(dict.fromkeys([*data.get("practice_areas", []), *others]))


class SourceForm(GovukForm):
    kind = forms.ChoiceField(
        label="Where the recommendations come from",
        choices=SourceKind.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose where the recommendations come from"},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the report's title"})
    reported_on = date_field(
        "Date of the report", required_message="Enter the report's date", invalid_message="Enter a real date"
    )


class RecommendationForm(GovukForm):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the recommendation"},
    )
    agreed_action = forms.CharField(
        label="Agreed action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the agreed action"},
    )
    owner = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True),
        empty_label="Choose an owner",
        error_messages={"required": "Choose the owner"},
    )
    raised_on = date_field(
        "Date agreed", required_message="Enter the date it was agreed", invalid_message="Enter a real date"
    )
    due_on = date_field("Due by", required_message="Enter the due date", invalid_message="Enter a real date")
    practice_areas = forms.MultipleChoiceField(
        label="Practice areas it is about",
        required=False,
        widget=GovukCheckboxes,
        help_text="Their grades in the audits before and after the date agreed are shown with the recommendation",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice_areas"].choices = practice_area_choices()
        self.apply_govuk_classes()

    def clean(self):
        data = super().clean()
        if data.get("raised_on") and data.get("due_on") and data["due_on"] < data["raised_on"]:
            self.add_error("due_on", "The due date must be on or after the date the recommendation was agreed")
        return data


class FollowUpForm(GovukForm):
    status = forms.ChoiceField(
        label="How far has it been implemented?",
        widget=GovukRadios,
        choices=[(s.value, Status(s).label) for s in FOLLOW_UP_STATUSES],
        error_messages={"required": "Choose how far the recommendation has been implemented"},
    )
    evidence = forms.CharField(
        label="Evidence seen",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the evidence seen at this follow-up"},
    )
    reviewed_on = date_field(
        "Date of the follow-up", required_message="Enter the date of the follow-up", invalid_message="Enter a real date"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"reviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CalibrationSessionForm(GovukForm):
    title = forms.CharField(
        max_length=200,
        help_text="For example, Calibration: a child in need plan",
        error_messages={"required": "Enter a title"},
    )
    held_on = date_field("Date of the session", required_message="Enter the date", invalid_message="Enter a real date")
    case_id = forms.CharField(
        label="Case system ID of the file to grade",
        max_length=40,
        required=False,
        help_text="Auditors read the file in the case system. Leave empty to write a vignette instead.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    vignette = forms.CharField(
        label="Or a vignette, written without names",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self):
        data = super().clean()
        if bool((data.get("case_id") or "").strip()) == bool((data.get("vignette") or "").strip()):
            self.add_error("case_id", "Give a case system ID or write a vignette, not both")
        return data


class CalibrationGradesForm(GovukForm):
    """A grade for each practice area of the session's tool, and overall: a participant's, or the ones agreed."""

    def __init__(self, *args, sections, scale, learning_points: bool = False, **kwargs):
        super().__init__(*args, **kwargs)

        self.sections = list(sections)
        for section in self.sections:
            self.fields[f"section_{section.pk}"] = forms.ChoiceField(
                label=section.title,
                choices=scale.grades,
                widget=GovukRadios(attrs={"small": True}),
                error_messages={"required": f"Choose a grade for {section.title}"},
            )
        self.fields["overall"] = forms.ChoiceField(
            label="Overall grade",
            choices=scale.grades,
            widget=GovukRadios(attrs={"small": True}),
            error_messages={"required": "Choose an overall grade"},
        )
        if learning_points:
            self.fields["learning_points"] = forms.CharField(
                label="Learning points",
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text="What the session showed about how the practice areas are graded. It goes into the learning log.",
                error_messages={"required": "Write the learning points from the session"},
            )

    def section_grades(self) -> dict[int, str]:
        return {section.pk: self.cleaned_data[f"section_{section.pk}"] for section in self.sections}
