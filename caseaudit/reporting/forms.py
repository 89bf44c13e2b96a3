import datetime

from django import forms

from caseaudit.organisation.models import ServiceArea, Team
from caseaudit.web.forms import GovukForm, GovukRadios, date_field

from . import periods


class PeriodForm(GovukForm):
    kind = forms.ChoiceField(
        label="Period",
        widget=GovukRadios(attrs={"inline": True, "small": True}),
        initial="quarter",
        choices=[("month", "Month"), ("quarter", "Quarter"), ("year", "Financial year"), ("custom", "Dates I choose")],
    )
    day = date_field("Any date in the month, quarter or year", invalid_message="Enter a real date", required=False)
    start = date_field("From", invalid_message="Enter a real date for the start", required=False)
    end = date_field("To", invalid_message="Enter a real date for the end", required=False)
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(), required=False, empty_label="Whole council"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("service_area"), required=False, empty_label="All teams"
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "custom":
            # A date already refused ("From must include a month") needs no second message.
            if not data.get("start") and not self.has_error("start"):
                self.add_error("start", "Enter the first day of the period")
            if not data.get("end") and not self.has_error("end"):
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


class ThemeNameForm(GovukForm):
    key = forms.CharField(max_length=300, widget=forms.HiddenInput)
    label = forms.CharField(label="Name", max_length=100, required=False)
    merged_into = forms.CharField(max_length=300, required=False)
