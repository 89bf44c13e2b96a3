"""A child with a full history: an inadequate, critical audit moderated, shared and
acknowledged, an improvement plan with a meeting and actions, learning and a
recommendation that refer to it, and reads of the child's page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

# Real-looking staff names that appear nowhere else, so a test can search the export for them.
STAFF_NAMES = {
    "director": "Aurelia Pendleton",
    "head_of_service": "Benedikt Marchbanks",
    "qa_admin": "Cordelia Fairweather",
    "auditor": "Desmond Okonkwo-Hale",
    "moderator": "Esperanza Villiers",
    "service_manager": "Fitzgerald Amberley",
    "practice_lead": "Guinevere Tallis",
    "team_manager": "Horatio Blenkinsop",
    "other_team_manager": "Imelda Rosewarne",
    "social_worker": "Jasper Quillfeather",
    "colleague": "Kestrel Dunmore",
    "iro": "Lavinia Ashcombe",
    "outsider": "Mortimer Glasspool",
}


@pytest.fixture
def named_council(council):
    for key, name in STAFF_NAMES.items():
        person = council[key]
        person.full_name = name
        person.save()
    return council


@pytest.fixture
def case_history(named_council, client):
    from caseaudit.audits.services.lifecycle import (
        ModerationDecision,
        activity_record,
        audit_acknowledge,
        audit_moderate,
        audit_moderation_start,
        audit_open,
        audit_share,
        audit_submit,
        critical_action_record,
    )
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.improvement.services.plans import ActionSpec, meeting_record, plan_open
    from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource
    from tests.audits.conftest import complete_draft

    council = named_council
    child = council.children["own"]
    tool, _ = standard_tools_ensure()
    auditor, moderator = council["auditor"], council["moderator"]
    audit = audit_open(child=child, auditor=auditor, tool_version=tool.current_version, due_on=None)
    draft = complete_draft(audit, grade="inadequate", critical=True)
    draft.strengths = "Olivia told Desmond Okonkwo-Hale she likes her school"
    audit = audit_submit(audit_id=audit.pk, by=auditor, draft=draft, expected_version=1)
    audit_moderation_start(audit_id=audit.pk, moderator=moderator)
    audit.refresh_from_db()
    decision = ModerationDecision(
        overall_grade="inadequate",
        sections={j.section_id: (j.grade, "") for j in audit.judgements.all()},
    )
    audit_moderate(audit_id=audit.pk, moderator=moderator, decision=decision, expected_version=audit.version)
    critical_action_record(
        audit_id=audit.pk, by=council["team_manager"], action="Home visit the same day by Jasper Quillfeather"
    )
    activity_record(
        audit=audit,
        by=auditor,
        kind="family",
        happened_on=timezone.localdate(),
        notes="Phoned mum",
        family_words="Jasper is kind but we never see him",
    )
    audit_share(audit_id=audit.pk, by=council["qa_admin"])
    audit_acknowledge(
        audit_id=audit.pk, by=council["social_worker"], response="Agreed with Horatio Blenkinsop to visit weekly"
    )
    audit.refresh_from_db()
    plan = plan_open(audit=audit)
    meeting_record(
        plan_id=plan.pk,
        by=council["practice_lead"],
        held_on=timezone.localdate(),
        attendees="Guinevere Tallis, Horatio Blenkinsop, Jasper Quillfeather",
        actions=[ActionSpec("Update the child's plan", council["social_worker"], timezone.localdate())],
    )
    learning = LearningEntry.objects.create(
        kind="briefing",
        title="Visiting frequency",
        happened_on=datetime.date(2026, 3, 2),
        summary="What we learnt about visits",
        created_by=council["qa_admin"],
    )
    learning.audits.add(audit)
    unrelated = LearningEntry.objects.create(
        kind="briefing",
        title="Unrelated briefing",
        happened_on=datetime.date(2026, 3, 2),
        summary="Nothing about this child",
        created_by=council["qa_admin"],
    )
    source = RecommendationSource.objects.create(
        kind="case_review", title="Case review", reported_on=datetime.date(2026, 1, 5)
    )
    recommendation = Recommendation.objects.create(
        source=source,
        text=f"Learn from case {child.case_id}",
        agreed_action="Brief teams",
        owner=council["service_manager"],
        raised_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 6, 5),
    )
    client.force_login(council["social_worker"])
    client.get(f"/children/{child.pk}/", REMOTE_ADDR="10.9.8.7")
    client.logout()
    return {
        "council": council,
        "child": child,
        "audit": audit,
        "plan": plan,
        "learning": learning,
        "unrelated_learning": unrelated,
        "recommendation": recommendation,
    }
