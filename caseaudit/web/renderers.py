"""The form renderer: Django's TemplatesSetting (GOV.UK markup from caseaudit/templates/django/forms), except
that a select list is written here.

A select's template ran its loop, its branches and an attribute loop for every option: on the monitoring
dashboard, whose filters list every team and every team manager, that was half of drawing the filters
(decision 0079). The markup is Django's own select and option templates', byte for byte
(tests/test_forms.py renders both), so a select looks and behaves as anywhere else in Django.
"""

from __future__ import annotations

from html import escape

from django.forms.renderers import TemplatesSetting

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """What {{ value }} writes: markup already marked safe as it is, anything else escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def write_select(widget: dict) -> str:
    """Django's select.html, with each option as its select_option.html writes it."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'
                "\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class GovukRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        # A widget with an option template of its own is drawn by its templates.
        if widget is not None and all(
            o.get("template_name") == OPTION for _, group, _ in widget["optgroups"] for o in group
        ):
            return write_select(widget)
        return super().render(template_name, context, request)
