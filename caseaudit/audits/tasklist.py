"""The audit as a GOV.UK task list (issue 37, point 5): each practice area a page of its own, then the
overall judgement, then Check your answers. The status of each part is read from what is saved, so there is
nothing extra to keep in step: a part is complete when it holds what submission needs of it."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Audit, ToolSection

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not yet started", "In progress", "Completed"


@dataclass
class Task:
    title: str
    status: str
    section: ToolSection | None = None  # None for the overall judgement

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED


def _status(done: bool, touched: bool) -> str:
    return COMPLETED if done else IN_PROGRESS if touched else NOT_STARTED


def audit_tasks(audit: Audit) -> list[Task]:
    """One task per practice area, in the tool's order, then the overall judgement (two queries)."""
    answered = set(audit.answers.exclude(choice="", text="").values_list("question__section_id", flat=True).distinct())
    tasks = []
    for judgement in audit.judgements.select_related("section").order_by("section__position"):
        section = judgement.section
        done = bool(judgement.grade) and (bool(judgement.evidence.strip()) or not section.evidence_required)
        touched = bool(judgement.grade or judgement.evidence.strip()) or section.pk in answered
        tasks.append(Task(section.title, _status(done, touched), section))
    summary_touched = any(
        (audit.overall_grade, audit.strengths, audit.areas_for_development, audit.recommended_actions)
    )
    tasks.append(Task("Overall judgement and summary", _status(bool(audit.overall_grade), summary_touched)))
    return tasks


def next_section_after(audit: Audit, section: ToolSection) -> ToolSection | None:
    return audit.tool_version.sections.filter(position__gt=section.position).order_by("position").first()
