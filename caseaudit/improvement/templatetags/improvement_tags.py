"""The monitoring dashboard's table rows, written in Python as Django's admin writes its change list's cells
(admin_list.items_for_result): a page of 50 plans was some 2,000 template lookups, a quarter of its time.
Every value is escaped with the standard library's html.escape, as Django's own escape does, once each:
format_html per cell cost nearly as much as the template (decision 0078)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()

_REPEAT = '<br><strong class="govuk-tag govuk-tag--red">Repeat inadequate</strong>'
_NOT_NEEDED = '<td class="govuk-table__cell"><span class="govuk-hint govuk-!-margin-0">Not needed</span></td>'


def _stage_cell(cell) -> str:
    if cell is None:
        return _NOT_NEEDED
    tag = f'<strong class="govuk-tag govuk-tag--{escape(cell.tag)}">{escape(cell.label)}</strong>' if cell.tag else ""
    return f'<td class="govuk-table__cell">{tag}<br><span class="govuk-body-s">{escape(cell.when)}</span></td>'


def _row(row) -> str:
    plan = row.plan
    href = escape(reverse("improvement:plan_show", args=[plan.pk]))
    overdue = (
        f'<br><strong class="govuk-tag govuk-tag--red">{row.overdue_actions:d} overdue</strong>'
        if row.overdue_actions
        else ""
    )
    return (
        '<tr class="govuk-table__row">\n'
        f'    <td class="govuk-table__cell"><a class="govuk-link" href="{href}">{escape(plan.case_id)}</a>'
        f'<br><span class="govuk-body-s">{escape(plan.team)}</span>{_REPEAT if plan.repeat_inadequate else ""}</td>\n'
        f'    <td class="govuk-table__cell">{escape(plan.responsible or "Not named")}</td>\n'
        f"    {''.join(_stage_cell(cell) for cell in row.cells.values())}\n"
        f'    <td class="govuk-table__cell">{row.open_actions:d} open{overdue}</td>\n'
        "  </tr>"
    )


@register.simple_tag
def dashboard_rows(rows):
    """Every row of the table (selectors.DashboardRow), as the template drew them."""
    # Safe: every value above went through escape(), and the rest is this module's own markup.
    return mark_safe("".join(_row(row) for row in rows))  # noqa: S308
