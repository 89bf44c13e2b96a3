# ruff: noqa: F811 - pytest fixtures imported from other modules are named as test arguments
"""Every message ends known (issue 43, point 3), against a real SMTP server on loopback (tests/mailserver.py).

Django's own SMTP backend talks to an aiosmtpd server that answers 451 (try later), 550 (refused), holds a
message without answering, or is not there at all. After each run the ledger must say what happened to every
message: sent (the server accepted it), waiting with its next try and attempt count, failed with the server's
answer, or unconfirmed; and once the server recovers, each message must have arrived exactly once.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from caseaudit.improvement.models import ImprovementPlan
from caseaudit.messaging.models import SentMessage
from caseaudit.reporting.models import ReportDelivery, ReportSubscription
from caseaudit.web.outbox import UNCONFIRMED_AFTER

from .improvement.conftest import finalise  # noqa: F401 - the real path from a finalised audit to a plan
from .mailserver import mail_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
D = datetime.date
LATE = "2026-03-20"  # the day-three meeting and the review long overdue: escalations at every level
pytestmark = pytest.mark.django_db(transaction=True)


def deadlines(today: str = LATE) -> str:
    out = StringIO()
    call_command("run_deadlines", "--today", today, stdout=out)
    return out.getvalue()


def escalations():
    return SentMessage.objects.filter(reason__startswith="Escalation").order_by("pk")


@pytest.fixture
def plan(mail_server, finalise, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    plan = ImprovementPlan.objects.get(audit=finalise("own"))
    # The plan's opening notices went out at once, to the same server.
    assert len(mail_server.script.received) == SentMessage.objects.filter(status="sent").count() > 0
    time_machine.move_to(datetime.datetime(2026, 3, 20, 9, 0), tick=True)
    return plan


def test_451_for_the_first_messages_then_each_is_sent_exactly_once(plan, mail_server, time_machine):
    script = mail_server.script
    before = len(script.received)
    script.answers = ["451 4.3.0 Mailbox busy, try again later"] * 3

    out = deadlines()
    rows = list(escalations())
    assert len(rows) >= 5
    waiting = [m for m in rows if m.status == "waiting"]
    sent = [m for m in rows if m.status == "sent"]
    # The first three were refused for now; the run went on and sent the rest.
    assert len(waiting) == 3 and len(sent) == len(rows) - 3
    for message in waiting:
        assert message.attempts == 1 and message.sent_at is None
        assert message.answer == "451 4.3.0 Mailbox busy, try again later"
        assert (
            datetime.timedelta(minutes=14) < message.next_attempt_at - timezone.now() <= datetime.timedelta(minutes=15)
        )
    assert all(m.sent_at is not None and m.attempts == 1 for m in sent)
    assert "3 messages waiting to be tried again, 0 failed or unconfirmed" in out

    # Run again before they are due: nothing is tried.
    deadlines()
    assert {m.pk: m.attempts for m in escalations()} == {m.pk: m.attempts for m in rows}
    assert len(script.answered) == before + len(rows)

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16), tick=True)
    out = deadlines()
    assert "Tried again: 3 sent, 0 still waiting, 0 failed." in out
    assert {m.status for m in escalations()} == {"sent"}
    assert [m.attempts for m in escalations() if m.pk in {w.pk for w in waiting}] == [2, 2, 2]
    # The server has each message exactly once.
    arrived = Counter(script.subjects()[before:])
    expected = Counter((m.recipient.email, m.subject) for m in escalations())
    assert arrived == expected and set(arrived.values()) == {1}

    # Later runs send nothing again.
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=5), tick=True)
    deadlines()
    assert Counter(script.subjects()[before:]) == expected


def test_550_is_failed_with_the_answer_shown_and_a_qa_administrator_sends_it_again(
    plan,
    mail_server,
    council,
    client,
):
    script = mail_server.script
    script.answers = ["550 5.1.1 <team_manager@council.example>: mailbox unavailable"]
    deadlines()
    failed = SentMessage.objects.get(status="failed")
    assert failed.attempts == 1 and failed.next_attempt_at is None
    assert failed.answer == "550 5.1.1 <team_manager@council.example>: mailbox unavailable"
    assert SentMessage.objects.exclude(pk=failed.pk).exclude(status="sent").count() == 0

    # A permanent refusal is not tried again by itself.
    call_command("run_deadlines", "--today", LATE, stdout=StringIO())
    assert SentMessage.objects.get(pk=failed.pk).attempts == 1

    client.force_login(council["qa_admin"])
    home = client.get("/").content.decode()
    assert '<a class="govuk-link" href="/messages/">1 email could not be sent or was not confirmed</a>' in home
    page = client.get("/messages/").content.decode()
    assert failed.subject in page and "mailbox unavailable" in page and "Failed" in page
    assert f'action="/messages/{failed.pk}/resend"' in page and "csrfmiddlewaretoken" in page
    for who in ("team_manager", "director", "social_worker"):
        client.force_login(council[who])
        assert client.get("/messages/").status_code == 404
        assert client.post(f"/messages/{failed.pk}/resend").status_code == 404
    assert SentMessage.objects.get(pk=failed.pk).status == "failed"

    client.force_login(council["qa_admin"])
    received = len(script.received)
    response = client.post(f"/messages/{failed.pk}/resend", follow=True)
    assert "Sent to team_manager@council.example" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.sent_at is not None
    assert script.subjects()[received:] == [("team_manager@council.example", failed.subject)]
    assert failed.subject not in client.get("/messages/").content.decode()
    # A second press (another tab) sends nothing more.
    client.post(f"/messages/{failed.pk}/resend")
    assert len(script.received) == received + 1


def test_an_unreachable_server_is_tried_again_with_backoff_then_failed(
    plan,
    mail_server,
    settings,
    time_machine,
):
    settings.CASEAUDIT_MAIL_ATTEMPTS = 3
    mail_server.stop()  # connection refused
    out = deadlines()
    rows = list(escalations())
    assert {m.status for m in rows} == {"waiting"}
    first = rows[0]
    assert first.attempts == 1 and "could not be reached" in first.answer and "Connection refused" in first.answer
    # The run did not knock on a closed door once per message: the rest wait for the same next try.
    assert all(m.attempts == 0 and m.next_attempt_at == first.next_attempt_at for m in rows[1:])
    assert "waiting to be tried again" in out

    waits = []
    for _ in range(3):
        message = SentMessage.objects.get(pk=first.pk)
        if message.status != "waiting":
            break
        waits.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 60))
        time_machine.move_to(message.next_attempt_at + datetime.timedelta(seconds=1), tick=True)
        deadlines()
    assert waits == [15, 30]  # each wait twice the last
    first.refresh_from_db()
    assert first.status == "failed" and first.attempts == 3
    assert first.answer.startswith("Not sent after 3 attempts. The last answer: The mail server (127.0.0.1:")

    # The server is back: everything still waiting goes, nothing failed goes by itself.
    mail_server.restart()
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=5), tick=True)
    deadlines()
    assert SentMessage.objects.get(pk=first.pk).status == "failed"
    assert {m.status for m in escalations().exclude(pk=first.pk)} == {"sent"}
    assert len(mail_server.script.received) == len(set(mail_server.script.subjects()))


def test_a_report_refused_for_now_is_sent_once_when_the_server_recovers(
    mail_server,
    council,
    time_machine,
):
    time_machine.move_to(datetime.datetime(2026, 7, 3, 7, 0), tick=True)
    subscription = ReportSubscription.objects.create(frequency="quarterly")
    subscription.recipients.add(council["head_of_service"])
    script = mail_server.script
    script.answers = ["451 4.7.1 Greylisted, please try again"]

    def send_reports() -> str:
        out = StringIO()
        call_command("send_reports", "--today", "2026-07-03", stdout=out)  # a crash here fails the test
        return out.getvalue()

    out = send_reports()
    delivery = ReportDelivery.objects.get()
    assert delivery.status == "waiting" and delivery.attempts == 1 and delivery.answer.startswith("451 4.7.1")
    assert "0 reports sent." in out and "not sent yet (451 4.7.1 Greylisted, please try again)" in out
    assert send_reports().startswith("2026-07-03: 0 reports sent.\n")  # not due yet: not tried
    assert ReportDelivery.objects.get().attempts == 1

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16), tick=True)
    assert "1 report sent." in send_reports()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(script.received) == 1
    message = script.received[0]
    assert set(message["To"].split(", ")) == {"director@council.example", "head_of_service@council.example"}
    pdf = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf and pdf[0].get_payload(decode=True).startswith(b"%PDF")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1), tick=True)
    assert send_reports().startswith("2026-07-03: 0 reports sent.\n")
    assert len(script.received) == 1


# The deadline job in a process of its own, against this test's database and mail server.
CHILD = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "caseaudit.settings.test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["MAIL_DB_NAME"]
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST = "127.0.0.1"
settings.EMAIL_PORT = int(os.environ["MAIL_PORT"])
import django
django.setup()
from django.core.management import call_command
call_command("run_deadlines", "--today", sys.argv[1])
"""


def test_a_sender_killed_mid_send_leaves_the_message_unconfirmed_never_sent(
    plan,
    mail_server,
    council,
    client,
    time_machine,
):
    import time_machine as tm

    # The child process runs on the real clock: this one too, so its claims are due here as they were there.
    time_machine.move_to(tm.escape_hatch.datetime.datetime.now(tz=datetime.UTC), tick=True)
    script = mail_server.script
    script.hold()  # the server takes the next message and does not answer yet
    env = {
        **os.environ,
        "MAIL_DB_NAME": str(connection.settings_dict["NAME"]),
        "MAIL_PORT": str(mail_server.port),
        "PYTHONPATH": str(ROOT),
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", textwrap.dedent(CHILD), LATE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert script.holding.wait(timeout=60), "the child never sent"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    script.release()  # the server accepts it after all: the sender never heard
    # A minute on (the child's clock ran a little ahead of this one's): what it claimed is due here.
    time_machine.move_to(tm.escape_hatch.datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=1))
    unconfirmed = SentMessage.objects.get(status="sending")
    assert unconfirmed.sent_at is None and unconfirmed.attempts == 1
    assert not SentMessage.objects.filter(reason__startswith="Escalation", status="sent").exists()

    # The next run sends everything else and leaves the unconfirmed one alone.
    received = len(script.received)
    deadlines()
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == "sending"
    others = escalations().exclude(pk=unconfirmed.pk)
    assert {m.status for m in others} == {"sent"}
    assert (unconfirmed.recipient.email, unconfirmed.subject) not in script.subjects()[received:]

    client.force_login(council["qa_admin"])
    assert unconfirmed.subject not in client.get("/messages/").content.decode()  # may still be on its way
    time_machine.move_to(timezone.now() + UNCONFIRMED_AFTER + datetime.timedelta(minutes=1), tick=True)
    deadlines()
    assert SentMessage.objects.get(pk=unconfirmed.pk).status == "sending"  # never resent by itself
    page = client.get("/messages/").content.decode()
    assert unconfirmed.subject in page and "Unconfirmed" in page
    assert "may have arrived" in page
    client.post(f"/messages/{unconfirmed.pk}/resend")
    assert SentMessage.objects.get(pk=unconfirmed.pk).status == "sent"
