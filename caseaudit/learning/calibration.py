"""Calibration sessions (issue 32, point 3): several auditors grade one case file, or an anonymised vignette,
independently against the current audit tool; then the spread of their grades per practice area is shown, and
QA records the grades agreed and the learning points, which go into the learning log.

Independent means blind: a participant sees the others' grades only once theirs are in (selectors below); QA
administrators, who run the session, see them as they come."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from caseaudit.audits import scales
from caseaudit.audits.models import ToolSection
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from .models import CalibrationGrade, CalibrationSession, LearningEntry, LearningKind
from .services import LearningRuleError

PARTICIPANT_ROLES = (Role.AUDITOR, Role.MODERATOR)
MIN_GRADINGS = 2


def may_take_part(person: Person) -> bool:
    return person.is_active and person.has_role(*PARTICIPANT_ROLES)


def may_run(person: Person) -> bool:
    return person.is_active and person.has_role(Role.QA_ADMIN)


def calibration_session_create(
    *, by: Person, title: str, held_on: datetime.date, case_id: str = "", vignette: str = ""
) -> CalibrationSession:
    if not may_run(by):
        raise LearningRuleError("Only a QA administrator can set up a calibration session")
    case_id, vignette = case_id.strip(), vignette.strip()
    if bool(case_id) == bool(vignette):
        raise LearningRuleError("Give a case system ID or write a vignette, not both", field="case_id")
    with transaction.atomic():
        return CalibrationSession.objects.create(
            title=title.strip(), held_on=held_on, case_id=case_id, vignette=vignette, created_by=by,
            tool_version=standard_tools_ensure()[0].current_version,
        )  # fmt: skip


def _check_grades(session: CalibrationSession, overall: str, sections: dict[int, str]) -> dict[str, str]:
    expected = set(session.tool_version.sections.values_list("pk", flat=True))
    grades = session.tool_version.grading_scale.labels
    missing = [pk for pk in expected if sections.get(pk) not in grades]
    if missing or overall not in grades:
        raise LearningRuleError("Give a grade for every practice area and an overall grade")
    return {str(pk): sections[pk] for pk in sorted(expected)}


def calibration_grade_submit(
    *, session_id: int, by: Person, overall: str, sections: dict[int, str]
) -> CalibrationGrade:
    """One participant's grades, once: they cannot be changed after (the spread is what was given blind)."""
    if not may_take_part(by):
        raise LearningRuleError("Only auditors and moderators take part in calibration sessions")
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session_id)
        if not session.is_open:
            raise LearningRuleError("This calibration session has closed")
        grades = _check_grades(session, overall, sections)
        try:
            with transaction.atomic():
                return CalibrationGrade.objects.create(
                    session=session, auditor=by, overall_grade=overall, section_grades=grades
                )
        except IntegrityError:
            raise LearningRuleError("You have already given your grades for this session") from None


def calibration_close(
    *, session_id: int, by: Person, agreed_overall: str, agreed_sections: dict[int, str], learning_points: str
) -> CalibrationSession:
    """Record the grades agreed and the learning points; they go into the learning log as one entry."""
    if not may_run(by):
        raise LearningRuleError("Only a QA administrator can close a calibration session")
    learning_points = learning_points.strip()
    if not learning_points:
        raise LearningRuleError("Write the learning points from the session", field="learning_points")
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session_id)
        if not session.is_open:
            raise LearningRuleError("This calibration session has closed already")
        if session.grades.count() < MIN_GRADINGS:
            raise LearningRuleError(f"At least {MIN_GRADINGS} people need to grade before the session can close")
        agreed = _check_grades(session, agreed_overall, agreed_sections)
        *areas, overall = calibration_spread(session)
        varied = [row.title for row in areas if _differed(row)]
        entry = LearningEntry.objects.create(
            kind=LearningKind.CALIBRATION,
            title=f"Calibration: {session.title}",
            happened_on=session.held_on,
            summary=learning_points,
            themes=varied,
            prompted_by=f"{session.grades.count()} people graded the same file independently; their grades differed "
            f"in {len(varied)} of {len(areas)} practice areas, and {'also' if _differed(overall) else 'not'} overall.",
            created_by=by,
        )
        session.agreed_overall = agreed_overall
        session.agreed_sections = agreed
        session.learning_points = learning_points
        session.learning_entry = entry
        session.closed_at = timezone.now()
        session.save()
    return session


def _differed(row: SpreadRow) -> bool:
    return sum(1 for n in row.counts.values() if n) > 1


@dataclass(frozen=True)
class SpreadRow:
    title: str
    counts: dict[str, int]  # grade -> how many gave it, in the scale's order
    agreed: str

    @property
    def agreed_label(self) -> str:
        return scales.label(self.agreed) if self.agreed else ""


def calibration_spread(session: CalibrationSession) -> list[SpreadRow]:
    """Each practice area, then the overall grade: how many gave each grade, and the grade agreed if closed."""
    gradings = list(session.grades.all())
    grades = session.tool_version.grading_scale.values
    rows = []
    for section in ToolSection.objects.filter(version=session.tool_version).order_by("position"):
        given = Counter(g.section_grades.get(str(section.pk), "") for g in gradings)
        rows.append(
            SpreadRow(
                section.title,
                {grade: given[grade] for grade in grades},
                session.agreed_sections.get(str(section.pk), ""),
            )
        )
    overall = Counter(g.overall_grade for g in gradings)
    rows.append(SpreadRow("Overall", {grade: overall[grade] for grade in grades}, session.agreed_overall))
    return rows
