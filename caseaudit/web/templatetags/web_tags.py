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
