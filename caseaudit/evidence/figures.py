"""The evidence pack's figures, computed from the records: the period's report (reporting.report.build_report),
each practice area against the year before, the themes auditors write about, and the impact of the learning.

Every figure here is the report's own or a count of records; none is estimated. The previous period is the same
length of time ending the day before the pack's period starts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from caseaudit.learning.impact import impact_in_period
from caseaudit.organisation.models import ServiceArea
from caseaudit.reporting.figures import (
    GRADE_NAMES,
    Scope,
    grade_figures,
    grade_percents,
    is_small,
    section_figures,
    small_number_threshold,
)
from caseaudit.reporting.periods import Period
from caseaudit.reporting.report import build_report
from caseaudit.reporting.summary import rate_text
from caseaudit.reporting.theme_names import named


def last_twelve_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve whole months before this one: the year a self-evaluation looks back on, by default."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1) - relativedelta(months=11), end


def previous_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The same number of days, ending the day before `start`."""
    length = end - start
    before_end = start - datetime.timedelta(days=1)
    return before_end - length, before_end


def _area_row(name: str, now: dict[str, int] | None, then: dict[str, int] | None) -> dict:
    def rates(counts: dict[str, int] | None) -> tuple[int, float | None, float | None]:
        counts = counts or dict.fromkeys(GRADE_NAMES.values(), 0)  # an area not graded in that period
        total = sum(counts.values())
        percents = grade_percents(counts, total)
        return total, percents["good_or_better"], percents["Inadequate"]

    total, good, inadequate = rates(now)
    before, good_before, inadequate_before = rates(then)
    comparable = min(total, before) >= small_number_threshold()
    return {
        "area": name,
        "judgements": total,
        "good_or_better": good,
        "inadequate": inadequate,
        "previous_judgements": before,
        "previous_good_or_better": good_before,
        "previous_inadequate": inadequate_before,
        "comparable": comparable,
        "change_good_or_better": round(good - good_before, 1)
        if comparable and good is not None and good_before is not None
        else None,
        "small_base": is_small(total),
    }


def _side(table: dict, side: str) -> str:
    counted = table[side]["total"]
    if not table["ofsted"]:
        return f"{counted} judgements on {table['name']}"
    return f"{counted} judgements, {rate_text(table[side]['good_or_better'])} Good or better"


def impact_rows(impact: dict) -> list[dict]:
    """The impact of learning (learning/impact.py) as one row per piece of learning or recommendation, practice
    area and scale: the grades in the months before its date against the same length of time after, with the
    caution where the numbers are small or the months after have not all passed; a sentence for the narrative
    where a change can be drawn."""
    rows = []
    items = [(e["title"], e["date"], e["impact"]) for e in impact["entries"]]
    items += [(r["text"], r["date"], r["impact"]) for r in impact["recommendations"]]
    for title, date, found in items:
        for area in found["areas"]:
            for table in area["scales"]:
                change = (table.get("change") or {}).get("good_or_better")
                note = " ".join([table["caution"], *found["cautions"]]).strip()
                sentence = ""
                if change is not None:
                    sentence = (
                        f"After “{title}” ({date}), Good or better in {area['area']} went from "
                        f"{rate_text(table['before']['good_or_better'])} to {rate_text(table['after']['good_or_better'])} "
                        f"over the same length of time ({table['before']['total']} and {table['after']['total']} "
                        "judgements)."
                    )
                rows.append(
                    {
                        "title": title, "date": date, "area": area["area"], "scale": table["name"],
                        "before": _side(table, "before"), "after": _side(table, "after"),
                        "change_good_or_better": change, "note": note, "sentence": sentence,
                    }
                )  # fmt: skip
    return rows


def practice_area_trends(scope: Scope, before: Scope, sections: dict[str, dict[str, int]]) -> list[dict]:
    """Each practice area's final grades on Ofsted's scale this period and the period before: judgements counted,
    % Good or better and % Inadequate, and the change in points where both periods have enough judgements."""
    previous = section_figures(before)
    names = list(sections) + [name for name in previous if name not in sections]
    return [_area_row(name, sections.get(name), previous.get(name)) for name in names]


def pack_figures(
    start: datetime.date,
    end: datetime.date,
    service_area: ServiceArea | None = None,
    *,
    today: datetime.date | None = None,
    label: str | None = None,
    themes: Sequence[dict] = (),
) -> dict:
    """Everything the pack says, as plain data (frozen as JSON when it is published); `themes` as found
    (reporting/theme_names.themes_found), shown as QA has named and merged them."""
    period = Period(start, end, label or f"{start:%-d %B %Y} to {end:%-d %B %Y}")
    report = build_report(period, service_area=service_area, today=today)
    area_id = service_area.pk if service_area else None
    before_start, before_end = previous_period(start, end)
    scope, before = Scope(start, end, area_id), Scope(before_start, before_end, area_id)
    previous = grade_figures(before)
    return {
        "themes": named(list(themes)),
        "impact": impact_rows(impact_in_period(start, end, today or timezone.localdate())),
        "report": report,
        "previous": {
            "from": before_start.isoformat(),
            "to": before_end.isoformat(),
            "audits": previous["audits"],
            "percent": previous["percent"],
        },
        "practice_areas": practice_area_trends(scope, before, report["sections"]),
    }
