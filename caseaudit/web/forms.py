"""GOV.UK Design System classes and ARIA wiring for ordinary Django forms."""

from __future__ import annotations

from django import forms

_WIDGET_CLASSES = {
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


class GovukFormMixin:
    """Give each widget its GOV.UK class, the error modifier when invalid, and
    aria-describedby pointing at the hint and error message the template renders."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    existing = widget.attrs.get("class", "")
                    widget.attrs["class"] = f"{css} {existing}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.auto_id}-hint")
            if name in self.errors:
                described_by.append(f"{bound.auto_id}-error")
                base = field.widget.attrs.get("class", "").split(" ")[0]
                if base in _ERROR_CLASSES and _ERROR_CLASSES[base] not in field.widget.attrs["class"]:
                    field.widget.attrs["class"] += f" {_ERROR_CLASSES[base]}"
                field.widget.attrs["aria-invalid"] = "true"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)


class GovukForm(GovukFormMixin, forms.Form):
    pass
