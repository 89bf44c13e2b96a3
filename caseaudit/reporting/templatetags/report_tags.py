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


@register.simple_tag
def other_scales(report: dict, charts: dict) -> list[dict]:
    """Each other grading scale's block with its charts and its tables' titles, in the scales' order: a template
    cannot look a dict up by a variable key."""
    from caseaudit.reporting.exports import scale_table_titles

    drawn = charts.get("scales", {}) if charts else {}
    return [
        {**block, "key": key, "charts": drawn.get(key, {}), "tables": scale_table_titles(block)}
        for key, block in (report.get("other_scales") or {}).items()
    ]


@register.filter
def compared_pairs(block: dict) -> list[tuple[str, dict]]:
    """A scale's comparisons that have pairs, labelled as the report's tables label them."""
    from caseaudit.reporting.exports import COMPARED_PAIRS

    return [(label, block[key]) for key, label in COMPARED_PAIRS.items() if block.get(key, {}).get("pairs")]
