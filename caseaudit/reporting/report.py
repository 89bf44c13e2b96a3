"""A whole period report: figures, comparisons, monthly trend. Plain data, so it can be frozen as JSON."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from caseaudit.learning.selectors import learning_in_period, recommendation_statuses

from . import tallies
from .calibration import calibration_figures
from .feedback import family_feedback_figures
from .figures import (
    Scope,
    audit_figures,
    grade_figures,
    improvement_figures,
    is_small,
    scope_teams,
    small_number_threshold,
    tally_grade_figures,
    timeliness_kinds,
)
from .periods import COMPARISON_ORDER, Period, comparisons

COMPARED = ["Outstanding", "Good", "Requires Improvement", "Inadequate", "good_or_better"]


def monthly_trend(scope: Scope, months: int = 12, as_at: datetime.date | None = None) -> list[dict]:
    """Case file audits per month for the months up to the period's end (or the as-at date, while it runs):
    count, % Good or better, % Inadequate, and whether the month's audits are too few to read a rate from."""
    last = min(scope.end, as_at or scope.end)
    first = last.replace(day=1) - relativedelta(months=months - 1)
    teams = scope_teams(scope)
    trend = []
    for day, by_team in sorted(tallies.month_tallies(first, last).items()):
        row = tally_grade_figures(tallies.total({day: by_team}, teams))
        # The month's audits on Ofsted's scale: the base of its percentages (another scale's are apart).
        total = row["audits"]["ofsted_scale"]
        trend.append(
            {
                "month": day.strftime("%Y-%m"),
                "label": day.strftime("%b %Y"),
                "total": total,
                "good_or_better": row["percent"]["good_or_better"],
                "inadequate": row["percent"]["Inadequate"],
                "small_base": is_small(total),
            }
        )
    return trend


def build_report(period: Period, *, service_area=None, team=None, today: datetime.date | None = None) -> dict:
    """The report's figures, computed now from the records. A period that has not ended is counted as at
    `today` (the local date unless given): the JSON says so in `as_at` and `period.running`."""
    today = today or timezone.localdate()
    running = period.end > today
    as_at = today if running else period.end
    scope = Scope(period.start, period.end, service_area.pk if service_area else None, team.pk if team else None)
    figures = audit_figures(scope)
    threshold = small_number_threshold()
    # Comparison periods often coincide (for a financial year, the previous period and the last
    # year-end are the same year, and the year to date is the period itself): compute each once,
    # and only what a comparison shows (the total and the grade percentages: one query).
    computed = {scope: figures}
    compared = {}
    for key, other in comparisons(period).items():
        other_scope = Scope(other.start, other.end, scope.service_area_id, scope.team_id)
        if other_scope not in computed:
            computed[other_scope] = grade_figures(other_scope)
        other_figures = computed[other_scope]
        # The audits the percentages are of: those on Ofsted's scale (another scale's are never compared).
        other_total = other_figures["audits"]["ofsted_scale"]
        # A change in percentage points means something only when both periods hold enough audits: 1 audit
        # against 27 gave "Inadequate is down 96.3 percentage points".
        comparable = min(figures["audits"]["ofsted_scale"], other_total) >= threshold
        compared[key] = {
            "label": other.label,
            "from": other.start.isoformat(),
            "to": other.end.isoformat(),
            "total": other_total,
            "percent": {name: other_figures["percent"][name] for name in COMPARED},
            "comparable": comparable,
            "change_points": {
                name: _change(figures["percent"][name], other_figures["percent"][name]) if comparable else None
                for name in COMPARED
            },
        }
    label = period.label_on(today)
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "label": label,
            "running": running,
        },
        "as_at": as_at.isoformat(),
        "small_numbers": {"threshold": threshold, "small_base": is_small(figures["audits"]["total"])},
        "service_area": str(service_area) if service_area else None,
        "team": str(team) if team else None,
        **figures,
        "improvement": improvement_figures(scope, as_at),
        "comparisons": compared,
        "learning": learning_in_period(period.start, period.end),
        "recommendations": recommendation_statuses(),
        "trend": monthly_trend(scope, as_at=as_at),
        "family_feedback": family_feedback_figures(scope),
        "calibration": calibration_figures(scope),
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _change(now: float | None, then: float | None) -> float | None:
    """Percentage points from `then` to `now`; no change is drawn from or to no rate."""
    if now is None or then is None:
        return None
    return round(now - then, 1)


def in_report_order(report: dict) -> dict:
    """A published snapshot with its tables in build_report's order. PostgreSQL's jsonb stores a dict's keys
    shortest first, so a snapshot read back has its comparisons ("year to date" first), timeliness stages
    ("Re-audit" first) and practice areas out of order; the figures are untouched. Keys this code does
    not know keep their stored order, after the known ones."""
    from caseaudit.improvement.models import StageKind

    ordered = dict(report)
    if isinstance(report.get("sections"), dict):
        ordered["sections"] = _in_order(report["sections"], report.get("section_order", ()))
    if isinstance(report.get("comparisons"), dict):
        ordered["comparisons"] = _in_order(report["comparisons"], COMPARISON_ORDER)
    improvement = report.get("improvement")
    if isinstance(improvement, dict) and isinstance(improvement.get("stages"), dict):
        labels = [StageKind(kind).label for kind in timeliness_kinds()]
        ordered["improvement"] = {**improvement, "stages": _in_order(improvement["stages"], labels)}
    return ordered


def _in_order(stored: dict, order) -> dict:
    rank = {key: n for n, key in enumerate(order)}
    return dict(sorted(stored.items(), key=lambda item: rank.get(item[0], len(rank))))
