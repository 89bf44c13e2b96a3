"""Charts drawn on the server as SVG: printable by WeasyPrint and readable by screen readers
(each has a title and a description, patterns as well as colours, numbers written on the bars,
and its data table beside it on the page)."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure

matplotlib.use("Agg")  # no display on a server

GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
# GOV.UK palette; the hatching tells grades apart without colour.
COLOURS = {"Outstanding": "#00703c", "Good": "#1d70b8", "Requires Improvement": "#f47738", "Inadequate": "#d4351c"}
HATCHES = {"Outstanding": "", "Good": "//", "Requires Improvement": "..", "Inadequate": "xx"}
SERIES_HATCH = ["", "//"]
SERIES_COLOURS = ["#1d70b8", "#b1b4b6"]

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "svg.fonttype": "none",
        "hatch.linewidth": 0.6,
        # Clip-path ids from a fixed salt: the same figures always give the same SVG (and so the same PDF).
        "svg.hashsalt": "caseaudit",
    }
)


def _figure(size: tuple[float, float]):
    """A figure of its own, outside pyplot: pyplot keeps every open figure in one global list, which two
    threads of a gunicorn worker drawing at once would share (matplotlib's object API has no such state)."""
    fig = Figure(figsize=size)
    return fig, fig.subplots()


def _svg(fig, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    # matplotlib numbers its ids from 1 in every chart: prefix them so charts can share a page.
    svg = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{chart_id}-\1"', svg)
    # Name the image for assistive technology; the table beside it has the numbers.
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" ',
        1,
    )
    head = svg.index(">", svg.index("<svg")) + 1
    svg = (
        svg[:head]
        + f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + svg[head:]
    )
    return re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def grade_distribution(
    current: dict,
    current_label: str,
    other: dict | None,
    other_label: str,
    grades: list[str] = GRADES,
    chart_id: str = "chart-grades",
    title: str = "Overall grades",
) -> str:
    """The percentage of audits at each grade of a scale (Ofsted's by default), against another period's."""
    series = [(current_label, current)] + ([(other_label, other)] if other else [])
    fig, ax = _figure((7.5, 3.6))
    width = 0.8 / len(series)
    for n, (label, values) in enumerate(series):
        xs = [i + n * width for i in range(len(grades))]
        bars = ax.bar(
            xs,
            [values[g] or 0 for g in grades],
            width,
            label=label,
            color=SERIES_COLOURS[n],
            hatch=SERIES_HATCH[n],
            edgecolor="#0b0c0c",
            linewidth=0.5,
        )
        ax.bar_label(bars, labels=[_rate(values[g]) for g in grades], padding=2, fontsize=9)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(grades))], grades)
    if len(grades) > 6:  # a scaling question's eleven points: room for their percentages above the bars
        for text in ax.texts:
            text.set_fontsize(7)
    ax.set_ylabel("% of case file audits")
    ax.set_ylim(0, max(100, 0))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, loc="upper right")
    described = "; ".join(
        f"{g}: {_rate(current[g])}" + (f" against {_rate(other[g])}" if other else "") for g in grades
    )
    return _svg(fig, chart_id, title, f"Percentage of case file audits by final grade. {described}.")


def scale_colours(grades: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Colours and hatches for another scale's grades, best first: green through amber to red, the pattern
    changing with each grade so they are told apart without colour."""
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps["RdYlGn_r"]
    patterns = ["", "//", "..", "xx", "\\\\", "++"]
    n = max(len(grades) - 1, 1)
    return (
        {g: to_hex(cmap(0.1 + 0.8 * i / n)) for i, g in enumerate(grades)},
        {g: patterns[i % len(patterns)] for i, g in enumerate(grades)},
    )


def practice_areas(
    sections: dict[str, dict[str, int]],
    grades: list[str] = GRADES,
    chart_id: str = "chart-areas",
    title: str = "Grades by practice area",
) -> str:
    """Each practice area's judgements as one bar, split by grade (Ofsted's scale by default)."""
    colours, hatches = (COLOURS, HATCHES) if grades == GRADES else scale_colours(grades)
    names = list(sections)
    fig, ax = _figure((7.5, 0.5 * max(len(names), 1) + 1.2))
    left = [0.0] * len(names)
    for grade in grades:
        shares = []
        for name in names:
            total = sum(sections[name].values())
            shares.append(100 * sections[name][grade] / total if total else 0)
        bars = ax.barh(
            names,
            shares,
            left=left,
            color=colours[grade],
            hatch=hatches[grade],
            edgecolor="#ffffff",
            linewidth=0.5,
            label=grade,
        )
        ax.bar_label(
            bars,
            labels=[f"{s:.0f}%" if s >= 8 else "" for s in shares],
            label_type="center",
            fontsize=8,
            color="#0b0c0c" if grade == "Requires Improvement" or grades != GRADES else "#ffffff",
        )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of practice-area judgements")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, ncol=min(len(grades), 6), loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
    described = "; ".join(f"{name}: " + ", ".join(f"{sections[name][g]} {g}" for g in grades) for name in names)
    return _svg(fig, chart_id, title, f"Counts of final grades in each practice area. {described}.")


def trend(rows: list[dict]) -> str:
    """Monthly rates. A month with too few audits to read a rate from (`small_base`) is not joined into the
    lines: its points are drawn hollow and grey, labelled with the number of audits, and the description
    says so (a month of 2 audits at 100% is not a spike in practice). A month with none has no point."""
    labels = [r["label"] for r in rows]
    fig, ax = _figure((7.5, 3.2))
    nan = float("nan")
    series = [
        ("good_or_better", "Good or better", "o", "-", "#1d70b8", 6),
        ("inadequate", "Inadequate", "s", "--", "#d4351c", -12),
    ]
    small = [bool(r.get("small_base")) for r in rows]
    for key, label, marker, style, colour, offset in series:
        values = [nan if r[key] is None else r[key] for r in rows]
        ax.plot(
            labels,
            [nan if is_small else v for v, is_small in zip(values, small, strict=True)],
            marker=marker,
            linestyle=style,
            color=colour,
            label=label,
        )
        if any(small):
            ax.plot(
                labels,
                [v if is_small else nan for v, is_small in zip(values, small, strict=True)],
                marker=marker,
                linestyle="none",
                markerfacecolor="none",
                color="#505a5f",
            )
        for x, (value, is_small) in enumerate(zip(values, small, strict=True)):
            if value == value:  # not NaN
                text = f"{value:g}" + ("*" if is_small else "")
                ax.annotate(text, (x, value), textcoords="offset points", xytext=(0, offset), ha="center", fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of case file audits")
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False)
    if any(small):
        ax.annotate(
            "* hollow grey points: too few audits that month to read a rate from",
            (0, -0.36),
            xycoords="axes fraction",
            fontsize=7,
            color="#505a5f",
        )
    described = "; ".join(_trend_month(r) for r in rows)
    return _svg(fig, "chart-trend", "Trend by month", f"Monthly percentages of case file audits. {described}.")


def _trend_month(row: dict) -> str:
    if not row["total"]:
        return f"{row['label']}: no audits"
    text = f"{row['label']}: {_rate(row['good_or_better'])} Good or better, {_rate(row['inadequate'])} Inadequate"
    if row.get("small_base"):
        text += f" (only {row['total']} audit{'s' if row['total'] != 1 else ''}: too few to read a rate from)"
    return text


CHART_CACHE_SECONDS = 24 * 3600


def report_charts(report: dict) -> dict:
    """The report's charts, drawn once per distinct set of figures.

    Drawing is most of the report page's time (1.5 s of 2.5 s at 100,000 audits, measured), and everyone
    opening the same quarter sees the same figures. The cache key is a hash of exactly the figures the
    charts draw, so a changed figure is a new key: nothing to invalidate, never a stale chart.
    """
    import hashlib
    import json

    from django.core.cache import cache

    other = report["comparisons"].get("last_financial_year")
    # The areas as a list: their order is drawn, and sort_keys would lose it from a dict.
    drawn = [
        report["percent"],
        report["period"]["label"],
        other,
        list(report["sections"].items()),
        report["trend"],
        report.get("other_scales"),
    ]
    key = "report-charts:" + hashlib.sha256(json.dumps(drawn, sort_keys=True, default=str).encode()).hexdigest()
    charts = cache.get(key)
    if charts is None:
        charts = _draw(report, other)
        cache.set(key, charts, CHART_CACHE_SECONDS)
    return charts


def _draw(report: dict, other: dict | None) -> dict:
    return {
        "grades": grade_distribution(
            report["percent"],
            report["period"]["label"],
            other["percent"] if other and other["total"] else None,
            other["label"] if other else "",
        ),
        "areas": practice_areas(report["sections"]) if report["sections"] else "",
        "trend": trend(report["trend"]),
        "scales": {
            key: _scale_charts(key, block, report["period"]["label"])
            for key, block in report.get("other_scales", {}).items()
        },
    }


def _scale_charts(key: str, block: dict, period: str) -> dict[str, str]:
    """Another scale's own charts: its grades, never on the same axes as Ofsted's (audits/scales.py)."""
    grades = list(block["grades"])
    return {
        "grades": grade_distribution(
            block["percent"], period, None, "", grades, f"chart-grades-{key}", f"Overall grades: {block['scale']}"
        ),
        "areas": practice_areas(
            {name: block["sections"][name] for name in block["section_order"]},
            grades,
            f"chart-areas-{key}",
            f"Grades by practice area: {block['scale']}",
        )
        if block["section_order"]
        else "",
    }
