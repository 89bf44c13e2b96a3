"""The audit itself: drafts, submission, critical concerns, moderation, sharing, activities."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connections

from caseaudit.audits.errors import AuditRuleError, ConcurrentEditError
from caseaudit.audits.models import Activity, ActivityKind, Audit, AuditKind, AuditStatus
from caseaudit.audits.services.lifecycle import (
    AuditDraft,
    AuditIncomplete,
    ModerationDecision,
    activity_record,
    audit_acknowledge,
    audit_moderate,
    audit_moderation_start,
    audit_save_draft,
    audit_share,
    audit_submit,
    critical_action_record,
    reaudit_open,
)
from caseaudit.organisation.roles import Role

from ..factories import PersonFactory
from .conftest import complete_draft


def submit(audit, who, draft):
    return audit_submit(audit_id=audit.pk, by=who, draft=draft, expected_version=audit.version)


def moderated(audit, council, overall=None, changes=None, reason="Evidence does not support Good"):
    audit = audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    sections = {j.section_id: (j.grade, "") for j in audit.judgements.all()}
    for section_id, grade in (changes or {}).items():
        sections[section_id] = (grade, reason)
    decision = ModerationDecision(
        overall_grade=overall or audit.overall_grade, overall_reason=reason if overall else "", sections=sections
    )
    return audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )


def test_a_draft_saves_partial_work_without_losing_anything(draft_audit, council):
    section = draft_audit.judgements.first()
    draft = AuditDraft(strengths="Half-written thought", sections={section.section_id: ("", "Some evidence so far")})
    audit = audit_save_draft(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    assert audit.version == 2 and audit.status == AuditStatus.DRAFT
    assert audit.strengths == "Half-written thought"
    assert audit.judgements.get(section_id=section.section_id).evidence == "Some evidence so far"


def test_a_second_editor_with_a_stale_version_is_told_and_nothing_is_overwritten(draft_audit, council):
    first = AuditDraft(strengths="First person's text")
    audit_save_draft(audit_id=draft_audit.pk, by=council["auditor"], draft=first, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        audit_save_draft(
            audit_id=draft_audit.pk, by=council["auditor"], draft=AuditDraft(strengths="Second"), expected_version=1
        )
    draft_audit.refresh_from_db()
    assert draft_audit.strengths == "First person's text"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_let_exactly_one_through(council, version):
    from caseaudit.audits.services.lifecycle import audit_open

    audit = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            barrier.wait()
            audit_save_draft(
                audit_id=audit.pk, by=council["auditor"], draft=AuditDraft(strengths=text), expected_version=1
            )
            outcomes.append(("saved", text))
        except ConcurrentEditError:
            outcomes.append(("refused", text))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("from laptop", "from tablet")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    audit.refresh_from_db()
    saved_text = next(text for kind, text in outcomes if kind == "saved")
    assert audit.strengths == saved_text and audit.version == 2


def test_only_the_assigned_auditor_edits_a_draft(draft_audit, council):
    with pytest.raises(AuditRuleError, match="Only the assigned auditor"):
        audit_save_draft(audit_id=draft_audit.pk, by=council["moderator"], draft=AuditDraft(), expected_version=1)


def test_submitting_with_a_missing_grade_is_refused_but_the_draft_is_kept(draft_audit, council):
    draft = complete_draft(draft_audit)
    first_section = next(iter(draft.sections))
    draft.sections[first_section] = ("", "Evidence without a grade")
    draft.overall_grade = ""
    with pytest.raises(AuditIncomplete) as refused:
        submit(draft_audit, council["auditor"], draft)
    assert set(refused.value.errors) == {f"section_{first_section}_grade", "overall_grade"}
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT
    assert draft_audit.judgements.get(section_id=first_section).evidence == "Evidence without a grade"
    assert draft_audit.strengths == "Warm relationship with the child"


def test_a_complete_submission_records_the_file_review(draft_audit, council):
    audit = submit(draft_audit, council["auditor"], complete_draft(draft_audit))
    assert audit.status == AuditStatus.SUBMITTED and audit.audit_date is not None
    assert audit.activities.filter(kind=ActivityKind.FILE_REVIEW, carried_out_by=council["auditor"]).count() == 1


def test_marking_critical_emails_the_team_manager_and_service_manager_at_once(
    draft_audit, council, django_capture_on_commit_callbacks
):
    draft = complete_draft(draft_audit, grade="inadequate", critical=True)
    with django_capture_on_commit_callbacks(execute=True):
        audit_save_draft(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    # One e-mail each, through the message ledger (decision 0088).
    assert sorted(m.to[0] for m in mail.outbox) == ["service_manager@council.example", "team_manager@council.example"]
    for message in mail.outbox:
        assert len(message.to) == 1
        assert "URGENT" in message.subject and draft_audit.child.case_id in message.subject
        assert f"/audits/{draft_audit.pk}/" in message.body
    # Saving again does not send it again.
    with django_capture_on_commit_callbacks(execute=True):
        audit_save_draft(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=2)
    assert len(mail.outbox) == 2


def test_a_critical_flag_stays_until_someone_records_the_action(draft_audit, council):
    audit = submit(draft_audit, council["auditor"], complete_draft(draft_audit, grade="inadequate", critical=True))
    assert audit.critical_awaiting_action
    with pytest.raises(AuditRuleError, match="Describe the action"):
        critical_action_record(audit_id=audit.pk, by=council["team_manager"], action="  ")
    audit = critical_action_record(audit_id=audit.pk, by=council["team_manager"], action="Visited the child today")
    assert not audit.critical_awaiting_action and audit.critical_action_by == council["team_manager"]


def test_critical_is_refused_unless_the_grade_is_inadequate(draft_audit, council):
    with pytest.raises(AuditIncomplete) as refused:
        submit(draft_audit, council["auditor"], complete_draft(draft_audit, grade="good", critical=True))
    assert "is_critical" in refused.value.errors


def test_a_moderator_changes_a_grade_with_a_reason_and_both_grades_are_kept(draft_audit, council):
    audit = submit(draft_audit, council["auditor"], complete_draft(draft_audit, grade="good"))
    section = audit.judgements.first()
    audit = moderated(
        audit, council, overall="requires_improvement", changes={section.section_id: "requires_improvement"}
    )
    assert audit.status == AuditStatus.FINALISED
    assert audit.overall_grade == "good" and audit.moderated_overall_grade == "requires_improvement"
    assert audit.final_grade == "requires_improvement" and audit.grade_was_moderated
    judgement = audit.judgements.get(pk=section.pk)
    assert (judgement.grade, judgement.moderated_grade, judgement.final_grade) == (
        "good",
        "requires_improvement",
        "requires_improvement",
    )
    assert judgement.moderation_reason == "Evidence does not support Good"
    assert audit.activities.filter(kind=ActivityKind.MODERATION).count() == 1


def test_a_changed_grade_without_a_reason_is_refused(draft_audit, council):
    audit = submit(draft_audit, council["auditor"], complete_draft(draft_audit))
    audit = audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    sections = {j.section_id: (j.grade, "") for j in audit.judgements.all()}
    first = next(iter(sections))
    sections[first] = ("inadequate", "")
    decision = ModerationDecision(overall_grade="inadequate", sections=sections)
    with pytest.raises(AuditIncomplete) as refused:
        audit_moderate(
            audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
        )
    assert set(refused.value.errors) == {f"section_{first}_reason", "overall_reason"}


def test_nobody_moderates_their_own_audit(draft_audit, council):
    council["auditor"].role_assignments.create(role=Role.MODERATOR)
    council["auditor"].__dict__.pop("roles", None)
    submit(draft_audit, council["auditor"], complete_draft(draft_audit))
    with pytest.raises(AuditRuleError, match="carried out"):
        audit_moderation_start(audit_id=draft_audit.pk, moderator=council["auditor"])


def test_sharing_emails_the_worker_and_manager_who_acknowledge_and_respond(
    draft_audit, council, django_capture_on_commit_callbacks
):
    audit = moderated(submit(draft_audit, council["auditor"], complete_draft(draft_audit)), council)
    with django_capture_on_commit_callbacks(execute=True):
        audit = audit_share(audit_id=audit.pk, by=council["qa_admin"])
    assert audit.status == AuditStatus.SHARED
    assert sorted(m.to[0] for m in mail.outbox if "shared with you" in m.subject) == [
        "social_worker@council.example",
        "team_manager@council.example",
    ]
    ack = audit_acknowledge(audit_id=audit.pk, by=council["social_worker"], response="Agree; plan updated")
    assert ack.response == "Agree; plan updated"
    with pytest.raises(AuditRuleError, match="already acknowledged"):
        audit_acknowledge(audit_id=audit.pk, by=council["social_worker"], response="")
    with pytest.raises(AuditRuleError, match="Only the worker"):
        audit_acknowledge(audit_id=audit.pk, by=council["colleague"], response="")


def test_family_feedback_keeps_the_familys_words_and_needs_them(draft_audit, council):
    with pytest.raises(AuditRuleError, match="own words"):
        activity_record(
            audit=draft_audit, by=council["auditor"], kind=ActivityKind.FAMILY, happened_on=datetime.date(2026, 1, 5)
        )
    activity = activity_record(
        audit=draft_audit,
        by=council["auditor"],
        kind=ActivityKind.FAMILY,
        happened_on=datetime.date(2026, 1, 5),
        family_words="She listens to us now",
    )
    assert Activity.objects.get(pk=activity.pk).family_words == "She listens to us now"


def test_a_re_audit_is_linked_to_the_audit_it_follows(draft_audit, council):
    audit = moderated(submit(draft_audit, council["auditor"], complete_draft(draft_audit, grade="inadequate")), council)
    again = reaudit_open(earlier=audit, auditor=PersonFactory(roles=[Role.AUDITOR]), due_on=datetime.date(2026, 6, 30))
    assert again.kind == AuditKind.RE_AUDIT and again.follows == audit and again.child == audit.child
    assert list(audit.re_audits.all()) == [again]


def test_the_database_refuses_an_audit_by_the_childs_own_worker(draft_audit, council):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.filter(pk=draft_audit.pk).update(auditor=council["social_worker"])
