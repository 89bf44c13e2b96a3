"""Sending each message once, and keeping it in the ledger with how its sending ended."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max

from caseaudit.organisation.models import Child, Person
from caseaudit.web import outbox

from .models import SentMessage


def send_once(
    *, key: str, recipient: Person | None, subject: str, body: str, reason: str, child: Child | None = None
) -> bool:
    """Claim `key` in the ledger; send once the claim has committed. A key already claimed (by this run,
    an earlier one, or one running at the same moment) sends nothing. True when this call claimed it.

    The claim commits with the change that caused it; the sending happens after, outside the transaction
    (caseaudit/web/outbox.py records sent, waiting or failed). If the process stops between the two, the
    message waits in the ledger and the next scheduled run sends it. Pass `child` when the message is about
    one child, so that it is anonymised with the child's record."""
    if recipient is None or not recipient.is_active:
        return False
    full_key = f"{key}:to:{recipient.pk}"
    try:
        with transaction.atomic():
            message = SentMessage.objects.create(
                key=full_key, recipient=recipient, subject=subject, body=body, reason=reason, child=child
            )
    except IntegrityError:
        return False
    # robust: one message's unexpected fault never stops the others' callbacks (nor the page that asked).
    transaction.on_commit(lambda: message_deliver(message_id=message.pk), robust=True)
    return True


def last_claimed(key_prefix: str) -> datetime.datetime | None:
    """When the latest message whose key starts with `key_prefix` was claimed, or None."""
    return SentMessage.objects.filter(key__startswith=key_prefix).aggregate(last=Max("claimed_at"))["last"]


def _email(message: SentMessage) -> EmailMessage:
    return EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient.email])


def message_deliver(*, message_id: int) -> str | None:
    """Send one claimed message if it is waiting and due; its status afterwards (None: nothing to do)."""
    return outbox.deliver(SentMessage, message_id, _email)


def messages_deliver_due() -> dict[str, int]:
    """Every ledger message whose (next) try is due: waiting after a passing fault, or claimed by a process
    that stopped before sending. By status they ended in."""
    return outbox.deliver_due(SentMessage, _email)


def message_resend(*, message_id: int) -> str | None:
    """A QA administrator's "Send again" for a failed or unconfirmed message."""
    return outbox.resend(SentMessage, message_id, _email)
