from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from caseaudit.web.forms import GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": (
            "Enter a correct email address and password. After %(limit)s wrong attempts in a row "
            "the account is locked for %(minutes)s minutes."
        ),
        "inactive": "This account has been deactivated. Ask your QA administrator if you still need access.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid_login": self.error_messages["invalid_login"]
            % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        }
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        # Error messages in GOV.UK wording: say what to do, not what went wrong.
        self.fields["username"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
            }
        )
        self.fields["password"].error_messages.update({"required": "Enter your password"})
