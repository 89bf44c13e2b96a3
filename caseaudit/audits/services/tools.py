"""Audit tools: the standard tool, and editing that versions a tool once it is used."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from caseaudit.organisation.models import Person

from ..errors import AuditRuleError
from ..models import AuditTool, QuestionKind, ToolKind, ToolQuestion, ToolSection, ToolVersion
from ..scales import ScaleKey
from ..standard_tool import STANDARD_SECTIONS, STANDARD_THEMED_SECTIONS, STANDARD_THEMED_TOOL_NAME, STANDARD_TOOL_NAME


@dataclass(frozen=True)
class SectionSpec:
    title: str
    questions: list[str]
    guidance: str = ""
    evidence_required: bool = True


def _write_sections(version: ToolVersion, sections: list[SectionSpec]) -> None:
    for position, spec in enumerate(sections, start=1):
        section = ToolSection.objects.create(
            version=version,
            position=position,
            title=spec.title,
            guidance=spec.guidance,
            evidence_required=spec.evidence_required,
        )
        ToolQuestion.objects.bulk_create(
            [
                ToolQuestion(
                    section=section,
                    position=n,
                    text=text.removeprefix("[text]").strip(),
                    kind=QuestionKind.TEXT if text.startswith("[text]") else QuestionKind.CHOICE,
                )
                for n, text in enumerate(spec.questions, start=1)
            ]
        )


def tool_create(
    *, name: str, kind: str, sections: list[SectionSpec], by: Person | None = None, scale: str = ScaleKey.OFSTED
) -> AuditTool:
    with transaction.atomic():
        tool = AuditTool.objects.create(name=name, kind=kind)
        version = ToolVersion.objects.create(tool=tool, number=1, created_by=by, note="First version", scale=scale)
        _write_sections(version, sections)
    return tool


def standard_tools_ensure() -> tuple[AuditTool, AuditTool]:
    """Create the standard case file tool and a themed tool if they are missing (idempotent)."""
    tools = []
    for name, kind, spec in (
        (STANDARD_TOOL_NAME, ToolKind.CASE_FILE, STANDARD_SECTIONS),
        (STANDARD_THEMED_TOOL_NAME, ToolKind.THEMED, STANDARD_THEMED_SECTIONS),
    ):
        tool = AuditTool.objects.filter(name=name).first()
        if tool is None:
            tool = tool_create(name=name, kind=kind, sections=[SectionSpec(t, q) for t, q in spec])
        tools.append(tool)
    return tools[0], tools[1]


class ToolChangedError(AuditRuleError):
    """Someone saved the tool after this editor's page was built; `fingerprint` is what it holds now."""

    def __init__(self, fingerprint: str) -> None:
        super().__init__(
            "Someone else saved this tool while you were editing it, so your changes have not been saved. "
            "Your practice areas and questions are still below; to compare, open the tool in a new tab. "
            "If you save again, yours will replace theirs."
        )
        self.fingerprint = fingerprint


def tool_fingerprint(version: ToolVersion | None) -> str:
    """What an editor's page was built from: the version and its content (an unused version is edited in place)."""
    if version is None:
        return ""
    content: list = [[s.title, s.questions, s.guidance, s.evidence_required] for s in version_as_specs(version)]
    if version.scale != ScaleKey.OFSTED:  # left out for Ofsted's, so fingerprints made before scales still match
        content.append(version.scale)
    return f"{version.pk}:{hashlib.sha256(json.dumps(content).encode()).hexdigest()[:16]}"


def tool_revise(
    *,
    tool: AuditTool,
    sections: list[SectionSpec],
    by: Person,
    note: str = "",
    based_on: str | None = None,
    scale: str | None = None,
) -> ToolVersion:
    """Save an edit. A version already used by an audit or programme is never
    changed: the edit becomes a new version, and old audits keep theirs, and their scale (None keeps the
    current version's scale).
    With `based_on` (tool_fingerprint of the page's version), a save over someone else's is refused."""
    with transaction.atomic():
        current = ToolVersion.objects.select_for_update().filter(tool=tool).order_by("-number").first()
        if based_on is not None and based_on != tool_fingerprint(current):
            raise ToolChangedError(tool_fingerprint(current))
        if scale is None:
            scale = current.scale if current else ScaleKey.OFSTED
        if scale not in ScaleKey.values:
            raise AuditRuleError("Choose a grading scale from the list")
        if current is not None and not current.in_use:
            current.sections.all().delete()
            if note:
                current.note = note
            current.scale = scale
            current.save(update_fields=["note", "scale"])
            version = current
        else:
            version = ToolVersion.objects.create(
                tool=tool, number=(current.number + 1) if current else 1, created_by=by, note=note, scale=scale
            )
        _write_sections(version, sections)
    return version


def version_as_specs(version: ToolVersion) -> list[SectionSpec]:
    return [
        SectionSpec(
            section.title,
            [("[text] " if q.kind == QuestionKind.TEXT else "") + q.text for q in section.questions.all()],
            section.guidance,
            section.evidence_required,
        )
        for section in version.sections.prefetch_related("questions")
    ]
