import datetime

import pytest

from caseaudit.audits.services.lifecycle import (
    ModerationDecision,
    audit_moderate,
    audit_moderation_start,
    audit_open,
    audit_submit,
)
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.organisation.models import Absence

from ..audits.conftest import complete_draft


@pytest.fixture
def finalise(council, django_capture_on_commit_callbacks):
    """Finalise an audit of a child with a grade; the plan opens through the real signal."""
    version = standard_tools_ensure()[0].current_version

    def make(child_key="own", grade="inadequate", follows=None, child=None):
        child = child or council.children[child_key]
        audit = audit_open(
            child=child,
            auditor=council["auditor"],
            tool_version=version,
            due_on=None,
            kind="re_audit" if follows else "case_file",
            follows=follows,
        )
        audit = audit_submit(
            audit_id=audit.pk,
            by=council["auditor"],
            draft=complete_draft(audit, grade=grade),
            expected_version=audit.version,
        )
        audit = audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
        decision = ModerationDecision(
            overall_grade=grade, sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
        )
        with django_capture_on_commit_callbacks(execute=True):
            audit = audit_moderate(
                audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
            )
        audit.refresh_from_db()
        return audit

    return make


@pytest.fixture
def away(council):
    def mark(person_key, start, end, cover_key=None):
        return Absence.objects.create(
            person=council[person_key], starts_on=start, ends_on=end, cover=council[cover_key] if cover_key else None
        )

    return mark


MONDAY = datetime.date(2026, 3, 2)
