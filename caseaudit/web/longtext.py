"""Long free text with a stated limit: the GOV.UK character count component.

The limit is stated under the box ("You can enter up to 5,000 characters"); with JavaScript,
govuk-frontend's character count (data-module="govuk-character-count") counts down as the person
types. The server refuses more with GOV.UK's wording ("Evidence must be 5,000 characters or less").
caseaudit/templates/django/forms/field.html draws the form group around it.
"""

from __future__ import annotations

from django import forms


class CharacterCount(forms.Textarea):
    """A textarea the character count enhances. No `maxlength` attribute: a browser would cut pasted
    text off silently, where GOV.UK lets the person go over and tells them by how much."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.pop("maxlength", None)
        classes = widget_attrs.get("class", "").split()
        if "govuk-js-character-count" not in classes:
            widget_attrs["class"] = " ".join([*classes, "govuk-js-character-count"])
        if widget_attrs.get("id"):
            # The limit is read out with the box, before its hint and error (as GOV.UK's macro writes it).
            described = [f"{widget_attrs['id']}-info", *widget_attrs.get("aria-describedby", "").split()]
            widget_attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return context


class LongTextField(forms.CharField):
    """Free text up to `max_length` characters, counted as the person sees them."""

    def __init__(self, *, max_length: int, what: str | None = None, rows: int = 5, **kwargs) -> None:
        kwargs.setdefault("widget", CharacterCount(attrs={"rows": rows}))
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, **kwargs)
        name = what or str(self.label or "This")
        self.error_messages.setdefault("max_length", f"{name} must be {max_length:,} characters or less")

    @property
    def character_count(self) -> int:
        return self.max_length or 0

    @property
    def character_count_message(self) -> str:
        return f"You can enter up to {self.max_length:,} characters"

    def to_python(self, value):
        # Browsers send each line break as two characters (CR LF); the count on the page, and the person,
        # see one. Without this, a text the page says fits could be refused.
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
