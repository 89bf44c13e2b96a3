from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def lockout_minutes(value: timedelta | None) -> str:
    if not value:
        return "a while"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
