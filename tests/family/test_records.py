"""The family's answers in the child's record, the change history, the subject-access export and the retention
policy (issue 31, point 4; decision 0098)."""

from __future__ import annotations

import datetime
import json
import subprocess

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseaudit.dataprotection.retention import REMOVED, retention_apply
from caseaudit.dataprotection.subject_access import child_subject_access
from caseaudit.family.contacts import contact_record, contact_requests_due
from caseaudit.family.models import ContactRequest, Invitation, InvitationMessage, Response
from caseaudit.family.services import FamilyAnswers, invitation_create, response_submit
from caseaudit.messaging.models import SentMessage
from caseaudit.trail.models import TrailEntry

WELL = "Sam listened to my son and came every week."
ELSE = "My name is Jo Smith and I want the plan sent to my address."


def answered(audit, council, name="Jo Smith", contact_me=True):
    invitation, raw = invitation_create(
        audit=audit,
        by=council["auditor"],
        recipient_name=name,
        relationship="Mother",
        channel="email",
        contact="jo.smith@family.example",
    )
    questions = {q.text: q.pk for q in invitation.questionnaire_version.questions.all()}
    sent = FamilyAnswers(
        answers={questions["Did your social worker listen to you?"]: "Yes", questions["What went well?"]: WELL},
        anything_else=ELSE,
        contact_me=contact_me,
    )
    return response_submit(raw_token=raw, sent=sent), raw


# ------------------------------------------------------------------------------------------------------------------
# The child's record


def test_the_childs_record_shows_the_familys_answers_to_whoever_may_see_the_audit(client, audit, council):
    answered(audit, council)
    url = f"/children/{audit.child_id}/"
    client.force_login(council["qa_admin"])
    html = client.get(url).content.decode()
    assert "Family feedback" in html and WELL in html and "Jo Smith (Mother)" in html and "Yes: to be contacted" in html
    # The audit's auditor sees the audit, so its family feedback.
    client.force_login(council["auditor"])
    assert WELL in client.get(url).content.decode()


def test_the_childs_record_keeps_feedback_in_audits_a_person_may_not_see(client, audit, council):
    """The allocated worker sees the child but not a draft audit of their work: nor its family feedback."""
    answered(audit, council)
    client.force_login(council["social_worker"])
    page = client.get(f"/children/{audit.child_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Family feedback" in html and WELL not in html and "Jo Smith" not in html


def test_people_who_may_not_see_the_child_get_404(client, audit, council):
    answered(audit, council)
    for who in ("outsider", "other_team_manager", "colleague"):
        client.force_login(council[who])
        assert client.get(f"/children/{audit.child_id}/").status_code == 404, who


def test_the_childs_record_reads_the_same_number_of_queries_however_many_answered(client, audit, council):
    answered(audit, council)
    client.force_login(council["qa_admin"])
    url = f"/children/{audit.child_id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        answered(audit, council, name=f"Carer {n}", contact_me=bool(n % 2))
    with CaptureQueriesContext(connection) as four:
        html = client.get(url).content.decode()
    assert "Carer 2" in html
    assert len(four.captured_queries) == len(one.captured_queries)


# ------------------------------------------------------------------------------------------------------------------
# The change history


def test_the_change_history_has_the_answers_and_the_action_but_no_link_hash(client, audit, council):
    answered(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council["team_manager"])
    today = timezone.localdate()
    form = {"contacted_on_day": today.day, "contacted_on_month": today.month, "contacted_on_year": today.year}
    posted = client.post(f"/family/contact-requests/{contact.pk}", {**form, "note": "Rang Jo.", "version": 1})
    assert posted.status_code == 302
    models = {"invitation", "response", "contactrequest"}
    entries = TrailEntry.objects.filter(content_type__app_label="family", content_type__model__in=models)
    assert {(e.content_type.model, e.action) for e in entries} >= {
        ("invitation", TrailEntry.Action.CREATE),
        ("invitation", TrailEntry.Action.UPDATE),  # answered
        ("response", TrailEntry.Action.CREATE),
        ("contactrequest", TrailEntry.Action.CREATE),
        ("contactrequest", TrailEntry.Action.UPDATE),  # the contact recorded
    }
    recorded = entries.filter(content_type__model="contactrequest", action=TrailEntry.Action.UPDATE).get()
    assert recorded.actor == council["team_manager"] and recorded.changes["note"][1] == "Rang Jo."
    invitation = Invitation.objects.get()
    for entry in entries:
        assert "token_hash" not in entry.changes and "reminder_token_hash" not in entry.changes
        assert invitation.token_hash not in json.dumps(entry.changes)


# ------------------------------------------------------------------------------------------------------------------
# The subject-access export


def test_the_subject_access_export_has_the_familys_invitation_answers_and_contact_without_the_links_hash(
    audit, council
):
    response, _ = answered(audit, council)
    contact = ContactRequest.objects.get()
    contact_record(
        contact_id=contact.pk, by=council["team_manager"], contacted_on=timezone.localdate(), note="Rang Jo.",
        expected_version=1,
    )  # fmt: skip
    data = child_subject_access(child=audit.child, redact_staff=False, requested_by=council["qa_admin"])
    (family,) = data["family_feedback"]
    assert family["recipient_name"] == "Jo Smith" and family["contact"] == "jo.smith@family.example"
    assert family["invited_by"]["name"] == council["auditor"].full_name and family["audit_id"] == audit.pk
    answers = {a["question"]: a["answer"] for a in family["response"]["answers"]}
    assert answers == {"Did your social worker listen to you?": "Yes", "What went well?": WELL}
    assert family["response"]["anything_else"] == ELSE and family["response"]["contact_me"] is True
    assert family["response"]["contact_request"]["note"] == "Rang Jo."
    assert family["response"]["contact_request"]["recorded_by"]["name"] == council["team_manager"].full_name
    history = {entry["record"] for entry in data["change_history"]}
    assert {"invitation", "response", "contact request"} <= history
    exported = json.dumps(data)
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in exported and "token_hash" not in exported


def test_with_staff_redacted_the_export_names_the_family_but_not_the_staff(audit, council):
    answered(audit, council)
    data = child_subject_access(child=audit.child, redact_staff=True, requested_by=council["qa_admin"])
    (family,) = data["family_feedback"]
    assert family["recipient_name"] == "Jo Smith"
    assert family["invited_by"]["name"].startswith("Worker ")
    assert council["auditor"].email not in json.dumps(data["family_feedback"])


def test_the_subject_access_pdf_reads_back_with_the_familys_answers(client, audit, council, tmp_path):
    answered(audit, council)
    client.force_login(council["qa_admin"])
    page = client.get(f"/data-protection/children/{audit.child_id}/subject-access", {"format": "pdf"})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    path = tmp_path / "export.pdf"
    path.write_bytes(page.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Family feedback by secure link (1)" in text and "Jo Smith" in text and "came every week" in text


# ------------------------------------------------------------------------------------------------------------------
# Retention


def test_retention_removes_the_familys_name_contact_and_words_with_the_childs_record(
    audit, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = answered(audit, council)
    contact = ContactRequest.objects.get()
    contact_record(
        contact_id=contact.pk, by=council["team_manager"], contacted_on=timezone.localdate(),
        note="Rang Jo Smith at home.", expected_version=1,
    )  # fmt: skip
    ContactRequest.objects.filter(pk=contact.pk).update(contacted_on=None, recorded_by=None, recorded_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        contact_requests_due(today=contact.due_on + datetime.timedelta(days=30))  # escalations about the child
    ContactRequest.objects.filter(pk=contact.pk).update(
        contacted_on=timezone.localdate(), recorded_by=council["team_manager"], recorded_at=timezone.now()
    )
    assert SentMessage.objects.filter(child=audit.child).exists()
    choice_before = {k: v for k, v in response.answers.items() if v == "Yes"}
    child = audit.child
    child.closed_on = datetime.date(2026, 1, 31)
    child.save()

    retention_apply(today=datetime.date(2040, 1, 1), by=council["qa_admin"], commit=True)

    invitation = Invitation.objects.get()
    assert invitation.recipient_name == REMOVED and invitation.contact == REMOVED
    assert invitation.relationship == "Mother"  # no one is named by it; reports may count by it
    assert all(message.to == REMOVED for message in InvitationMessage.objects.all())
    response = Response.objects.get()
    assert response.anything_else == REMOVED
    assert WELL not in json.dumps(response.answers) and REMOVED in response.answers.values()
    assert {k: v for k, v in response.answers.items() if v == "Yes"} == choice_before  # the figures stay
    assert response.contact_me is True
    contact = ContactRequest.objects.get()
    assert contact.note == REMOVED and contact.contacted_on is not None
    assert all(m.body == REMOVED for m in SentMessage.objects.filter(child=child))
    child.refresh_from_db()
    # Nothing of theirs left anywhere the export reads.
    data = json.dumps(child_subject_access(child=child, redact_staff=False, requested_by=council["qa_admin"]))
    for secret in ("Jo Smith", "jo.smith@family.example", WELL, ELSE):
        assert secret not in data.split('"change_history"')[0], secret
