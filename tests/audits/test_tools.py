"""Audit tools are configurable and versioned: audits keep the version they were done on."""

from caseaudit.audits.models import AuditTool, ToolVersion
from caseaudit.audits.services.tools import SectionSpec, standard_tools_ensure, tool_revise, version_as_specs


def test_the_standard_tool_has_the_seven_practice_areas(tool):
    titles = [s.title for s in tool.current_version.sections.all()]
    assert titles == [
        "Voice of the Child",
        "Assessment and Analysis",
        "Quality of Plans",
        "Management Oversight",
        "Partnership Working",
        "Strengths-based Practice",
        "Embracing Diversity",
    ]
    assert all(s.questions.count() >= 2 for s in tool.current_version.sections.all())


def test_ensuring_the_standard_tools_twice_creates_them_once(db):
    standard_tools_ensure()
    standard_tools_ensure()
    assert AuditTool.objects.count() == 2
    assert ToolVersion.objects.count() == 2


def test_editing_an_unused_tool_changes_it_in_place(tool, council):
    specs = version_as_specs(tool.current_version)
    specs[0] = SectionSpec("Voice and Experience of the Child", specs[0].questions)
    version = tool_revise(tool=tool, sections=specs, by=council["qa_admin"])
    assert version.number == 1
    assert tool.versions.count() == 1
    assert version.sections.first().title == "Voice and Experience of the Child"


def test_editing_a_used_tool_creates_a_new_version_and_old_audits_keep_theirs(draft_audit, tool, council):
    old_version = draft_audit.tool_version
    specs = version_as_specs(old_version)
    specs.append(SectionSpec("Life story work", ["Is there a life story book?", "[text] What is missing?"]))
    new_version = tool_revise(tool=tool, sections=specs, by=council["qa_admin"], note="Added life story work")
    assert new_version.number == 2
    assert tool.current_version == new_version
    draft_audit.refresh_from_db()
    assert draft_audit.tool_version == old_version
    assert old_version.sections.count() == 7
    assert new_version.sections.count() == 8
    assert [q.kind for q in new_version.sections.last().questions.all()] == ["choice", "text"]
    assert set(draft_audit.judgements.values_list("section__version", flat=True)) == {old_version.pk}
