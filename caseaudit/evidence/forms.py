from __future__ import annotations

from django import forms

from caseaudit.organisation.models import ServiceArea
from caseaudit.web.forms import GovukForm, date_field
from caseaudit.web.longtext import LongTextField

from .models import QUESTIONS

NARRATIVE_LIMIT = 30_000


class PackNewForm(GovukForm):
    start = date_field("From", required_message="Enter the first day of the period")
    end = date_field("To", required_message="Enter the last day of the period")
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(), required=False, empty_label="Whole council", label="Service area"
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end must be on or after the start")
            elif (end - start).days > 366:
                self.add_error("end", "A pack covers at most 12 months: the self-evaluation's year")
        return data


class PackEditForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, question in QUESTIONS.items():
            self.fields[key] = LongTextField(
                label=question, max_length=NARRATIVE_LIMIT, rows=14, what=question,
                help_text="Drafted from the figures. Say what they mean for children; edit freely.",
            )  # fmt: skip
        self.apply_govuk_classes()

    def narrative(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in QUESTIONS}
