"""How the report's figures are written on its pages: no rate without a base, columns aligned by kind."""

from __future__ import annotations

from django import template

register = template.Library()

NO_RATE = "–"


@register.filter
def rate(value) -> str:
    """A percentage with its sign, or "–" where there was nothing to divide by."""
    return NO_RATE if value is None else f"{value:g}%"


@register.filter
def points(value) -> str:
    """A change in percentage points, signed ("+2.5"), or "–" where no change is drawn."""
    if value is None:
        return NO_RATE
    return f"+{value:g}" if value > 0 else f"{value:g}"


@register.filter
def cell(value) -> str:
    """A table cell: "–" for no value."""
    return NO_RATE if value is None else value


def _is_number(value) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


@register.filter
def is_number(value) -> bool:
    return _is_number(value)


@register.filter
def with_kinds(header, rows) -> list[tuple[str, bool]]:
    """Each column heading with whether its column holds numbers (GOV.UK tables right-align those, and only
    those): every cell in it a number or empty. The first column is the rows' headings; an empty table's
    columns are text."""
    rows = list(rows)
    return [(h, bool(rows) and n > 0 and all(_is_number(row[n]) for row in rows)) for n, h in enumerate(header)]


@register.filter
def small_months(trend) -> list[dict]:
    """The trend's months with too few audits to read a rate from."""
    return [month for month in trend if month.get("small_base")]


@register.filter
def long_date(iso: str | None) -> str:
    """ "2026-12-07" as "7 December 2026" (a report's dates are ISO strings, as frozen in its JSON)."""
    import datetime

    from caseaudit.reporting.periods import long_date as written

    return written(datetime.date.fromisoformat(iso)) if iso else ""
