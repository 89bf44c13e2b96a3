"""How consistently the grading is done (issue 32): the auditor's grade against the moderator's, for the whole
audit and for each practice area, and how often and which way moderation changed each auditor's grades.

Every moderated audit gives a pair: the auditor's overall grade and the moderator's (who may agree). The
practice areas give a pair per moderated judgement, matched by the area's name across tool versions, as the
report's practice-area figures are. Blind double audits give the other comparison: the first auditor's grades
against the second's, for each file whose second audit was submitted (the first's audit date puts it in a
period). The figures are reporting/agreement.py's.

Names of auditors are in `auditor_moderation` only, which only QA administrators and practice leads see (the
"Grading consistency" page); the report, the Director's, carries the council-wide figures alone.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from caseaudit.audits import scales
from caseaudit.audits.models import Audit, AuditStatus, SectionJudgement

from .agreement import agreement
from .figures import Scope, is_small

SCALE = "tool_version__scale"


def _figures(pairs: list[tuple[str, str]], scale: scales.Scale) -> dict:
    figures = agreement(pairs, scale.values).as_dict()
    figures["small_base"] = is_small(figures["pairs"])
    return figures


def _by_area(rows) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """(scale, position, title, grade, grade) rows as pairs per scale and practice area, in the tool's order."""
    grouped: dict[tuple[int, str], dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for scale, position, title, first, second in rows:
        grouped[(position, title)][scale].append((first, second))
    areas: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for (_, title), by_scale in sorted(grouped.items()):
        for scale, pairs in by_scale.items():
            areas[scale][title].extend(pairs)
    return areas


def calibration_figures(scope: Scope) -> dict:
    """The report's `calibration`: auditor against moderator, whole audits and each practice area, and the blind
    double audits' two auditors. Ofsted's scale at the top level; each other scale with any pairs in
    `other_scales`, its kappa weighted by its own order: pairs on different scales are never put together."""
    moderated = Audit.objects.filter(scope.q()).exclude(moderated_overall_grade="")
    overall: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for scale, grade, moderated_grade in moderated.values_list(SCALE, "overall_grade", "moderated_overall_grade"):
        overall[scale].append((grade, moderated_grade))
    areas = _by_area(
        SectionJudgement.objects.filter(scope.q("audit__"))
        .exclude(moderated_grade="")
        .values_list(f"audit__{SCALE}", "section__position", "section__title", "grade", "moderated_grade")
    )
    between = _double_audit_figures(scope)
    figures: dict[str, dict] = {}
    for scale in scales.SCALES.values():
        pairs = overall.get(scale.key, [])
        figures[scale.key] = {
            "scale": scale.name,
            "between_auditors": between.get(scale.key) or _double_audit_block({}, [], scale),
            "auditor_vs_moderator": {
                **_figures(pairs, scale),
                "moderated_up": sum(1 for a, m in pairs if _moved(a, m) < 0),
                "moderated_down": sum(1 for a, m in pairs if _moved(a, m) > 0),
                "practice_areas": {title: _figures(p, scale) for title, p in areas[scale.key].items()},
                "practice_area_order": list(areas[scale.key]),
            },
        }
    ofsted = figures.pop(scales.ScaleKey.OFSTED)
    ofsted["other_scales"] = {
        key: block
        for key, block in figures.items()
        if block["auditor_vs_moderator"]["pairs"] or block["between_auditors"]["pairs"]
    }
    return ofsted


SECOND_DONE = (AuditStatus.SUBMITTED, AuditStatus.RECONCILED)


def _double_audit_figures(scope: Scope) -> dict[str, dict]:
    """The two auditors of each blind pair, per scale: the whole audit, then each practice area by name."""
    firsts = Audit.objects.filter(scope.q(), second_audit__status__in=SECOND_DONE)
    overall: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for scale, first, second in firsts.values_list(SCALE, "overall_grade", "second_audit__overall_grade"):
        overall[scale].append((first, second))
    first_grades = {
        (audit_id, section_id): (scale, position, title, grade)
        for audit_id, section_id, scale, position, title, grade in SectionJudgement.objects.filter(
            scope.q("audit__"), audit__second_audit__status__in=SECOND_DONE
        ).values_list("audit_id", "section_id", f"audit__{SCALE}", "section__position", "section__title", "grade")
    }
    rows = []
    seconds = SectionJudgement.objects.filter(
        audit__second_of__in=firsts.values("pk"), audit__status__in=SECOND_DONE
    ).values_list("audit__second_of_id", "section_id", "grade")
    for first_id, section_id, grade in seconds:
        key = (first_id or 0, section_id)  # first_id is never None here: the filter joins through second_of
        if key in first_grades:
            scale, position, title, first_grade = first_grades[key]
            rows.append((scale, position, title, first_grade, grade))
    areas = _by_area(rows)
    return {
        key: _double_audit_block(areas[key], overall.get(key, []), scales.scale_for(key))
        for key in set(overall) | set(areas)
    }


def _double_audit_block(
    areas: dict[str, list[tuple[str, str]]], overall: list[tuple[str, str]], scale: scales.Scale
) -> dict:
    return {
        **_figures(overall, scale),
        "practice_areas": {title: _figures(pairs, scale) for title, pairs in areas.items()},
        "practice_area_order": list(areas),
    }


def _moved(auditor_grade: str, moderated_grade: str) -> int:
    """Places down its scale the moderator moved the grade: negative is a better grade than the auditor's."""
    if scales.scale_of(auditor_grade) is None or scales.scale_of(moderated_grade) is None:
        return 0
    return scales.rank(moderated_grade) - scales.rank(auditor_grade)


def auditor_moderation(scope: Scope) -> list[dict]:
    """For each auditor with moderated audits in the scope: how many, how many grades moderation changed, and
    which way (a better grade, or a worse one), with the share changed. Named: for QA and practice leads only."""
    rows = (
        Audit.objects.filter(scope.q(), auditor__isnull=False)
        .exclude(moderated_overall_grade="")
        .values("auditor_id", "auditor__full_name", "overall_grade", "moderated_overall_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people: dict[int, dict] = {}
    for row in rows:
        person = people.setdefault(
            row["auditor_id"],
            {
                "auditor": row["auditor__full_name"],
                "moderated": 0,
                "changed": 0,
                "moderated_up": 0,
                "moderated_down": 0,
            },
        )
        person["moderated"] += row["n"]
        moved = _moved(row["overall_grade"], row["moderated_overall_grade"])
        if row["overall_grade"] != row["moderated_overall_grade"]:
            person["changed"] += row["n"]
        if moved < 0:
            person["moderated_up"] += row["n"]
        elif moved > 0:
            person["moderated_down"] += row["n"]
    for person in people.values():
        person["change_rate"] = round(100 * person["changed"] / person["moderated"], 1)
        person["small_base"] = is_small(person["moderated"])
    return sorted(people.values(), key=lambda person: (-person["change_rate"], person["auditor"]))
