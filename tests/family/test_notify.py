"""Family invitations and reminders through GOV.UK Notify, against a local server that speaks Notify's v2 API
(fake_notify.py) with the real notifications-python-client; and through the mail backend without a key."""

from __future__ import annotations

import datetime
import socket
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from caseaudit.family import sending, services
from caseaudit.family.errors import FamilyRuleError, LinkSpent
from caseaudit.family.models import Invitation, InvitationMessage
from caseaudit.family.services import FamilyAnswers, invitation_create, invitation_revoke, response_submit
from caseaudit.web.outbox import DeliveryStatus

from .conftest import open_audit
from .fake_notify import TEMPLATES, notify_error

FIELDS = {"council_name", "link", "code", "expiry_date"}


def invite(audit, council, channel="email", contact="jo@family.example"):
    return invitation_create(
        audit=audit,
        by=council["auditor"],
        recipient_name="Jo Smith",
        relationship="Mother",
        channel=channel,
        contact=contact,
    )


def sent_invitation(audit, council, capture, **kwargs):
    with capture(execute=True):
        invitation, raw = invite(audit, council, **kwargs)
    return invitation, raw, InvitationMessage.objects.get(invitation=invitation, kind="invitation")


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_email_invitation_goes_through_notify_with_a_signed_token_and_no_case_detail(
    audit, council, notify, django_capture_on_commit_callbacks
):
    invitation, raw, message = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    (request,) = notify.received
    assert notify.refused == []
    assert request.path == "/v2/notifications/email"
    assert request.body["email_address"] == "jo@family.example"
    assert request.body["template_id"] == TEMPLATES["invitation_email"]
    assert set(request.body["personalisation"]) == FIELDS
    assert request.body["personalisation"]["code"] == raw and raw in request.body["personalisation"]["link"]
    assert request.body["reference"] == f"caseaudit-family-message-{message.pk}"
    for secret in (audit.child.name, audit.child.case_id):
        assert secret not in str(request.body)
    assert message.status == DeliveryStatus.SENT and message.sent_through == "notify"
    assert message.notification_id and message.sent_at is not None
    # Once sent, the link and its code leave the database: only the token's hash stays.
    assert set(message.personalisation) == {"council_name", "expiry_date"}
    assert raw not in str(InvitationMessage.objects.filter(pk=message.pk).values().get())
    assert mail.outbox == []


def test_a_text_message_goes_through_notify_to_a_uk_mobile(audit, council, notify, django_capture_on_commit_callbacks):
    invitation, raw, message = sent_invitation(
        audit, council, django_capture_on_commit_callbacks, channel="sms", contact="07700 900 982"
    )
    assert invitation.contact == "07700900982"
    (request,) = notify.received
    assert request.path == "/v2/notifications/sms"
    assert request.body["phone_number"] == "07700900982"
    assert request.body["template_id"] == TEMPLATES["invitation_sms"]
    assert set(request.body["personalisation"]) == FIELDS
    assert message.status == DeliveryStatus.SENT and message.channel == "sms"


@pytest.mark.parametrize(
    "number, kept",
    [
        ("07700900982", "07700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("(07700) 900-982", "07700900982"),
        ("01632960001", None),  # a landline
        ("0770090098", None),  # a digit short
        ("+33612345678", None),
        ("seven", None),
    ],
)
def test_only_uk_mobile_numbers_are_taken(number, kept):
    assert services.uk_mobile(number) == kept


def test_a_number_that_is_not_a_uk_mobile_is_refused_before_anything_is_kept(audit, council, notify):
    with pytest.raises(FamilyRuleError, match="Enter a UK mobile phone number") as refused:
        invite(audit, council, channel="sms", contact="01632 960001")
    assert refused.value.field == "mobile"
    assert not Invitation.objects.exists() and notify.received == []


def test_a_lasting_refusal_fails_with_notifys_words_kept(audit, council, notify, django_capture_on_commit_callbacks):
    notify.answer_next(*notify_error(400, "BadRequestError", "Can't send to this recipient using a team-only API key"))
    _, _, message = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    assert message.status == DeliveryStatus.FAILED and message.attempts == 1
    assert "400" in message.answer and "Can't send to this recipient using a team-only API key" in message.answer
    assert "link" not in message.personalisation  # ended: the link is erased
    sending.family_messages_run()  # never tried again by itself
    assert len(notify.received) == 1


def test_a_key_with_the_wrong_secret_is_turned_away_by_notify_and_recorded(
    audit, council, notify, settings, django_capture_on_commit_callbacks
):
    settings.CASEAUDIT_NOTIFY_API_KEY = settings.CASEAUDIT_NOTIFY_API_KEY[:-36] + "00000000-0000-4000-8000-000000000000"
    _, _, message = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    assert notify.received == [] and notify.refused and notify.refused[0].startswith("token")
    assert message.status == DeliveryStatus.FAILED and "403" in message.answer and "Invalid token" in message.answer


@pytest.mark.parametrize("answer", [(500, "Internal server error"), (429, "Exceeded rate limit for key type LIVE")])
def test_a_passing_fault_waits_and_the_next_run_sends_it(
    audit, council, notify, django_capture_on_commit_callbacks, answer
):
    status, words = answer
    notify.answer_next(*notify_error(status, "Error", words))
    _, raw, message = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    assert message.status == DeliveryStatus.WAITING and message.attempts == 1
    assert words in message.answer and message.next_attempt_at > timezone.now()
    assert message.personalisation["code"] == raw  # kept until it has gone, so that it can be sent again
    assert sending.family_messages_run().retried["sent"] == 0  # not due yet
    InvitationMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    run = sending.family_messages_run()
    message.refresh_from_db()
    assert run.retried["sent"] == 1 and message.status == DeliveryStatus.SENT and message.attempts == 2
    assert len(notify.received) == 2 and notify.received[0].body == notify.received[1].body
    assert "code" not in message.personalisation


def test_notify_out_of_reach_waits_and_the_scheduled_run_sends_it_later(
    audit, council, notify, settings, django_capture_on_commit_callbacks
):
    settings.CASEAUDIT_NOTIFY_BASE_URL = f"http://127.0.0.1:{a_closed_port()}"
    _, _, first = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = invitation_create(
            audit=audit, by=council["auditor"], recipient_name="Sam", relationship="Father", channel="sms",
            contact="07700900123",
        )  # fmt: skip
    assert first.status == DeliveryStatus.WAITING and "could not be reached" in first.answer
    # Both due again; the run that finds Notify still away tries one, and the other waits with it untried.
    InvitationMessage.objects.update(next_attempt_at=timezone.now())
    assert sending.family_messages_run().retried == {"waiting": 2, "sending": 0, "sent": 0, "failed": 0}
    assert InvitationMessage.objects.filter(attempts=2).count() == 1
    settings.CASEAUDIT_NOTIFY_BASE_URL = notify.base_url
    InvitationMessage.objects.update(next_attempt_at=timezone.now())
    call_command("run_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the scheduled run itself
    assert set(InvitationMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert sorted(r.path for r in notify.received) == ["/v2/notifications/email", "/v2/notifications/sms"]


def test_nothing_is_sent_when_the_invitation_is_rolled_back(audit, council, notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            invite(audit, council)
            raise RuntimeError("the page failed after the invitation")
    assert callbacks == [] and notify.received == []
    assert not Invitation.objects.exists() and not InvitationMessage.objects.exists()


def in_reminder_window(invitation, days_left=4):
    return invitation.expires_at - datetime.timedelta(days=days_left)


def test_one_reminder_before_the_link_expires_with_a_second_link_that_works_too(
    audit, council, notify, django_capture_on_commit_callbacks
):
    invitation, first_raw, _ = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    assert sending.reminders_send(now=in_reminder_window(invitation, days_left=6)) == []  # too early
    assert sending.family_messages_run(now=in_reminder_window(invitation)).reminders == 1
    reminder = InvitationMessage.objects.get(invitation=invitation, kind="reminder")
    assert reminder.status == DeliveryStatus.SENT
    request = notify.received[-1]
    assert request.body["template_id"] == TEMPLATES["reminder_email"] and set(request.body["personalisation"]) == FIELDS
    second_raw = request.body["personalisation"]["code"]
    assert second_raw != first_raw
    assert services.invitation_for_token(first_raw) == services.invitation_for_token(second_raw) == invitation
    # Sent once: later runs (and a run at the same moment) claim nothing more.
    assert sending.reminders_send(now=in_reminder_window(invitation, days_left=1)) == []
    assert len(notify.received) == 2
    # The first answer spends both links.
    response_submit(raw_token=second_raw, sent=FamilyAnswers(anything_else="Thank you"))
    with pytest.raises(LinkSpent):
        response_submit(raw_token=first_raw, sent=FamilyAnswers())


def test_a_text_message_reminder_uses_the_text_template(audit, council, notify, django_capture_on_commit_callbacks):
    invitation, _, _ = sent_invitation(
        audit, council, django_capture_on_commit_callbacks, channel="sms", contact="+447700900982"
    )
    sending.family_messages_run(now=in_reminder_window(invitation))
    assert notify.received[-1].body["template_id"] == TEMPLATES["reminder_sms"]
    assert notify.received[-1].body["phone_number"] == "+447700900982"


def test_no_reminder_for_an_answered_cancelled_or_expired_invitation_nor_a_letter(
    audit, council, notify, django_capture_on_commit_callbacks
):
    answered, raw, _ = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    response_submit(raw_token=raw, sent=FamilyAnswers())
    cancelled, _, _ = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    invitation_revoke(invitation=cancelled, by=council["auditor"])
    expired, _, _ = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=answered.expires_at - datetime.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        invite(audit, council, channel="letter", contact="")
    assert sending.reminders_send(now=in_reminder_window(answered)) == []
    assert not InvitationMessage.objects.filter(kind="reminder").exists() and len(notify.received) == 3


def test_no_reminder_when_the_invitation_itself_never_went(audit, council, notify, django_capture_on_commit_callbacks):
    notify.answer_next(*notify_error(400, "ValidationError", "email_address Not a valid email address"))
    invitation, _, _ = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    assert sending.reminders_send(now=in_reminder_window(invitation)) == []


def test_without_a_key_the_email_goes_through_the_mail_backend_and_text_messages_are_refused(
    audit, council, django_capture_on_commit_callbacks
):
    invitation, raw, message = sent_invitation(audit, council, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == ["jo@family.example"] and raw in email.body and "tell us what you think" in email.subject
    assert message.status == DeliveryStatus.SENT and message.sent_through == "mail" and not message.notification_id
    with pytest.raises(FamilyRuleError, match="Text messages need GOV.UK Notify") as refused:
        invite(audit, council, channel="sms", contact="07700900982")
    assert refused.value.field == "channel"
    # The reminder goes the same way.
    sending.family_messages_run(now=in_reminder_window(invitation))
    assert len(mail.outbox) == 2 and "reminder" in mail.outbox[1].subject


def test_the_form_offers_text_messages_only_with_notify(client, audit, council, settings):
    client.force_login(council["auditor"])
    page = client.get(f"/audits/{audit.pk}/family/invite").content.decode()
    assert 'value="sms"' not in page and "Text messages need GOV.UK Notify" in page
    settings.CASEAUDIT_NOTIFY_API_KEY = "x"
    page = client.get(f"/audits/{audit.pk}/family/invite").content.decode()
    assert 'value="sms"' in page and "Mobile phone number" in page


def test_given_i_am_the_auditor_i_invite_by_text_and_see_how_each_message_went(
    client, audit, council, notify, django_capture_on_commit_callbacks
):
    client.force_login(council["auditor"])
    form = {"recipient_name": "Jo", "relationship": "Mother", "audience": "parent_carer", "channel": "sms"}
    page = client.post(f"/audits/{audit.pk}/family/invite", {**form, "mobile": "01632 960001"})
    assert page.status_code == 200 and "Enter a UK mobile phone number" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/audits/{audit.pk}/family/invite", {**form, "mobile": "07700 900982"}).status_code == 302
    notify.answer_next(*notify_error(400, "BadRequestError", "Can't send to this recipient using a team-only API key"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/audits/{audit.pk}/family/invite", {**form, "recipient_name": "Sam", "mobile": "07700 900983"})
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "Invitation: Sent" in page and "(GOV.UK Notify)" in page
    assert "Invitation: Failed" in page and "team-only API key" in page


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_reminder(council, questionnaires, notify):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database; the row lock is PostgreSQL's")
    invitation, _ = invite(open_audit(council), council)  # committed: sent at once
    barrier = threading.Barrier(2)
    claimed = []

    def run():
        try:
            barrier.wait()
            claimed.append(sending.family_messages_run(now=in_reminder_window(invitation)).reminders)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == [0, 1]
    assert [r.body["template_id"] for r in notify.received] == [
        TEMPLATES["invitation_email"],
        TEMPLATES["reminder_email"],
    ]
    assert InvitationMessage.objects.get(kind="reminder").status == DeliveryStatus.SENT
