import datetime

import pytest

from caseaudit.audits.services.lifecycle import AuditDraft, audit_open
from caseaudit.audits.services.tools import standard_tools_ensure


@pytest.fixture
def tool(db):
    case_file, _ = standard_tools_ensure()
    return case_file


@pytest.fixture
def version(tool):
    return tool.current_version


@pytest.fixture
def draft_audit(council, version):
    """An audit of the social worker's child, assigned to the QA auditor."""
    return audit_open(
        child=council.children["own"],
        auditor=council["auditor"],
        tool_version=version,
        due_on=datetime.date(2026, 3, 31),
    )


def complete_draft(audit, grade="good", overall=None, critical=False) -> AuditDraft:
    sections = {
        j.section_id: (grade, f"Evidence for {j.section.title}") for j in audit.judgements.select_related("section")
    }
    return AuditDraft(
        overall_grade=overall or grade,
        is_critical=critical,
        strengths="Warm relationship with the child",
        areas_for_development="Plans need dates",
        recommended_actions="Update the plan",
        sections=sections,
    )


def submit_by_pages(client, audit, data):
    """Save the whole audit on one page, then submit it from Check your answers, as an auditor does.

    Returns the check page's answer to the submission."""
    from django.urls import reverse

    saved = client.post(reverse("audits:audit_edit_all", args=[audit.pk]), {**data, "check": "1"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    audit.refresh_from_db()
    return client.post(reverse("audits:audit_check", args=[audit.pk]), {"version": audit.version, "submit": "1"})
