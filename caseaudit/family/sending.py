"""A family's invitation and its one reminder: claimed once, sent after the commit, taken to a known end.

The claim is an InvitationMessage row (one per invitation and kind, held by the database), written in the same
transaction as the invitation or the reminder's link. Sending happens after the commit (a rolled-back invitation
sends nothing) through notify.py, and the row records how it ended, as caseaudit/web/outbox.py does for the
staff's emails: sent (with Notify's notification id), waiting after a passing fault (tried again by the scheduled
run, each wait twice the last), failed with the answer kept, or unconfirmed if the process died mid-send (never
sent again by itself). run_deadlines runs `family_messages_run` every quarter hour.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
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


def message_deliver(*, message_id: int) -> str | None:
    """Send one claimed message if it is waiting and due; its status afterwards (None: nothing to do: sent already,
    being sent by another run, or not yet due). Call it outside any transaction: each step is its own."""
    ended = _deliver(message_id)
    return ended[0] if ended else None


def _deliver(message_id: int) -> tuple[str, bool] | None:
    """The status it ended in, and whether Notify (or the mail server) could not be reached at all."""
    now = timezone.now()
    is_due = Q(pk=message_id, status=DeliveryStatus.WAITING, next_attempt_at__lte=now)
    message = InvitationMessage.objects.select_related("invitation").filter(is_due).first()
    if message is None:
        return None
    # From here until the answer is recorded, a crash leaves it "sending": unconfirmed, never resent by itself.
    claimed = InvitationMessage.objects.filter(is_due).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, attempt_started_at=now, next_attempt_at=None
    )
    if not claimed:
        return None  # another run took it between the read and now
    try:
        sent = notify.send(message)
    except Exception as exc:  # notify.send records every fault it knows; anything else is a bug to look at
        log.exception("Family message %s could not be sent", message.pk)
        sent = notify.Sent(outbox.Outcome(DeliveryStatus.FAILED, f"CaseAudit could not send it: {exc!r}"))
    return _record(message, sent, attempts=message.attempts + 1), sent.outcome.unreachable


def _record(message: InvitationMessage, sent: notify.Sent, *, attempts: int) -> str:
    now = timezone.now()
    outcome = sent.outcome
    fields: dict[str, Any] = {"answer": outcome.answer, "sent_through": sent.through}
    if outcome.status == DeliveryStatus.SENT:
        fields.update(status=DeliveryStatus.SENT, sent_at=now, notification_id=sent.notification_id)
    elif outcome.status == DeliveryStatus.WAITING and attempts < settings.CASEAUDIT_MAIL_ATTEMPTS:
        fields.update(status=DeliveryStatus.WAITING, next_attempt_at=now + outbox.wait_after(attempts))
    else:
        if outcome.status == DeliveryStatus.WAITING:
            fields["answer"] = f"Not sent after {attempts} attempts. The last answer: {outcome.answer}"
        fields.update(status=DeliveryStatus.FAILED)
    if fields["status"] in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        # The sending has ended: the link and its code leave the database (only the token's hash stays).
        fields["personalisation"] = {k: v for k, v in message.personalisation.items() if k not in ("link", "code")}
    InvitationMessage.objects.filter(pk=message.pk, status=DeliveryStatus.SENDING).update(**fields)
    if fields["status"] != DeliveryStatus.SENT:
        log.warning("Family message %s: %s (%s)", message.pk, fields["status"], fields["answer"])
    return fields["status"]


def messages_deliver_due(*, limit: int = 1000) -> dict[str, int]:
    """Every family message whose (next) try is due, oldest first: how many ended sent, waiting and failed.
    Once Notify (or the mail server) could not be reached, the rest wait for the next run."""
    ended = dict.fromkeys(DeliveryStatus.values, 0)
    due = outbox.due(InvitationMessage.objects.order_by("next_attempt_at", "pk"))
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        ended_as = _deliver(pk)
        if ended_as is None:
            continue
        status, unreachable = ended_as
        ended[status] += 1
        if unreachable and status == DeliveryStatus.WAITING:
            # Not reached: the rest are not tried now, each waiting for its own time-out, but with this one.
            next_try = InvitationMessage.objects.values_list("next_attempt_at", flat=True).get(pk=pk)
            outbox.due(InvitationMessage.objects.all()).update(next_attempt_at=next_try)
            break
    return ended


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
