"""Family feedback pages: the family's (no account) and the auditor's (issue 31, decision 0098)."""

from __future__ import annotations

import datetime

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from caseaudit.audits.models import Activity
from caseaudit.family.models import Invitation, Response
from caseaudit.family.services import invitation_create, invitation_revoke

COUNCIL = "Demo Borough Council"


def invite(audit, council, channel="letter"):
    contact = "mum@family.example" if channel == "email" else ""
    return invitation_create(
        audit=audit,
        by=council["auditor"],
        recipient_name="Jo Smith",
        relationship="Mother",
        channel=channel,
        contact=contact,
    )


@override_settings(COUNCIL_NAME=COUNCIL)
def test_given_a_link_a_parent_answers_without_an_account_and_sees_nothing_about_the_child(client, audit, council):
    invitation, raw = invite(audit, council)
    page = client.get(f"/feedback/{raw}")
    assert page.status_code == 200
    html = page.content.decode()
    assert COUNCIL in html and "Did your social worker listen to you?" in html
    assert "Is there anything else you want to tell us?" in html and "contact you about this" in html
    for secret in (audit.child.name, audit.child.case_id, "Jo Smith", council["auditor"].full_name):
        assert secret not in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    question = invitation.questionnaire_version.questions.get(position=1)
    sent = client.post(
        f"/feedback/{raw}", {f"question_{question.pk}": "Yes", "anything_else": "She was kind", "contact_me": "yes"}
    )
    assert sent.status_code == 302 and sent["Location"] == "/feedback/thanks"
    assert client.get("/feedback/thanks").status_code == 200
    response = Response.objects.get(invitation=invitation)
    assert response.answers == {str(question.pk): "Yes"} and response.contact_me
    assert "She was kind" in Activity.objects.get(audit=audit).family_words


@override_settings(CASEAUDIT_FAMILY_CONTACT="Call 0300 000 0000")
def test_spent_cancelled_expired_and_unknown_links_get_a_clear_page_with_contact_details(client, audit, council):
    _, spent = invite(audit, council)
    client.post(f"/feedback/{spent}", {})
    cancelled_invitation, cancelled = invite(audit, council)
    invitation_revoke(invitation=cancelled_invitation, by=council["auditor"])
    expired_invitation, expired = invite(audit, council)
    Invitation.objects.filter(pk=expired_invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    for token, status, words in (
        (spent, 410, "already been answered"),
        (cancelled, 410, "has been cancelled"),
        (expired, 410, "has expired"),
        ("not-a-real-link-at-all", 404, "does not work"),
    ):
        page = client.get(f"/feedback/{token}")
        assert page.status_code == status and words in page.content.decode(), token
        assert "Call 0300 000 0000" in page.content.decode()
    # Posting to a spent link keeps nothing more.
    assert client.post(f"/feedback/{spent}", {"anything_else": "Again"}).status_code == 410
    assert Response.objects.count() == 1


@override_settings(CASEAUDIT_FAMILY_LINK_GUESSES=3)
def test_guessing_links_is_rate_limited(client, audit, council):
    _, raw = invite(audit, council)
    for n in range(3):
        assert client.get(f"/feedback/guess{n}").status_code == 404
    assert client.get("/feedback/guess-again").status_code == 429
    assert client.get(f"/feedback/{raw}").status_code == 429  # even a real link, from that address, for a while
    assert client.get(f"/feedback/{raw}", REMOTE_ADDR="192.0.2.7").status_code == 200  # another address


def test_the_code_from_a_letter_opens_the_questions(client, audit, council):
    _, raw = invite(audit, council)
    assert client.get("/feedback/").status_code == 200
    assert client.get("/feedback/", {"code": f" {raw} "})["Location"] == f"/feedback/{raw}"


def test_given_i_am_the_auditor_i_invite_a_parent_by_email_from_the_audit_page(
    client, audit, council, django_capture_on_commit_callbacks
):
    client.force_login(council["auditor"])
    page = client.get(f"/audits/{audit.pk}/")
    assert "Invite a family member to give feedback" in page.content.decode()
    form = {
        "recipient_name": "Jo Smith",
        "relationship": "Mother",
        "audience": "parent_carer",
        "channel": "email",
        "contact": "jo@family.example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/audits/{audit.pk}/family/invite", form)
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["jo@family.example"] and "/feedback/" in message.body
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "Jo Smith (Mother)" in page and "Waiting for an answer" in page


def test_a_letter_shows_its_link_once(client, audit, council):
    client.force_login(council["auditor"])
    form = {
        "recipient_name": "Sam",
        "relationship": "The young person",
        "audience": "young_person",
        "channel": "letter",
    }
    assert client.post(f"/audits/{audit.pk}/family/invite", form)["Location"] == f"/audits/{audit.pk}/family/letter"
    letter = client.get(f"/audits/{audit.pk}/family/letter").content.decode()
    assert "/feedback/" in letter and "Print this letter now" in letter
    assert Invitation.objects.get().questionnaire_version.questionnaire.audience == "young_person"
    assert "already been shown" in client.get(f"/audits/{audit.pk}/family/letter").content.decode()


def test_an_email_invitation_without_an_address_is_refused_in_govuk_words(client, audit, council):
    client.force_login(council["auditor"])
    form = {"recipient_name": "Jo", "relationship": "Mother", "audience": "parent_carer", "channel": "email"}
    page = client.post(f"/audits/{audit.pk}/family/invite", form)
    assert page.status_code == 200 and "Enter an email address in the correct format" in page.content.decode()
    assert not Invitation.objects.exists()


def test_only_the_auditor_or_qa_cancel_a_link_and_outsiders_get_404(client, audit, council):
    invitation, _ = invite(audit, council)
    for who in ("outsider", "social_worker", "moderator"):
        client.force_login(council[who])
        assert client.post(f"/family/invitations/{invitation.pk}/cancel").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.force_login(council["qa_admin"])
    assert client.post(f"/family/invitations/{invitation.pk}/cancel").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_others_cannot_open_the_invite_form(client, audit, council):
    for who in ("outsider", "social_worker", "team_manager", "moderator"):
        client.force_login(council[who])
        assert client.get(f"/audits/{audit.pk}/family/invite").status_code == 404
