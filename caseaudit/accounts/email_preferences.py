"""A person's email preferences: the emails they may turn off, on their own account (decision 0088).

Urgent safeguarding concerns and the improvement process's steps and deadlines are always sent, so they are
not offered here; the page says so."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from caseaudit.organisation.models import Person
from caseaudit.organisation.services import email_preferences_save
from caseaudit.web.forms import GovukCheckboxes, GovukForm

ASSIGNED, SHARED = "audits_assigned", "audits_shared"


class EmailPreferencesForm(GovukForm):
    emails = forms.MultipleChoiceField(
        label="Email me when",
        help_text="Select all that apply. Clear a box to stop that email.",
        choices=[
            (ASSIGNED, "An audit is assigned to me"),
            (SHARED, "An audit of my case, or of my team's case, is shared with me"),
        ],
        required=False,
        widget=GovukCheckboxes,
        error_messages={
            "invalid_choice": "Select only the emails listed",
            "invalid_list": "Select only the emails listed",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emails"].legend_class = "govuk-fieldset__legend--m"  # type: ignore[attr-defined]

    @classmethod
    def for_person(cls, person: Person, data=None) -> EmailPreferencesForm:
        chosen = [ASSIGNED] * person.email_audits_assigned + [SHARED] * person.email_audits_shared
        return cls(data, initial={"emails": chosen})

    def chosen(self) -> dict[str, bool]:
        """The service's keyword arguments: each email on or off."""
        picked = set(self.cleaned_data["emails"])
        return {ASSIGNED: ASSIGNED in picked, SHARED: SHARED in picked}


def email_preferences(request):
    person = request.user
    # Bound on every POST: clearing every box posts no field at all, and still means "turn them all off".
    form = EmailPreferencesForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email_preferences_save(person=person, **form.chosen())
        messages.success(request, "Your email preferences are saved.")
        return redirect("accounts:account")
    return render(request, "accounts/email_preferences.html", {"form": form})
