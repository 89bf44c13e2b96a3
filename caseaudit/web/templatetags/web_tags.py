from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def lockout_minutes(value: timedelta | None) -> str:
    if not value:
        return "a while"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@register.filter
def anchor(bound_field) -> str:
    from caseaudit.web.forms import error_anchor

    return error_anchor(bound_field)


@register.filter
def as_hidden_inputs(bound_field) -> str:
    """What a field holds, as hidden inputs without ids: to carry the answers of a GET form into a POST form on
    the same page. A date input gives its Day, Month and Year boxes; an empty field gives nothing."""
    from django.utils.html import format_html_join

    from caseaudit.web.dates import PARTS, GovukDateInput

    value = bound_field.value()
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateInput):
        pairs = [
            (f"{bound_field.html_name}_{part}", text)
            for part, text in zip(PARTS, widget.parts(value), strict=True)
            if text not in (None, "")
        ]
    else:
        pairs = [(bound_field.html_name, value)] if value else []
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', pairs)


@register.filter
def get_field(form, name: str):
    return form[name]


@register.filter
def as_group(bound_field):
    return bound_field.as_field_group()


@register.filter
def confirmation_parts(message) -> tuple[str, str]:
    """(title, what happens next) of a confirmation message (caseaudit/web/confirmation.py)."""
    from caseaudit.web.confirmation import parts

    return parts(message)
