from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from caseaudit.organisation.models import LegalStatus
from caseaudit.web.forms import GovukForm, GovukFormMixin, GovukRadios

from .models import CaseField, MappingProfile
from .readers import ImportFileError, check_size


class _UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (saved as CSV UTF-8) or an Excel .xlsx workbook. Nothing is imported until you have seen "
        "the dry run and confirmed it.",
        error_messages={"required": "Select the file to import", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as exc:
            raise ValidationError(str(exc)) from None
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise ValidationError("The file must be a CSV (.csv) or an Excel workbook (.xlsx)")
        return upload


class CaseImportForm(_UploadForm):
    profile = forms.ModelChoiceField(
        queryset=MappingProfile.objects.all(),
        required=False,
        empty_label="Work it out from the column headings",
        label="Mapping profile",
        help_text="How your case management system names the columns",
    )


class AuditImportForm(_UploadForm):
    open_plans = forms.BooleanField(
        required=False,
        label="Open live improvement plans for imported Inadequate audits",
        help_text="Leave this unticked for audits whose response was handled before CaseAudit.",
    )


class ProfileForm(GovukFormMixin, forms.ModelForm):
    legal_status_lines = forms.CharField(
        label="Legal statuses as the file writes them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line: the text in the file, an equals sign, then one of: "
        + ", ".join(label for _, label in LegalStatus.choices)
        + ". For example: CLA = Child looked after",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = MappingProfile
        fields = ["name", "system"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance
        for field, label in CaseField.choices:
            self.fields[f"col_{field}"] = forms.CharField(
                label=f"Column heading for: {label}",
                required=field in (CaseField.CASE_ID, CaseField.LEGAL_STATUS, CaseField.TEAM),
                max_length=120,
                initial=profile.columns.get(field, ""),
                error_messages={"required": f"Enter the column heading your file uses for {label.lower()}"},
            )
        labels = dict(LegalStatus.choices)
        self.fields["legal_status_lines"].initial = "\n".join(
            f"{text} = {labels.get(value, value)}" for text, value in profile.legal_statuses.items()
        )
        self.fields["version"].initial = profile.version
        self.apply_govuk_classes()

    def clean_legal_status_lines(self) -> dict[str, str]:
        by_label = {label.lower(): value for value, label in LegalStatus.choices}
        by_label.update({value: value for value in LegalStatus.values})
        mapping = {}
        for number, line in enumerate(self.cleaned_data["legal_status_lines"].splitlines(), start=1):
            if not line.strip():
                continue
            text, _, status = line.partition("=")
            value = by_label.get(status.strip().lower())
            if not text.strip() or value is None:
                raise ValidationError(
                    f"Line {number} must be the file's text, an equals sign, then a legal status CaseAudit knows"
                )
            mapping[text.strip().lower()] = value
        return mapping

    def apply(self) -> MappingProfile:
        profile = self.instance
        profile.columns = {
            field: self.cleaned_data[f"col_{field}"].strip()
            for field in CaseField.values
            if self.cleaned_data.get(f"col_{field}", "").strip()
        }
        profile.legal_statuses = self.cleaned_data["legal_status_lines"]
        return profile


class DeviationForm(GovukForm):
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            ("acknowledge", "Acknowledge it: the difference is known and explained"),
            ("escalate", "Escalate it to the plan's manager in line"),
        ],
        widget=GovukRadios,
        error_messages={"required": "Select whether to acknowledge or escalate the difference"},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What you found or what needs doing. It is kept with the difference.",
        error_messages={"required": "Enter a note saying why"},
    )
