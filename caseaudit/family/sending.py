"""A family's invitation and its one reminder: claimed once, sent after the commit, taken to a known end.

The claim is an InvitationMessage row (one per invitation and kind, held by the database), written in the same
transaction as the invitation or the reminder's link. Sending happens after the commit (a rolled-back invitation
sends nothing) by caseaudit/web/outbox.py with notify.py as the transport, so the row records how it ended as the
staff's emails do: sent (with Notify's notification id), waiting after a passing fault (tried again by the scheduled
run, each wait twice the last), failed with the answer kept, or unconfirmed if the process died mid-send (never
sent again by itself). run_deadlines runs `family_messages_run` every quarter hour.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from caseaudit.web import outbox
from caseaudit.web.dates import long_date
from caseaudit.web.outbox import DeliveryStatus

from . import notify
from .models import Channel, Invitation, InvitationMessage, InvitationState, MessageKind, token_hash

log = logging.getLogger(__name__)

TOKEN_BYTES = 16  # 128 random bits: unguessable, and short enough for a printed letter
# An invitation younger than this gets no reminder, however close its expiry (a link of a few days).
REMINDER_NOT_BEFORE = datetime.timedelta(days=1)


def answer_link(raw_token: str) -> str:
    return settings.SITE_URL + reverse("family:answer", args=[raw_token])


def personalisation(invitation: Invitation, raw_token: str) -> dict[str, str]:
    """What a message says, as GOV.UK Notify's templates receive it. Nothing about the child or the case."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "link": answer_link(raw_token),
        "code": raw_token,
        "expiry_date": long_date(timezone.localdate(invitation.expires_at)),
    }


def message_claim(*, invitation: Invitation, kind: str, raw_token: str) -> InvitationMessage:
    """Claim the invitation's message of this kind inside the caller's transaction; it is sent once that commits.
    A second claim of the same kind raises IntegrityError (the database's unique constraint)."""
    message = InvitationMessage.objects.create(
        invitation=invitation,
        kind=kind,
        channel=invitation.channel,
        to=invitation.contact,
        personalisation=personalisation(invitation, raw_token),
    )
    # robust: a fault in sending never undoes the invitation, nor stops the page or the run that asked.
    transaction.on_commit(lambda: message_deliver(message_id=message.pk), robust=True)
    return message


def _as_is(message: InvitationMessage) -> InvitationMessage:
    return message  # the row holds all it says; notify.send makes the email or Notify's request from it


def message_deliver(*, message_id: int) -> str | None:
    """Send one claimed message if it is waiting and due; its status afterwards (None: nothing to do: sent already,
    being sent by another run, or not yet due). Call it outside any transaction: each step is its own."""
    return outbox.deliver(InvitationMessage, message_id, _as_is, notify.send)


def messages_deliver_due(*, limit: int = 1000) -> dict[str, int]:
    """Every family message whose (next) try is due, oldest first: how many ended sent, waiting and failed.
    Once Notify (or the mail server) could not be reached, the rest wait for the next run."""
    return outbox.deliver_due(InvitationMessage, _as_is, notify.send, limit=limit)


def _reminder_candidates(now: datetime.datetime):
    sent_first = InvitationMessage.objects.filter(
        invitation=OuterRef("pk"), kind=MessageKind.INVITATION, status=DeliveryStatus.SENT
    )
    return Invitation.objects.filter(
        Exists(sent_first),  # a reminder of an invitation that never went would tell them nothing
        channel__in=[Channel.EMAIL, Channel.SMS],
        answered_at__isnull=True,
        revoked_at__isnull=True,
        reminder_sent_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=settings.CASEAUDIT_FAMILY_REMINDER_DAYS_BEFORE),
        created_at__lte=now - REMINDER_NOT_BEFORE,
    ).order_by("expires_at", "pk")


def reminders_send(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[InvitationMessage]:
    """The one reminder, CASEAUDIT_FAMILY_REMINDER_DAYS_BEFORE days before a link expires, to everyone who has not
    answered and whose link is neither cancelled nor expired. Idempotent, and safe to run twice at once.

    The first link is not kept anywhere, so the reminder carries a second one (only its hash is stored); either
    opens the same questions and the first answer spends both."""
    now = now or timezone.now()
    claimed = []
    for pk in list(_reminder_candidates(now).values_list("pk", flat=True)[:limit]):
        try:
            with transaction.atomic():
                # Under the row's lock: an answer or a cancellation at the same moment is seen before deciding.
                invitation = Invitation.objects.select_for_update().get(pk=pk)
                if invitation.reminder_sent_at is not None or invitation.state(now) != InvitationState.OPEN:
                    continue
                raw_token = secrets.token_urlsafe(TOKEN_BYTES)
                invitation.reminder_token_hash = token_hash(raw_token)
                invitation.reminder_sent_at = now
                invitation.save(update_fields=["reminder_token_hash", "reminder_sent_at"])
                claimed.append(message_claim(invitation=invitation, kind=MessageKind.REMINDER, raw_token=raw_token))
        except IntegrityError:  # another run claimed it first
            continue
    return claimed


@dataclass
class MessagesRun:
    reminders: int = 0
    retried: dict[str, int] = field(default_factory=dict)
    waiting: int = 0
    needs_attention: int = 0


def family_messages_run(*, now: datetime.datetime | None = None) -> MessagesRun:
    """The scheduled part: reminders due, then every message waiting whose try is due."""
    reminders = reminders_send(now=now)
    retried = messages_deliver_due()
    return MessagesRun(
        reminders=len(reminders),
        retried=retried,
        waiting=outbox.waiting_to_retry(InvitationMessage.objects.all()).count(),
        needs_attention=outbox.needs_attention(InvitationMessage.objects.all()).count(),
    )
