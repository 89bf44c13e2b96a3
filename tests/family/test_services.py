"""Family feedback by a secure link: the services (issue 31, decision 0098)."""

from __future__ import annotations

import datetime
import hashlib
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from caseaudit.audits.models import Activity, ActivityKind
from caseaudit.family import services
from caseaudit.family.errors import FamilyRuleError, LinkExpired, LinkRevoked, LinkSpent, LinkUnknown
from caseaudit.family.models import Invitation, Questionnaire, Response
from caseaudit.family.services import FamilyAnswers, invitation_create, invitation_revoke, response_submit

from .conftest import open_audit


def invite(audit, by, channel="email", contact="mum@family.example", **kwargs):
    return invitation_create(
        audit=audit, by=by, recipient_name="Jo Smith", relationship="Mother", channel=channel, contact=contact, **kwargs
    )


def questions(invitation):
    return list(invitation.questionnaire_version.questions.all())


def test_the_default_questionnaires_are_plain_and_optional(questionnaires):
    assert {q.audience for q in questionnaires} == {"parent_carer", "young_person"}
    for questionnaire in Questionnaire.objects.all():
        version = questionnaire.current_version
        assert version.number == 1 and version.published
        assert version.questions.count() >= 4
        assert all(len(q.text.split()) <= 12 for q in version.questions.all()), "short sentences"
    assert len(services.questionnaires_ensure()) == 2 and Questionnaire.objects.count() == 2  # idempotent


def test_the_token_has_at_least_128_bits_and_only_its_hash_is_stored(
    audit, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite(audit, council["auditor"])
    assert len(raw) >= 22  # token_urlsafe: 4 characters per 3 bytes, 16 bytes = 128 bits
    assert services.TOKEN_BYTES * 8 >= 128
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = {field.attname: getattr(invitation, field.attname) for field in Invitation._meta.concrete_fields}
    assert raw not in str(stored)
    # The email carries the link, and nothing about the child.
    (message,) = mail.outbox
    assert message.to == ["mum@family.example"] and raw in message.body
    assert audit.child.name not in message.body and audit.child.case_id not in message.body


def test_two_invitations_never_share_a_token(audit, council):
    tokens = {invite(audit, council["auditor"])[1] for _ in range(5)}
    assert len(tokens) == 5


def test_a_letter_keeps_no_contact_and_sends_nothing(audit, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite(audit, council["qa_admin"], channel="letter", contact="ignored")
    assert invitation.contact == "" and mail.outbox == [] and raw


def test_the_link_expires_after_21_days_by_default_and_the_council_may_change_it(audit, council):
    invitation, _ = invite(audit, council["auditor"])
    assert abs(invitation.expires_at - invitation.created_at - datetime.timedelta(days=21)).total_seconds() < 5
    with override_settings(CASEAUDIT_FAMILY_LINK_DAYS=7):
        invitation, _ = invite(audit, council["auditor"])
    assert abs(invitation.expires_at - invitation.created_at - datetime.timedelta(days=7)).total_seconds() < 5


@pytest.mark.parametrize("who", ["moderator", "social_worker", "team_manager", "outsider"])
def test_only_the_auditor_or_qa_may_invite(audit, council, who):
    with pytest.raises(FamilyRuleError, match="Only the audit's auditor"):
        invite(audit, council[who])
    assert not Invitation.objects.exists()


def test_a_bad_email_or_a_text_message_is_refused(audit, council):
    with pytest.raises(FamilyRuleError, match="correct format") as bad:
        invite(audit, council["auditor"], contact="not an email")
    assert bad.value.field == "contact"
    with pytest.raises(FamilyRuleError, match="Text messages"):
        invite(audit, council["auditor"], channel="sms", contact="07700900123")


def test_answers_are_kept_once_and_reach_the_audit_in_their_own_words(audit, council):
    invitation, raw = invite(audit, council["auditor"])
    listened, went_well, *_ = [q for q in questions(invitation) if q.kind == "choice"][:1] + [
        q for q in questions(invitation) if q.kind == "free_text"
    ]
    sent = FamilyAnswers(
        answers={listened.pk: "Sometimes", went_well.pk: "She came when she said she would"},
        anything_else="Thank you",
        contact_me=True,
    )
    response = response_submit(raw_token=raw, sent=sent)
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert response.answers == {str(listened.pk): "Sometimes", str(went_well.pk): "She came when she said she would"}
    assert response.contact_me and response.anything_else == "Thank you"
    activity = Activity.objects.get(audit=audit)
    assert activity.kind == ActivityKind.FAMILY and activity.carried_out_by is None
    assert "Family feedback (in their own words)" in activity.notes
    assert "She came when she said she would" in activity.family_words
    assert "Would you like someone to contact you about this?\nYes" in activity.family_words


def test_every_question_is_optional(audit, council):
    _, raw = invite(audit, council["auditor"])
    response = response_submit(raw_token=raw, sent=FamilyAnswers())
    assert response.answers == {} and not response.contact_me


def test_an_answer_not_offered_is_refused_and_nothing_is_kept(audit, council):
    invitation, raw = invite(audit, council["auditor"])
    choice = next(q for q in questions(invitation) if q.kind == "choice")
    with pytest.raises(FamilyRuleError, match="Choose one of the answers"):
        response_submit(raw_token=raw, sent=FamilyAnswers(answers={choice.pk: "<script>"}))
    assert not Response.objects.exists() and not Activity.objects.exists()
    response_submit(raw_token=raw, sent=FamilyAnswers(answers={choice.pk: "Yes"}))  # the link still works


def test_a_link_answers_once(audit, council):
    _, raw = invite(audit, council["auditor"])
    response_submit(raw_token=raw, sent=FamilyAnswers(anything_else="First"))
    with pytest.raises(LinkSpent):
        response_submit(raw_token=raw, sent=FamilyAnswers(anything_else="Second"))
    with pytest.raises(LinkSpent):
        services.invitation_for_token(raw)
    assert Response.objects.get().anything_else == "First"
    assert Activity.objects.filter(audit=audit).count() == 1


def test_an_expired_link_is_refused(audit, council):
    invitation, raw = invite(audit, council["auditor"])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(LinkExpired):
        response_submit(raw_token=raw, sent=FamilyAnswers(anything_else="Late"))
    assert not Response.objects.exists()


def test_a_cancelled_link_is_refused_and_cancelling_twice_keeps_the_first_time(audit, council):
    invitation, raw = invite(audit, council["auditor"])
    first = invitation_revoke(invitation=invitation, by=council["qa_admin"]).revoked_at
    assert invitation_revoke(invitation=invitation, by=council["auditor"]).revoked_at == first
    with pytest.raises(LinkRevoked):
        response_submit(raw_token=raw, sent=FamilyAnswers())
    with pytest.raises(FamilyRuleError):
        invitation_revoke(invitation=invitation, by=council["outsider"])


def test_an_answered_invitation_cannot_be_cancelled(audit, council):
    invitation, raw = invite(audit, council["auditor"])
    response_submit(raw_token=raw, sent=FamilyAnswers())
    with pytest.raises(FamilyRuleError, match="already answered"):
        invitation_revoke(invitation=invitation, by=council["auditor"])


def test_an_unknown_link_is_refused(audit, council):
    invite(audit, council["auditor"])
    for guess in ("", "x", "A" * 22):
        with pytest.raises(LinkUnknown):
            response_submit(raw_token=guess, sent=FamilyAnswers())


def test_a_token_for_one_audit_never_reaches_another(audit, council):
    other_audit = open_audit(council, child="colleagues")
    mine, my_raw = invite(audit, council["auditor"])
    theirs, their_raw = invite(other_audit, council["auditor"], audience="young_person")
    assert services.invitation_for_token(my_raw) == mine
    assert services.invitation_for_token(their_raw) == theirs
    # Answers keyed by the other questionnaire's questions are not the link's questions: nothing of them is kept.
    their_question = questions(theirs)[0]
    response_submit(raw_token=my_raw, sent=FamilyAnswers(answers={their_question.pk: "Yes"}, anything_else="Mine"))
    theirs.refresh_from_db()
    assert theirs.answered_at is None and not Response.objects.filter(invitation=theirs).exists()
    assert Response.objects.get(invitation=mine).answers == {}
    assert list(Activity.objects.values_list("audit_id", flat=True)) == [audit.pk]


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_store_one(council, questionnaires):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database; the row lock is PostgreSQL's")
    audit = open_audit(council)
    _, raw = invite(audit, council["auditor"])
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(words):
        try:
            barrier.wait()
            response_submit(raw_token=raw, sent=FamilyAnswers(anything_else=words))
            outcomes.append("kept")
        except LinkSpent:
            outcomes.append("spent")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(w,)) for w in ("from phone", "from laptop")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["kept", "spent"]
    assert Response.objects.count() == 1
    assert Activity.objects.filter(audit=audit, kind=ActivityKind.FAMILY).count() == 1
