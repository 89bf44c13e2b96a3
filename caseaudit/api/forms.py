from django import forms

from caseaudit.web.forms import GovukFormMixin

from .models import Scope
from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What it is for, for example 'Power BI'", error_messages={"required": "Enter a name"}
    )
    days = forms.IntegerField(
        label="Days until it expires",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Days must be a whole number",
            "min_value": "Days must be 1 or more",
            "max_value": f"Days must be {MAX_DAYS} or fewer",
        },
    )


class ServiceTokenForm(TokenForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope"},
    )
