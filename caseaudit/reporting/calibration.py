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

from caseaudit.audits.grades import Grade
from caseaudit.audits.models import Audit, AuditStatus, SectionJudgement

from .agreement import agreement
from .figures import Scope, is_small

# Ofsted's scale, best first: the order the kappa weights are taken from.
OFSTED_SCALE = [Grade.OUTSTANDING.value, Grade.GOOD.value, Grade.REQUIRES_IMPROVEMENT.value, Grade.INADEQUATE.value]
_PLACE = {grade: i for i, grade in enumerate(OFSTED_SCALE)}


def _figures(pairs: list[tuple[str, str]]) -> dict:
    figures = agreement(pairs, OFSTED_SCALE).as_dict()
    figures["small_base"] = is_small(figures["pairs"])
    return figures


def calibration_figures(scope: Scope) -> dict:
    """The report's `calibration`: auditor against moderator, whole audits and each practice area."""
    moderated = Audit.objects.filter(scope.q()).exclude(moderated_overall_grade="")
    overall = list(moderated.values_list("overall_grade", "moderated_overall_grade"))
    by_area: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    judgements = (
        SectionJudgement.objects.filter(scope.q("audit__"))
        .exclude(moderated_grade="")
        .values_list("section__position", "section__title", "grade", "moderated_grade")
    )
    for position, title, grade, moderated_grade in judgements:
        by_area[(position, title)].append((grade, moderated_grade))
    areas: dict[str, list[tuple[str, str]]] = {}
    for (_, title), pairs in sorted(by_area.items()):
        areas.setdefault(title, []).extend(pairs)
    return {
        "scale": "Ofsted's four grades",
        "between_auditors": _double_audit_figures(scope),
        "auditor_vs_moderator": {
            **_figures(overall),
            "moderated_up": sum(1 for a, m in overall if _moved(a, m) < 0),
            "moderated_down": sum(1 for a, m in overall if _moved(a, m) > 0),
            "practice_areas": {title: _figures(pairs) for title, pairs in areas.items()},
            "practice_area_order": list(areas),
        },
    }


SECOND_DONE = (AuditStatus.SUBMITTED, AuditStatus.RECONCILED)


def _double_audit_figures(scope: Scope) -> dict:
    """The two auditors of each blind pair: the whole audit, then each practice area by name."""
    firsts = Audit.objects.filter(scope.q(), second_audit__status__in=SECOND_DONE)
    overall = list(firsts.values_list("overall_grade", "second_audit__overall_grade"))
    first_grades = {
        (audit_id, section_id): (position, title, grade)
        for audit_id, section_id, position, title, grade in SectionJudgement.objects.filter(
            scope.q("audit__"), audit__second_audit__status__in=SECOND_DONE
        ).values_list("audit_id", "section_id", "section__position", "section__title", "grade")
    }
    by_area: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    seconds = SectionJudgement.objects.filter(
        audit__second_of__in=firsts.values("pk"), audit__status__in=SECOND_DONE
    ).values_list("audit__second_of_id", "section_id", "grade")
    for first_id, section_id, grade in seconds:
        key = (first_id or 0, section_id)  # first_id is never None here: the filter joins through second_of
        if key in first_grades:
            position, title, first_grade = first_grades[key]
            by_area[(position, title)].append((first_grade, grade))
    areas: dict[str, list[tuple[str, str]]] = {}
    for (_, title), pairs in sorted(by_area.items()):
        areas.setdefault(title, []).extend(pairs)
    return {
        **_figures(overall),
        "practice_areas": {title: _figures(pairs) for title, pairs in areas.items()},
        "practice_area_order": list(areas),
    }


def _moved(auditor_grade: str, moderated_grade: str) -> int:
    """Places down the scale the moderator moved the grade: negative is a better grade than the auditor's."""
    if auditor_grade not in _PLACE or moderated_grade not in _PLACE:
        return 0
    return _PLACE[moderated_grade] - _PLACE[auditor_grade]


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
