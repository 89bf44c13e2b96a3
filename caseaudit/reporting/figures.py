"""The figures of a period report, computed in the database from the records.

Definitions (a successor will be asked about these in front of Ofsted):
- An audit counts in a period when it is finalised or shared and its audit
  date (the day it was completed) falls in the period, both ends included.
- `audits.total` is case file audits: new audits plus re-audits. Grade counts
  and percentages are over those graded on Ofsted's four grades
  (`audits.ofsted_scale`: all of them unless a tool uses another scale).
  Audits on another scale (audits/scales.py) are counted in `other_scales`,
  per scale, with their own grades and percentages: never added to Ofsted's.
  Themed audits are counted separately
  (`audits.themed` themed audits covering `themed_children` children).
- `activities` counts the pieces of audit activity recorded on the case file
  audits (new and re-audits); themed audits' activity is not included.
- `repeat_inadequate` is a re-audit graded Inadequate whose earlier audit was
  also Inadequate; its percentage is of all audits in the period.
- Percentages have one decimal place, rounded half up. A rate with no cases is
  no rate: None (shown "–", `null` in JSON, an empty cell in Excel and CSV).
- A period still running is counted as at a date (`as_at`: today, or when a
  snapshot was frozen): a response stage counts for timeliness once it is due
  by that date or done, the rest are "not yet due"; remedial actions are open
  and overdue at that date.
- A rate on fewer cases than the small-number threshold (settings
  CASEAUDIT_SMALL_NUMBER_THRESHOLD, 10 by default) is shown with a caution, and
  a comparison with such a base is not drawn (`comparable` false).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet

from caseaudit.audits import scales
from caseaudit.audits.grades import Grade
from caseaudit.audits.models import DONE_STATUSES, Audit, AuditKind, ToolSection
from caseaudit.organisation.models import Person, Team

from . import tallies

GRADE_NAMES = {g.value: g.label if g != Grade.REQUIRES_IMPROVEMENT else "Requires Improvement" for g in Grade}
GRADE_ORDER = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]
CASE_FILE_KINDS = tallies.CASE_FILE_KINDS


def percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date
    service_area_id: int | None = None
    team_id: int | None = None

    def audits(self) -> QuerySet[Audit]:
        return Audit.objects.filter(self.q())

    def q(self, prefix: str = "") -> Q:
        """Which audits count, as a filter; `prefix` ("audit__") filters the rows of an audit's part by
        a join, which PostgreSQL plans better than an IN over the audits (decision 0072)."""
        q = Q(
            **{f"{prefix}status__in": DONE_STATUSES, f"{prefix}audit_date__gte": self.start},
            **{f"{prefix}audit_date__lte": self.end},
        )
        if self.service_area_id:
            q &= Q(**{f"{prefix}team__service_area_id": self.service_area_id})
        if self.team_id:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        return q


def audit_figures(scope: Scope) -> dict:
    tally = tallies.total(tallies.month_tallies(scope.start, scope.end), scope_teams(scope))
    themed = (
        scope.audits()
        .filter(kind=AuditKind.THEMED)
        .aggregate(themed_audits=Count("programme", distinct=True), themed_children=Count("child", distinct=True))
    )
    audits = _audit_counts(tally)
    total = audits["total"]
    grades = _grades(tally)
    percents = grade_percents(grades, audits["ofsted_scale"])
    sections = section_figures(scope, tally)
    repeat = tally["repeat"]
    return {
        "audits": {
            "total": total,
            "new": audits["new"],
            "re_audits": audits["re_audits"],
            "themed": themed["themed_audits"],
            "ofsted_scale": audits["ofsted_scale"],
        },
        "themed_children": themed["themed_children"],
        "activities": tally["activities"],
        "grades": grades,
        "percent": percents,
        "inadequate": {
            "count": grades["Inadequate"],
            "percent": percents["Inadequate"],
            "critical": tally["critical"],
        },
        "repeat_inadequate": {"count": repeat, "percent": percent(repeat, total)},
        "moderation": {
            "moderated": tally["moderated"],
            "changed": tally["changed"],
            "change_rate": percent(tally["changed"], tally["moderated"]),
        },
        "sections": sections,
        # The tool's order of the practice areas: PostgreSQL's jsonb keeps a dict's keys in an order of its
        # own (shortest first), so a published snapshot read back has lost the order of "sections".
        "section_order": list(sections),
        "other_scales": other_scale_figures(tally),
    }


def scope_teams(scope: Scope) -> set[int] | None:
    """The teams whose audits a scope counts, by the team each audit belongs to; None for the whole council."""
    if scope.team_id:
        return {scope.team_id}
    if scope.service_area_id:
        return set(Team.objects.filter(service_area_id=scope.service_area_id).values_list("pk", flat=True))
    return None


def _audit_counts(tally: Counter) -> dict[str, int]:
    counts = {"total": 0, "new": 0, "re_audits": 0, "ofsted_scale": 0}
    for key, n in tally.items():
        if key.startswith("audits:"):
            _, kind, grade = key.split(":")
            counts["total"] += n
            counts["new" if kind == AuditKind.CASE_FILE else "re_audits"] += n
            if grade in GRADE_NAMES:
                counts["ofsted_scale"] += n
    return counts


def other_scale_figures(tally: Counter) -> dict[str, dict]:
    """The case file audits graded on each other scale that has any: counts and percentages of its grades,
    overall and per practice area, over that scale's audits alone (audits/scales.py)."""
    audits: dict[str, Counter] = {}
    areas: dict[str, dict[int, Counter]] = {}
    for key, n in tally.items():
        parts = key.split(":")
        if parts[0] not in ("audits", "section") or not n:
            continue
        scale = scales.scale_of(parts[2])
        if scale is None or scale.key == scales.ScaleKey.OFSTED:
            continue
        if parts[0] == "audits":
            audits.setdefault(scale.key, Counter())[parts[2]] += n
        else:
            areas.setdefault(scale.key, {}).setdefault(int(parts[1]), Counter())[parts[2]] += n
    titles = {
        pk: (position, title)
        for pk, title, position in ToolSection.objects.filter(
            pk__in=[pk for by_section in areas.values() for pk in by_section]
        ).values_list("pk", "title", "position")
    }
    figures = {}
    for scale in scales.SCALES.values():
        if scale.key not in audits:
            continue
        counted = audits[scale.key]
        total = sum(counted.values())
        sections: dict[str, dict[str, int]] = {}
        for pk in sorted(areas.get(scale.key, {}), key=lambda pk: titles[pk]):
            counts = sections.setdefault(titles[pk][1], dict.fromkeys(scale.labels.values(), 0))
            for grade, n in areas[scale.key][pk].items():
                counts[scale.labels[grade]] += n
        figures[scale.key] = {
            "scale": scale.name,
            "audits": total,
            "grades": {label: counted[value] for value, label in scale.grades},
            "percent": {label: percent(counted[value], total) for value, label in scale.grades},
            "needs_response": sum(counted[value] for value in scale.needs_response),
            "sections": sections,
            "section_order": list(sections),
        }
    return figures


def _grades(tally: Counter) -> dict[str, int]:
    return {GRADE_NAMES[g]: sum(tally[f"audits:{kind}:{g}"] for kind in CASE_FILE_KINDS) for g in GRADE_ORDER}


def small_number_threshold() -> int:
    """Below this many cases a rate carries a caution and is not compared (the council's setting)."""
    from django.conf import settings

    return settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD


def is_small(base: int) -> bool:
    """A base of cases too small to read a rate from: some, but fewer than the threshold. (None is no rate.)"""
    return 0 < base < small_number_threshold()


def grade_percents(grades: dict[str, int], total: int) -> dict[str, float | None]:
    percents = {name: percent(count, total) for name, count in grades.items()}
    percents["good_or_better"] = percent(grades["Outstanding"] + grades["Good"], total)
    percents["good_or_requires_improvement"] = percent(grades["Good"] + grades["Requires Improvement"], total)
    return percents


def grade_figures(scope: Scope) -> dict:
    """Only the case file audits' total and grade percentages, as `audit_figures` computes them: what a
    comparison period shows."""
    tally = tallies.total(tallies.month_tallies(scope.start, scope.end), scope_teams(scope))
    return tally_grade_figures(tally)


def tally_grade_figures(tally: Counter) -> dict:
    counts = _audit_counts(tally)
    grades = _grades(tally)
    return {
        "audits": {"total": counts["total"], "ofsted_scale": counts["ofsted_scale"]},
        "grades": grades,
        "percent": grade_percents(grades, counts["ofsted_scale"]),
    }


def section_figures(scope: Scope, tally: Counter | None = None) -> dict[str, dict[str, int]]:
    """Final grades per practice area on Ofsted's scale, matched by the area's name across tool versions (other
    scales' are in other_scale_figures).

    A judgement's final grade is the moderator's where there is one, else the auditor's (tallies.py). The
    few sections' names are looked up here, by the tool's order (position, then title)."""
    if tally is None:
        tally = tallies.total(tallies.month_tallies(scope.start, scope.end), scope_teams(scope))
    counted: dict[int, dict[str, int]] = {}
    for key, n in tally.items():
        if key.startswith("section:") and n and key.split(":")[2] in GRADE_NAMES:
            _, section_id, grade = key.split(":")
            counted.setdefault(int(section_id), {})[grade] = n
    names = ToolSection.objects.filter(pk__in=counted).values_list("pk", "title", "position")
    sections: dict[str, dict[str, int]] = {}
    for pk, title, _ in sorted(names, key=lambda name: (name[2], name[1])):
        counts = sections.setdefault(title, {GRADE_NAMES[g]: 0 for g in GRADE_ORDER})
        for grade, n in counted[pk].items():
            counts[GRADE_NAMES[grade]] += n
    return sections


def timeliness_kinds() -> list:
    """The response stages whose timeliness a report shows, in its order."""
    from caseaudit.improvement.models import StageKind

    return [StageKind.MEETING, StageKind.SM_REVIEW, StageKind.CASELOAD_REVIEW, StageKind.REAUDIT]


# The rows of "Reviews by manager" for counted reviews nobody is recorded as having done, so that the
# table adds up to the stage's total.
NOT_YET_RECORDED = "Not yet recorded"
REVIEWER_NOT_RECORDED = "Done, reviewer not recorded"


def _reviews_by_manager(rows: list[dict]) -> list[dict]:
    """Counted service manager reviews per manager's name, in the database's order of names (its collation),
    then those with no manager recorded: the rows add up to the stage's figures."""
    by_person = {row["completed_by"]: row for row in rows if row["completed_by"] is not None}
    names = Person.objects.filter(pk__in=by_person).order_by("full_name").values_list("pk", "full_name")
    by_name: dict[str, Counter] = {}
    for pk, name in names:
        by_name.setdefault(name, Counter()).update(
            of=by_person[pk]["reviews"], on_time=by_person[pk]["reviews_on_time"]
        )
    unowned = [row for row in rows if row["completed_by"] is None]
    done = sum(row["reviews_done"] for row in unowned)
    waiting = sum(row["reviews"] for row in unowned) - done
    if done:
        by_name[REVIEWER_NOT_RECORDED] = Counter(of=done, on_time=sum(row["reviews_on_time"] for row in unowned))
    if waiting:
        by_name[NOT_YET_RECORDED] = Counter(of=waiting, on_time=0)
    return [
        {"manager": name, "on_time": n["on_time"], "of": n["of"], "percent": percent(n["on_time"], n["of"])}
        for name, n in by_name.items()
    ]


def improvement_figures(scope: Scope, as_at: datetime.date | None = None) -> dict:
    """Timeliness of each response stage for plans opened in the period, and actions open at its end.

    Counted as at `as_at` (the period's end when it has ended; today while it runs): a stage counts once
    its deadline has passed by then or it is done, and is on time when it was done on or before its
    stored deadline; the others are "not yet due". Actions are open (and overdue) at `as_at`.
    """
    from caseaudit.improvement.models import ImprovementPlan, RemedialAction, Stage, StageKind

    as_at = as_at or scope.end
    plans = ImprovementPlan.objects.filter(opened_on__gte=scope.start, opened_on__lte=scope.end)
    if scope.service_area_id:
        plans = plans.filter(team__service_area_id=scope.service_area_id)
    if scope.team_id:
        plans = plans.filter(team_id=scope.team_id)
    due = Q(due_on__lte=as_at) | Q(completed_on__isnull=False)
    on_time = Q(completed_on__isnull=False, completed_on__lte=F("due_on"))
    reviewed = Q(kind=StageKind.SM_REVIEW) & due
    kinds = timeliness_kinds()
    # One grouped query for the stages' timeliness and the service managers' reviews, counted off the
    # index stage_timeliness: the counts name `plan` (never null) so that no column outside it is read.
    rows = list(
        Stage.objects.filter(plan__in=plans, kind__in=kinds)
        .values("kind", "completed_by")
        .annotate(
            counted=Count("plan", filter=due),
            on_time=Count("plan", filter=due & on_time),
            not_yet_due=Count("plan", filter=~due),
            reviews=Count("plan", filter=reviewed),
            reviews_done=Count("plan", filter=reviewed & Q(completed_on__isnull=False)),
            reviews_on_time=Count("plan", filter=reviewed & on_time),
        )
        .order_by()
    )
    threshold = small_number_threshold()
    stages = {}
    for kind in kinds:
        counted = sum(row["counted"] for row in rows if row["kind"] == kind)
        on_time_count = sum(row["on_time"] for row in rows if row["kind"] == kind)
        stages[StageKind(kind).label] = {
            "on_time": on_time_count,
            "of": counted,
            "percent": percent(on_time_count, counted),
            "not_yet_due": sum(row["not_yet_due"] for row in rows if row["kind"] == kind),
            "small_base": 0 < counted < threshold,
        }
    by_manager = _reviews_by_manager([row for row in rows if row["reviews"]])
    open_then = Q(created_on__lte=as_at) & (Q(completed_on__isnull=True) | Q(completed_on__gt=as_at))
    # Actions open at the as-at date, whenever their plan opened.
    actions = RemedialAction.objects.all()
    # Filter by plan only for an area or team: for the whole council the join is wasted work.
    if scope.service_area_id:
        actions = actions.filter(plan__team__service_area_id=scope.service_area_id)
    if scope.team_id:
        actions = actions.filter(plan__team_id=scope.team_id)
    open_actions = actions.filter(open_then).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=as_at))
    )
    return {
        "plans_opened": plans.count(),
        "stages": stages,
        "service_manager_reviews_by_manager": by_manager,
        "actions": {"open": open_actions["open"], "overdue": open_actions["overdue"]},
    }
