from django import forms

from caseaudit.web.forms import GovukFormMixin, date_field


class SubjectAccessForm(GovukFormMixin, forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[("pdf", "PDF, to send to the person asking"), ("json", "JSON, a structured copy")],
        widget=forms.RadioSelect,
        initial="pdf",
        error_messages={"required": "Select a format"},
    )
    redact_staff = forms.BooleanField(
        label="Replace the names of staff with their role and a pseudonym (Worker A, Worker B)",
        required=False,
        help_text="The same person has the same pseudonym throughout the export.",
    )


class HistoryFilterForm(GovukFormMixin, forms.Form):
    person = forms.CharField(
        label="Person", required=False, help_text="Part of a name or email address", max_length=150
    )
    date_from = date_field("From", required=False)
    date_to = date_field("To", required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "‘To’ must be the same as or after ‘From’")
        return data
