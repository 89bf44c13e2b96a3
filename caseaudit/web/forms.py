"""GOV.UK Design System classes and ARIA wiring for ordinary Django forms."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

from .dates import GovukDateField, GovukDateInput, date_field, error_parts

__all__ = ["GovukDateField", "GovukDateInput", "date_field"]  # the date input lives in dates.py

_WIDGET_CLASSES = {
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.widgets.Input: "govuk-input",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


# C0 control characters other than tab, newline and carriage return, DEL and the C1 range.
# PostgreSQL refuses NUL in text, spreadsheets (XLSX is XML) refuse the rest, and
# none of them is anything a person means to type: they arrive from pasted text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def reject_control_characters(value) -> None:
    if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the hidden control characters from this answer (they often come from pasted text)",
            code="control_characters",
        )


class ListedChoices(forms.models.ModelChoiceIterator):
    """A choice list's rows read in one plain query. Django's own iterator calls QuerySet.iterator(), which
    on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) to read thirty teams;
    the dashboard's filter form has three such lists (decision 0072)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class GovukFormMixin(_FormBase):
    """Give each widget its GOV.UK class, the error modifier when invalid, and
    aria-describedby pointing at the hint and error message the template renders."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.apply_govuk_classes()

    def apply_govuk_classes(self) -> None:
        """Forms that add fields after __init__ call this again."""
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_control_characters not in field.validators:
                # Django's own NUL check comes first with a less helpful message: replace it.
                field.validators = [
                    v for v in field.validators if type(v).__name__ != "ProhibitNullCharactersValidator"
                ] + [reject_control_characters]
            if isinstance(field, forms.ModelChoiceField) and field.iterator is forms.models.ModelChoiceIterator:
                field.iterator = ListedChoices
                field.widget.choices = field.choices  # the widget took its iterator when the field was made
            widget = field.widget
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    existing = widget.attrs.get("class", "")
                    if css and css not in existing.split():
                        widget.attrs["class"] = f"{css} {existing}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.auto_id}-hint")
            if isinstance(field.widget, GovukDateInput):
                # Only the Day, Month or Year box that is wrong is marked (and linked from the error summary).
                field.widget.error_parts = error_parts(self.errors[name].as_data()) if name in self.errors else ()
            if name in self.errors:
                described_by.append(f"{bound.auto_id}-error")
                base = (field.widget.attrs.get("class") or " ").split(" ")[0]
                if base in _ERROR_CLASSES and _ERROR_CLASSES[base] not in field.widget.attrs.get("class", ""):
                    field.widget.attrs["class"] += f" {_ERROR_CLASSES[base]}"
                if not getattr(field.widget, "use_fieldset", False):
                    field.widget.attrs["aria-invalid"] = "true"
            # Radios and checkboxes are described on their fieldset instead.
            if described_by and not getattr(field.widget, "use_fieldset", False):
                field.widget.attrs["aria-describedby"] = " ".join(described_by)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukRadios(forms.RadioSelect):
    template_name = "django/forms/widgets/radio.html"

    def __init__(self, attrs=None, choices=(), option_hints: dict | None = None):
        super().__init__(attrs, choices)
        self.option_hints = option_hints or {}

    def create_option(self, *args, **kwargs):
        # GOV.UK hint text under one radio (e.g. what a grade means), read out with that radio.
        option = super().create_option(*args, **kwargs)
        option["hint"] = self.option_hints.get(option["value"], "")
        return option


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "django/forms/widgets/checkbox_select.html"


def error_anchor(bound_field) -> str:
    """Where an error summary link should land: the first radio or checkbox of a group, the first wrong box
    of a date."""
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateInput):
        return f"{bound_field.auto_id}_{(widget.error_parts or ('day',))[0]}"
    if getattr(bound_field.field.widget, "use_fieldset", False) and bound_field.widget_type != "checkbox":
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def summary_errors(*forms, extra: list[str] | None = None) -> list[tuple[str, str]]:
    """One GOV.UK error summary for a page with several forms: (anchor, message) pairs in page order."""
    errors = [("", message) for message in (extra or [])]
    for form in forms:
        for message in form.non_field_errors():
            first = next(iter(form.visible_fields()), None)
            errors.append((error_anchor(first) if first else "", message))
        for field in form.visible_fields():
            errors.extend((error_anchor(field), message) for message in field.errors)
    return errors
