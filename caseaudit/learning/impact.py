"""The impact of learning (issue 35, point 3): a practice area's grades in the audits before and after a piece of
learning, or a recommendation agreed, for the learning pages and the evidence pack.

How it is counted (a successor will be asked about this in front of Ofsted):
- The after-window starts on the date (the learning's, or the day the recommendation was agreed) and runs for
  `months` calendar months, that day included: from 2 March, six months is 2 March to 1 September. While it is
  still running it is counted to today; a date still to come has no after-window yet.
- The before-window is the same number of days, ending the day before. The two are always of equal length, so
  the counts on each side are of the same span of time, and a running after-window shortens the before-window.
- Counted: the final grade (the moderator's where there is one, else the auditor's) of each judgement of the
  practice area in finished (finalised or shared) case file audits and re-audits dated in a window. Themed audits
  are not counted, as in the period report. A practice area is matched by its title, across tool versions.
- Each scale is kept apart and never added to another (audits/scales.py), Ofsted's first: counts per grade, and
  for Ofsted's the % Good or better and % Inadequate (one decimal, rounded half up; None with no grades) and
  their change in percentage points.
- Fewer judgements than the small-number threshold on either side: the counts are shown with a caution and no
  change is drawn (1 against 27 once read as "down 96.3 points").

Everything returned is plain data (dates as ISO text), so the evidence pack can freeze it as JSON.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Value
from django.db.models.functions import Coalesce, NullIf

from caseaudit.audits import scales
from caseaudit.audits.grades import Grade
from caseaudit.audits.models import DONE_STATUSES, AuditKind, SectionJudgement, ToolKind, ToolSection

from .models import LearningEntry, Recommendation

COUNTED_KINDS = (AuditKind.CASE_FILE, AuditKind.RE_AUDIT)
GOOD_OR_BETTER = (Grade.OUTSTANDING.value, Grade.GOOD.value)
INADEQUATE = Grade.INADEQUATE.value
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Windows:
    on: datetime.date
    full_end: datetime.date  # the last day of the after-window once it has run its course
    days: int  # the length of each window as counted (0 for a date still to come)
    running: bool  # the after-window has not yet run its course: its figures can still change
    not_started: bool  # the date is still to come: there is nothing after it yet

    @property
    def after(self) -> tuple[datetime.date, datetime.date] | None:
        return (self.on, self.on + (self.days - 1) * DAY) if self.days else None

    @property
    def before(self) -> tuple[datetime.date, datetime.date] | None:
        return (self.on - self.days * DAY, self.on - DAY) if self.days else None


def impact_windows(on: datetime.date, today: datetime.date, months: int = 6) -> Windows:
    full_end = on + relativedelta(months=months) - DAY
    days = 0 if on > today else (min(full_end, today) - on).days + 1
    return Windows(on=on, full_end=full_end, days=days, running=today <= full_end, not_started=on > today)


def learning_impact(areas: list[str], on: datetime.date, today: datetime.date, months: int = 6) -> dict | None:
    """The practice areas' grades before and after `on` (None when no area is given). Two queries."""
    return _impacts([(areas, on)], today, months)[0]


def impact_for_entries(entries: Iterable[LearningEntry], today: datetime.date, months: int = 6) -> list[dict]:
    """Each learning entry with the impact on the practice areas among its themes (None when it names none).
    Two queries for all of them, whatever their number."""
    entries = list(entries)
    impacts = _impacts([(e.themes, e.happened_on) for e in entries], today, months)
    return [
        {"id": e.pk, "title": e.title, "kind": e.get_kind_display(), "date": e.happened_on.isoformat(), "impact": i}
        for e, i in zip(entries, impacts, strict=True)
    ]


def impact_for_recommendations(
    recommendations: Iterable[Recommendation], today: datetime.date, months: int = 6
) -> list[dict]:
    """Each recommendation with the impact on its practice areas from the day it was agreed (None when it has
    none). Two queries for all of them."""
    recommendations = list(recommendations)
    impacts = _impacts([(r.practice_areas, r.raised_on) for r in recommendations], today, months)
    return [
        {"id": r.pk, "text": r.text, "date": r.raised_on.isoformat(), "impact": i}
        for r, i in zip(recommendations, impacts, strict=True)
    ]


def impact_in_period(start: datetime.date, end: datetime.date, today: datetime.date, months: int = 6) -> dict:
    """For the evidence pack: the learning dated in the period and the recommendations agreed in it that name a
    practice area, each with its impact. Four queries."""
    entries = LearningEntry.objects.filter(happened_on__gte=start, happened_on__lte=end).order_by("happened_on", "pk")
    recommendations = Recommendation.objects.filter(raised_on__gte=start, raised_on__lte=end).order_by(
        "raised_on", "pk"
    )
    return {
        "months": months,
        "threshold": settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD,
        "entries": [row for row in impact_for_entries(entries, today, months) if row["impact"]],
        "recommendations": [row for row in impact_for_recommendations(recommendations, today, months) if row["impact"]],
    }


def _impacts(items: Sequence[tuple[list[str], datetime.date]], today: datetime.date, months: int) -> list[dict | None]:
    """The impact of each (areas, date), from one query for the practice areas' names and one for the grades of
    every window together, grouped by day so that each item takes its own windows from the same rows."""
    threshold = settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD
    wanted = [(list(dict.fromkeys(a for a in areas if a)), impact_windows(on, today, months)) for areas, on in items]
    names = {a for areas, _ in wanted for a in areas}
    if not names:
        return [None] * len(wanted)
    # Themes are free text beside the practice areas (a learning entry's "Complaints"): only a case file tool's
    # practice area can have grades, so the rest are named apart instead of shown as "no audits".
    known = set(
        ToolSection.objects.filter(title__in=names, version__tool__kind=ToolKind.CASE_FILE)
        .values_list("title", flat=True)
        .distinct()
    )
    # One span from the earliest before-window to the latest after-window: each item takes its days from it.
    counted = [w for areas, w in wanted if w.days and set(areas) & known]
    graded: dict[str, list[tuple[str, datetime.date, int]]] = {}
    if counted:
        first = min(w.on - w.days * DAY for w in counted)
        last = max(w.on + (w.days - 1) * DAY for w in counted)
        graded = _grades_by_day(sorted(known), first, last)
    results: list[dict | None] = []
    for areas, windows in wanted:
        if not areas:
            results.append(None)
            continue
        figures = []
        for area in (a for a in areas if a in known):
            before, after = Counter[str](), Counter[str]()
            for grade, day, n in graded.get(area, []):
                if windows.before and windows.before[0] <= day <= windows.before[1]:
                    before[grade] += n
                elif windows.after and windows.after[0] <= day <= windows.after[1]:
                    after[grade] += n
            figures.append({"area": area, "scales": _scale_tables(before, after, threshold)})
        results.append(
            {
                "on": windows.on.isoformat(),
                "today": today.isoformat(),
                "months": months,
                "days": windows.days,
                "before": _window(windows.before),
                "after": _window(windows.after),
                "full_after": _window((windows.on, windows.full_end)),
                "running": windows.running,
                "not_started": windows.not_started,
                "threshold": threshold,
                "cautions": _cautions(windows, today, months),
                "areas": figures,
                "not_practice_areas": [a for a in areas if a not in known],
            }
        )
    return results


def _grades_by_day(
    areas: list[str], first: datetime.date, last: datetime.date
) -> dict[str, list[tuple[str, datetime.date, int]]]:
    """Final grades of the areas' judgements in finished case file audits and re-audits from `first` to `last`,
    counted per area, grade and day by the database."""
    final = Coalesce(NullIf("moderated_grade", Value("")), "grade")
    rows = (
        SectionJudgement.objects.filter(
            section__title__in=areas,
            audit__status__in=DONE_STATUSES,
            audit__kind__in=COUNTED_KINDS,
            audit__audit_date__gte=first,
            audit__audit_date__lte=last,
        )
        .exclude(grade="", moderated_grade="")
        .annotate(final=final)
        .values_list("section__title", "final", "audit__audit_date")
        .annotate(n=Count("*"))
        .order_by()
    )
    graded: dict[str, list[tuple[str, datetime.date, int]]] = {}
    for title, grade, day, n in rows:
        graded.setdefault(title, []).append((grade, day, n))
    return graded


def _scale_tables(before: Counter[str], after: Counter[str], threshold: int) -> list[dict]:
    """A table for each scale with grades on either side, Ofsted's first; another scale's are never added in."""
    tables = []
    for scale in scales.SCALES.values():  # Ofsted's is first
        before_total = sum(before[v] for v in scale.values)
        after_total = sum(after[v] for v in scale.values)
        if not before_total and not after_total:
            continue
        small = min(before_total, after_total) < threshold
        table: dict = {
            "scale": scale.key,
            "name": scale.name,
            "ofsted": scale.key == scales.ScaleKey.OFSTED,
            "grades": [
                {"grade": v, "label": label, "before": before[v], "after": after[v]} for v, label in scale.grades
            ],
            "before": {"total": before_total},
            "after": {"total": after_total},
            "small": small,
            "caution": (
                f"Fewer than {threshold} judgements on one side ({before_total} before, {after_total} after): "
                "too few for a change to mean much, so none is shown."
                if small
                else ""
            ),
        }
        if table["ofsted"]:
            for side, counts, total in (("before", before, before_total), ("after", after, after_total)):
                table[side]["good_or_better"] = _percent(sum(counts[g] for g in GOOD_OR_BETTER), total)
                table[side]["inadequate"] = _percent(counts[INADEQUATE], total)
            table["change"] = {
                name: None if small else _points(table["before"][name], table["after"][name])
                for name in ("good_or_better", "inadequate")
            }
        tables.append(table)
    return tables


def _percent(part: int, whole: int) -> float | None:
    """As the period report's percentages: one decimal, rounded half up; no rate without cases."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _points(before: float | None, after: float | None) -> float | None:
    """The change in percentage points between the two shown rates, so that it is their difference as read."""
    if before is None or after is None:
        return None
    return float((Decimal(str(after)) - Decimal(str(before))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _window(span: tuple[datetime.date, datetime.date] | None) -> dict:
    if span is None:
        return {"from": None, "to": None, "label": ""}
    return {"from": span[0].isoformat(), "to": span[1].isoformat(), "label": f"{_day(span[0])} to {_day(span[1])}"}


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _cautions(windows: Windows, today: datetime.date, months: int) -> list[str]:
    span = f"{months} month{'s' if months != 1 else ''}"
    if windows.not_started:
        return [f"{_day(windows.on)} is still to come: there are no audits after it to compare yet."]
    if windows.running:
        return [
            f"The {span} after {_day(windows.on)} run to {_day(windows.full_end)}: the audits after it are counted "
            f"to today, {_day(today)}, and those before it over the same {windows.days} day"
            f"{'s' if windows.days != 1 else ''}. Audits still in moderation count once finished, so these "
            "figures can still change."
        ]
    return []
