# ruff: noqa: F811 - pytest fixtures imported from other modules are named as test arguments
"""People are told (issue 44, point 4): an auditor when audits are assigned to them, the worker and team manager
when an audit is shared, each once, with a link to the record, through the message ledger (decision 0088), and
not when they turned those emails off. The urgent safeguarding email is always sent."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction

from caseaudit.audits.models import Audit, AuditKind
from caseaudit.audits.services import notify
from caseaudit.audits.services.lifecycle import (
    ModerationDecision,
    audit_moderate,
    audit_moderation_start,
    audit_open,
    audit_save_draft,
    audit_share,
    audit_submit,
    reaudit_open,
)
from caseaudit.audits.services.sampling import (
    audits_reassign,
    programme_confirm,
    programme_create,
    sample_add,
    sample_assign_all,
)
from caseaudit.messaging.models import SentMessage
from caseaudit.organisation.roles import Role

from ..factories import ChildFactory, PersonFactory
from ..mailserver import mail_server  # noqa: F401
from .conftest import complete_draft

SITE = "https://caseaudit.council.example"
DUE = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def link(audit: Audit) -> str:
    return f"{SITE}/audits/{audit.pk}/"


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def second_auditor(council):
    return PersonFactory(email="second.auditor@council.example", full_name="Sam Second", roles=[Role.AUDITOR])


@pytest.fixture
def programme(council, version, second_auditor):
    """North's March programme: three team B children for the auditor, one for the second auditor."""
    programme = programme_create(
        service_area=council.team_a.service_area,
        month=datetime.date(2026, 3, 1),
        tool_version=version,
        due_on=DUE,
        by=council["qa_admin"],
    )
    children = [ChildFactory(team=council.team_b) for _ in range(4)]
    entries = [sample_add(programme=programme, case_id=child.case_id) for child in children]
    sample_assign_all(
        programme=programme,
        auditors={e.pk: (second_auditor if i == 3 else council["auditor"]) for i, e in enumerate(entries)},
    )
    return programme


def test_confirming_a_programme_tells_each_auditor_once_listing_their_audits_with_links(
    council, programme, second_auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        audits = programme_confirm(programme=programme, by=council["qa_admin"])
    theirs = [a for a in audits if a.auditor_id == council["auditor"].pk]
    assert len(theirs) == 3

    [message] = sent_to("auditor@council.example")
    assert message.subject == "3 audits assigned to you"
    assert f"You have been assigned 3 audits in {programme.title}." in message.body
    for audit in theirs:
        line = f"Case {audit.child.case_id} (Team B), case file audit, due by 31 March 2026:\n{link(audit)}"
        assert line in message.body
    assert f"{SITE}/account/emails" in message.body  # where to turn them off

    [single] = sent_to("second.auditor@council.example")
    [own] = [a for a in audits if a.auditor_id == second_auditor.pk]
    assert single.subject == f"Audit of case {own.child.case_id} assigned to you"
    assert link(own) in single.body and theirs[0].child.case_id not in single.body
    assert len(mail.outbox) == 2

    # In the ledger, one row each, sent; telling again about the same assignment sends nothing.
    rows = SentMessage.objects.filter(reason=notify.ASSIGNED)
    assert sorted(rows.values_list("recipient__email", "status")) == [
        ("auditor@council.example", "sent"),
        ("second.auditor@council.example", "sent"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.audits_assigned(Audit.objects.filter(programme=programme)) == 0
    assert len(mail.outbox) == 2 and rows.count() == 2


def test_an_auditor_who_turned_assignment_emails_off_is_not_told(
    council, programme, second_auditor, django_capture_on_commit_callbacks
):
    council["auditor"].email_audits_assigned = False
    council["auditor"].save()
    with django_capture_on_commit_callbacks(execute=True):
        programme_confirm(programme=programme, by=council["qa_admin"])
    assert [m.to for m in mail.outbox] == [["second.auditor@council.example"]]
    assert not SentMessage.objects.filter(recipient=council["auditor"]).exists()


def test_a_confirmation_rolled_back_tells_nobody_and_leaves_no_ledger_row(
    council, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            programme_confirm(programme=programme, by=council["qa_admin"])
            assert SentMessage.objects.filter(reason=notify.ASSIGNED).count() == 2  # claimed with the change
            transaction.set_rollback(True)
    assert callbacks == [] and mail.outbox == []
    assert not SentMessage.objects.exists() and not Audit.objects.exists()


def test_reassigning_tells_the_new_auditor_and_again_if_the_audits_come_back(
    council, version, second_auditor, django_capture_on_commit_callbacks
):
    audits = [
        audit_open(
            child=ChildFactory(team=council.team_b), auditor=council["auditor"], tool_version=version, due_on=DUE
        )
        for _ in range(2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        audits_reassign(from_person=council["auditor"], to_person=second_auditor, by=council["qa_admin"])
    [message] = mail.outbox
    assert message.to == ["second.auditor@council.example"] and message.subject == "2 audits assigned to you"
    assert "You have been assigned 2 audits, moved to you from Auditor." in message.body
    assert all(link(audit) in message.body for audit in audits)

    with django_capture_on_commit_callbacks(execute=True):
        audits_reassign(from_person=second_auditor, to_person=council["auditor"], by=council["qa_admin"])
        audits_reassign(from_person=council["auditor"], to_person=second_auditor, by=council["qa_admin"])
    # Each move is an assignment of its own: told of each, once.
    assert [m.to for m in mail.outbox] == [
        ["second.auditor@council.example"],
        ["auditor@council.example"],
        ["second.auditor@council.example"],
    ]
    assert SentMessage.objects.filter(reason=notify.ASSIGNED, status="sent").count() == 3


def test_a_re_audit_tells_its_auditor(council, version, django_capture_on_commit_callbacks):
    earlier = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        audit = reaudit_open(earlier=earlier, auditor=council["auditor"], due_on=DUE)
    [message] = mail.outbox
    assert audit.kind == AuditKind.RE_AUDIT and message.to == ["auditor@council.example"]
    assert message.subject == f"Audit of case {earlier.child.case_id} assigned to you"
    assert "re-audit, due by 31 March 2026" in message.body and link(audit) in message.body


def _finalised(council, audit, grade="good"):
    audit = audit_submit(
        audit_id=audit.pk, by=council["auditor"], draft=complete_draft(audit, grade=grade), expected_version=1
    )
    audit = audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    sections = {j.section_id: (j.grade, "") for j in audit.judgements.all()}
    return audit_moderate(
        audit_id=audit.pk,
        moderator=council["moderator"],
        decision=ModerationDecision(overall_grade=grade, sections=sections),
        expected_version=audit.version,
    )


def test_sharing_tells_the_worker_and_team_manager_once_each_with_the_link(
    council, draft_audit, django_capture_on_commit_callbacks
):
    audit = _finalised(council, draft_audit)
    with django_capture_on_commit_callbacks(execute=True):
        audit_share(audit_id=audit.pk, by=council["qa_admin"])
    assert sorted(m.to for m in mail.outbox) == [["social_worker@council.example"], ["team_manager@council.example"]]
    for message in mail.outbox:
        assert message.subject == f"Audit of case {audit.child.case_id} shared with you"
        assert "The final grade is Good." in message.body and link(audit) in message.body
    with django_capture_on_commit_callbacks(execute=True):
        notify.audit_shared(Audit.objects.get(pk=audit.pk))  # the same sharing told again
    assert len(mail.outbox) == 2
    assert SentMessage.objects.filter(reason=notify.SHARED, status="sent").count() == 2


def test_a_team_manager_who_turned_sharing_emails_off_is_not_told_the_worker_still_is(
    council, draft_audit, django_capture_on_commit_callbacks
):
    council["team_manager"].email_audits_shared = False
    council["team_manager"].save()
    audit = _finalised(council, draft_audit)
    with django_capture_on_commit_callbacks(execute=True):
        audit_share(audit_id=audit.pk, by=council["qa_admin"])
    assert [m.to for m in mail.outbox] == [["social_worker@council.example"]]
    assert not SentMessage.objects.filter(recipient=council["team_manager"]).exists()


def test_the_urgent_safeguarding_email_is_sent_even_with_every_email_turned_off(
    council, draft_audit, django_capture_on_commit_callbacks
):
    for key in ("team_manager", "service_manager"):
        council[key].email_audits_assigned = council[key].email_audits_shared = False
        council[key].save()
    draft = complete_draft(draft_audit, grade="inadequate", critical=True)
    with django_capture_on_commit_callbacks(execute=True):
        audit_save_draft(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    assert sorted(m.to for m in mail.outbox) == [["service_manager@council.example"], ["team_manager@council.example"]]
    assert all(link(draft_audit) in m.body and "turn off" not in m.body for m in mail.outbox)
    assert SentMessage.objects.filter(reason=notify.CRITICAL, status="sent").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_refused_sharing_email_is_recorded_failed_and_shown_on_emails_not_sent(council, mail_server, client):
    """Against a real SMTP server that refuses one of the two messages: the fault is kept, not lost."""
    from caseaudit.audits.services.tools import standard_tools_ensure

    version = standard_tools_ensure()[0].current_version
    draft = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None)
    audit = _finalised(council, draft)
    mail_server.script.answers = ["550 5.1.1 Mailbox unavailable"]  # the first message sent; the second is taken
    audit_share(audit_id=audit.pk, by=council["qa_admin"])  # commits; each email is sent after the commit
    failed = SentMessage.objects.get(reason=notify.SHARED, status="failed")
    sent = SentMessage.objects.get(reason=notify.SHARED, status="sent")
    assert {failed.recipient, sent.recipient} == {council["social_worker"], council["team_manager"]}
    assert failed.answer == "550 5.1.1 Mailbox unavailable"
    assert [m["To"] for m in mail_server.script.received] == [sent.recipient.email]
    client.force_login(council["qa_admin"])
    page = client.get("/messages/").content.decode()
    assert failed.subject in page and "Mailbox unavailable" in page and f"/messages/{failed.pk}/resend" in page
