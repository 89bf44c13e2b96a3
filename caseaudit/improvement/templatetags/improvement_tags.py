"""The monitoring dashboard's table rows, from a small Jinja2 template (templates/improvement/_dashboard_rows.jinja).

A page of 50 plans in Django's template language was some 2,000 lookups, a quarter of the page's time; the rows
were then written in Python (decision 0078). A Jinja2 template keeps nine tenths of that gain and reads as a
template again (decision 0101; bench/dashboard_rows_bench.py measures all three). Only these rows use Jinja2:
the rest of the page, and every other page, stay in Django's templates."""

from pathlib import Path

import jinja2
from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "improvement"
# Autoescape on; StrictUndefined, so a field renamed on DashboardRow fails loudly instead of writing nothing.
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False
)
_ENV.globals["plan_url"] = lambda pk: reverse("improvement:plan_show", args=[pk])


@register.simple_tag
def dashboard_rows(rows):
    """Every row of the table (selectors.DashboardRow)."""
    # Safe: Jinja2 escaped every value (autoescape), and the rest is the template's own markup.
    return mark_safe(_ENV.get_template("_dashboard_rows.jinja").render(rows=rows))  # noqa: S308
