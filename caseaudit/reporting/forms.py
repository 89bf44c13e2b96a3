import datetime

from django import forms

from caseaudit.organisation.models import ServiceArea, Team
from caseaudit.web.forms import DATE_INPUT_FORMATS, GovukDateInput, GovukForm, GovukRadios

from . import periods


class PeriodForm(GovukForm):
    kind = forms.ChoiceField(
        label="Period",
        widget=GovukRadios(attrs={"inline": True, "small": True}),
        initial="quarter",
        choices=[("month", "Month"), ("quarter", "Quarter"), ("year", "Financial year"), ("custom", "Dates I choose")],
    )
    day = forms.DateField(
        label="Any date in the month, quarter or year",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=GovukDateInput,
        error_messages={"invalid": "Enter a real date"},
    )
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=GovukDateInput,
        error_messages={"invalid": "Enter a real date for the start"},
    )
    end = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=GovukDateInput,
        error_messages={"invalid": "Enter a real date for the end"},
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(), required=False, empty_label="Whole council"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("service_area"), required=False, empty_label="All teams"
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "custom":
            if not data.get("start"):
                self.add_error("start", "Enter the first day of the period")
            if not data.get("end"):
                self.add_error("end", "Enter the last day of the period")
            if data.get("start") and data.get("end") and data["end"] < data["start"]:
                self.add_error("end", "The end must be on or after the start")
        return data

    def period(self, today: datetime.date) -> periods.Period:
        data = self.cleaned_data
        kind = data.get("kind") or "quarter"
        if kind == "custom":
            return periods.custom(data["start"], data["end"])
        day = data.get("day") or today
        return {"month": periods.month, "quarter": periods.quarter, "year": periods.financial_year}[kind](day)


class SummaryForm(GovukForm):
    summary = forms.CharField(
        label="Executive summary",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Drafted from the figures. Edit it before you publish.",
        error_messages={"required": "Write the executive summary"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
