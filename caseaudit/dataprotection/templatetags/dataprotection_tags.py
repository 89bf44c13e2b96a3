from django import template

register = template.Library()


@register.filter
def person(value) -> str:
    """{"role": ..., "name": ...} as "Name (role)"; nobody as a dash."""
    if not value:
        return "–"
    return f"{value['name']} ({value['role']})"


@register.filter
def changed(value) -> str:
    """auditlog's [before, after] pair, or its other shapes, as readable text."""
    if isinstance(value, list) and len(value) == 2:
        return f"from “{value[0]}” to “{value[1]}”"
    return str(value)
