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

    def clean(self):
        from .backends import password_allowed

        email = self.cleaned_data.get("username")
        if email and not password_allowed(email):
            # Said before the password is checked, so it tells nothing about the password.
            raise forms.ValidationError(
                f"Sign in with your {settings.CASEAUDIT_OIDC_ACCOUNT_NAME} account: CaseAudit passwords are only "
                "for break-glass administrators.",
                code="passwords_off",
            )
        return super().clean()


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    """The second sign-in step: a code from the app, or a recovery code."""

    code = forms.CharField(
        label="Enter the 6-digit code from your authenticator app",
        help_text="If you cannot use your app, enter one of your recovery codes instead.",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, person, *args, **kwargs):
        self.person = person
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        from .two_factor import code_already_used, code_check

        code = self.cleaned_data["code"]
        # The check is done here so the error is shown like any other field error.
        self.device = code_check(person=self.person, code=code)
        if self.device is None and code_already_used(person=self.person, code=code):
            raise forms.ValidationError(
                "That code has already been used. Wait for your authenticator app to show a new code, then enter it."
            )
        if self.device is None:
            raise forms.ValidationError(
                "Enter the code your authenticator app shows now, or an unused recovery code. "
                "After several wrong codes you must wait a little longer before each try."
            )
        return code


class TwoFactorSetUpForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Enter the 6-digit code your app shows",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, person, device, *args, **kwargs):
        self.person, self.device = person, device
        self.recovery_codes: list[str] | None = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        from .two_factor import app_confirm

        code = self.cleaned_data["code"]
        self.recovery_codes = app_confirm(person=self.person, device_id=self.device.pk, code=code)
        if self.recovery_codes is None:
            raise forms.ValidationError("Enter the 6-digit code your authenticator app shows now")
        return code
