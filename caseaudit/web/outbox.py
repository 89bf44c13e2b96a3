"""Sending mail so that every claimed message ends known (issue 43, decision 0083).

A message is first claimed: a ledger row unique to it (improvement.SentMessage, reporting.ReportDelivery),
so two runs never both send it. This module takes a claimed row to its end:

- **sent**: the mail server accepted it. Recorded the moment the server answers, in its own transaction,
  before the connection is closed, so nothing that follows can make it look unsent and be sent again.
- **waiting**: a passing fault (a 4xx answer, connection refused, a timeout, the connection dropped). Tried
  again from `next_attempt_at`, each wait twice the last (CASEAUDIT_MAIL_RETRY_MINUTES, then 2x, 4x...),
  by the next scheduled run that finds it due; after CASEAUDIT_MAIL_ATTEMPTS attempts it is failed.
- **failed**: a lasting fault (a 5xx answer, or the message could not be made). The server's answer is
  kept; QA administrators see it on the "Emails not sent" page and can send it again.
- **sending**: set just before the message is handed to the server. A process that dies before the answer
  is recorded leaves it so: after UNCONFIRMED_AFTER it is shown as unconfirmed (it may or may not have
  arrived) and is never sent again by itself, only by a person's "Send again".

One message's fault never stops the others: every fault is caught and recorded here. Within a run
(`batch()`), once the server could not be reached, the rest wait for the next try without each waiting
for its own time-out.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import smtplib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

# A row still "sending" this long after its attempt began lost its process: shown as unconfirmed.
UNCONFIRMED_AFTER = datetime.timedelta(minutes=10)
LONGEST_WAIT = datetime.timedelta(hours=4)


class DeliveryStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENDING = "sending", "Unconfirmed"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """The fields every claimed message carries to its end (see the module's docstring)."""

    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, help_text="The mail server's last answer, or why it could not be reached")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="%(app_label)s_%(class)s_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="%(app_label)s_%(class)s_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="%(app_label)s_%(class)s_sent_has_time"
            ),
        ]

    def fields_when_ended(self) -> dict[str, Any]:
        """Columns to change once the sending has ended (sent or failed): what a retry needed and may go."""
        return {}

    @property
    def is_unconfirmed(self) -> bool:
        return self.status == DeliveryStatus.SENDING and (
            self.attempt_started_at is None or self.attempt_started_at < timezone.now() - UNCONFIRMED_AFTER
        )


D = TypeVar("D", bound=Delivery)


def needs_attention(rows: QuerySet[D], now: datetime.datetime | None = None) -> QuerySet[D]:
    """Failed, or unconfirmed (a send that began long ago with no answer recorded): for a person to look at."""
    now = now or timezone.now()
    return rows.filter(
        Q(status=DeliveryStatus.FAILED)
        | Q(status=DeliveryStatus.SENDING, attempt_started_at__lt=now - UNCONFIRMED_AFTER)
        | Q(status=DeliveryStatus.SENDING, attempt_started_at__isnull=True)
    )


def waiting_to_retry(rows: QuerySet[D]) -> QuerySet[D]:
    return rows.filter(status=DeliveryStatus.WAITING, attempts__gt=0)


def due(rows: QuerySet[D], now: datetime.datetime | None = None) -> QuerySet[D]:
    return rows.filter(status=DeliveryStatus.WAITING, next_attempt_at__lte=now or timezone.now())


def wait_after(attempts: int) -> datetime.timedelta:
    """How long after the `attempts`-th failed try the next one is due: 15 min, 30, 60, 120, then 4 h."""
    wait = datetime.timedelta(minutes=settings.CASEAUDIT_MAIL_RETRY_MINUTES) * 2 ** max(0, attempts - 1)
    return min(wait, LONGEST_WAIT)


@dataclass(frozen=True)
class Outcome:
    status: str  # SENT, WAITING (try again) or FAILED
    answer: str = ""
    unreachable: bool = False  # the server could not be reached at all
    fields: dict[str, Any] = field(default_factory=dict)  # more columns to record with it (the sender's own id)
    then: Callable[[], object] | None = None  # run once it is recorded (closing the connection)


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def classify(exc: BaseException) -> Outcome:
    """A fault while sending: a passing one (try again) or a lasting one (failed), with the server's answer."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = exc.recipients.items()
        answer = "; ".join(f"{address}: {code} {_text(message)}" for address, (code, message) in refused)
        lasting = all(500 <= code < 600 for _, (code, _) in refused)
        return Outcome(DeliveryStatus.FAILED if lasting else DeliveryStatus.WAITING, answer)
    if isinstance(exc, smtplib.SMTPResponseException):  # 4xx or 5xx to HELO, MAIL, DATA, or a 421 greeting
        answer = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        lasting = 500 <= exc.smtp_code < 600
        return Outcome(DeliveryStatus.FAILED if lasting else DeliveryStatus.WAITING, answer)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Outcome(DeliveryStatus.WAITING, f"The mail server closed the connection: {exc}", unreachable=True)
    if isinstance(exc, smtplib.SMTPException):  # e.g. STARTTLS not offered: a setting to fix, not to wait for
        return Outcome(DeliveryStatus.FAILED, f"The mail server could not be used: {exc}")
    if isinstance(exc, OSError):  # refused, timed out, no route, name not found
        where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        return Outcome(
            DeliveryStatus.WAITING, f"The mail server ({where}) could not be reached: {exc}", unreachable=True
        )
    return Outcome(DeliveryStatus.FAILED, f"CaseAudit could not send it: {type(exc).__name__}: {exc}")


# Within one run: when the server could not be reached, the time until which the rest are not tried.
_paused_until: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("paused", default=None)
_in_batch: contextvars.ContextVar[bool] = contextvars.ContextVar("in_batch", default=False)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """One run of many messages (a scheduled job): a server found unreachable is not tried again for each."""
    if _in_batch.get():  # inside a run already: its pause holds
        yield
        return
    token, paused = _in_batch.set(True), _paused_until.set(None)
    try:
        yield
    finally:
        _in_batch.reset(token)
        _paused_until.reset(paused)


M = TypeVar("M")


def by_mail(message: EmailMessage) -> Outcome:
    """Hand one email to the mail server; how it ended. The connection is closed only after the outcome is
    recorded (Outcome.then): once the server has accepted it, nothing may undo that."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        accepted = connection.send_messages([message])
    except Exception as exc:  # every fault ends in the ledger; one message's fault never stops the run
        outcome = classify(exc)
    else:
        outcome = (
            Outcome(DeliveryStatus.SENT)
            if accepted
            else Outcome(DeliveryStatus.FAILED, "The message has no recipient with an email address.")
        )

    def close() -> None:
        with contextlib.suppress(Exception):  # QUIT after an accepted message changes nothing
            connection.close()

    return Outcome(outcome.status, outcome.answer, outcome.unreachable, then=close)


def deliver(
    model: type[D],
    pk: int,
    build: Callable[[D], M],
    send: Callable[[M], Outcome] = by_mail,  # type: ignore[assignment]
) -> str | None:
    """Send one claimed row's message if it is waiting and due; record how it ended and return that status.
    None when there was nothing to do (sent already, being sent by another run, or not yet due).

    `build` makes the message from the row (a fault there: failed, nothing sent); `send` hands it over and says
    how it ended: by default an email to the mail server (`by_mail`); family feedback passes GOV.UK Notify.
    Call it outside any transaction (after the claim has committed): each step is its own transaction."""
    now = timezone.now()
    is_due = Q(pk=pk, status=DeliveryStatus.WAITING, next_attempt_at__lte=now)
    row = model._default_manager.filter(is_due).first()
    if row is None:
        return None
    paused = _paused_until.get()
    if paused is not None and paused > now:
        model._default_manager.filter(is_due).update(next_attempt_at=paused)
        return DeliveryStatus.WAITING
    try:
        message = build(row)
    except Exception as exc:  # a bug or missing data: nothing was sent, a person must look
        log.exception("%s %s: the message could not be made", model.__name__, pk)
        model._default_manager.filter(is_due).update(
            status=DeliveryStatus.FAILED,
            answer=f"CaseAudit could not make the message: {type(exc).__name__}: {exc}",
            **row.fields_when_ended(),
        )
        return DeliveryStatus.FAILED
    # From here until the answer is recorded, a crash leaves it "sending": unconfirmed, never resent by itself.
    claimed = model._default_manager.filter(is_due).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, attempt_started_at=now, next_attempt_at=None
    )
    if not claimed:
        return None  # another run took it between the read and now
    try:
        outcome = send(message)
    except Exception as exc:  # a sender's own bug: recorded like any fault, never stopping the run
        log.exception("%s %s: the message could not be sent", model.__name__, pk)
        outcome = Outcome(DeliveryStatus.FAILED, f"CaseAudit could not send it: {type(exc).__name__}: {exc}")
    status = _record(row, outcome, attempts=row.attempts + 1)
    if outcome.then is not None:
        outcome.then()
    return status


def _record(row: Delivery, outcome: Outcome, *, attempts: int) -> str:
    model, pk = type(row), row.pk
    now = timezone.now()
    fields: dict[str, Any] = {"answer": outcome.answer, **outcome.fields}
    if outcome.status == DeliveryStatus.SENT:
        fields.update(status=DeliveryStatus.SENT, sent_at=now)
    elif outcome.status == DeliveryStatus.WAITING and attempts < settings.CASEAUDIT_MAIL_ATTEMPTS:
        fields.update(status=DeliveryStatus.WAITING, next_attempt_at=now + wait_after(attempts))
        if outcome.unreachable and _in_batch.get():
            _paused_until.set(fields["next_attempt_at"])
    else:
        if outcome.status == DeliveryStatus.WAITING:
            fields["answer"] = f"Not sent after {attempts} attempts. The last answer: {outcome.answer}"
        fields.update(status=DeliveryStatus.FAILED)
    if fields["status"] in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        fields.update(row.fields_when_ended())
    model._default_manager.filter(pk=pk, status=DeliveryStatus.SENDING).update(**fields)
    if fields["status"] != DeliveryStatus.SENT:
        log.warning("%s %s: %s (%s)", model.__name__, pk, fields["status"], fields["answer"])
    return fields["status"]


def resend(
    model: type[D],
    pk: int,
    build: Callable[[D], M],
    send: Callable[[M], Outcome] = by_mail,  # type: ignore[assignment]
) -> str | None:
    """A person's "Send again" for a failed or unconfirmed message: tried at once, with its attempts counted
    afresh. None when it is neither (sent meanwhile, or already waiting)."""
    now = timezone.now()
    stuck = needs_attention(model._default_manager.filter(pk=pk), now)
    if not stuck.update(status=DeliveryStatus.WAITING, attempts=0, next_attempt_at=now):
        return None
    return deliver(model, pk, build, send)


def deliver_due(
    model: type[D],
    build: Callable[[D], M],
    send: Callable[[M], Outcome] = by_mail,  # type: ignore[assignment]
    *,
    limit: int = 1000,
) -> dict[str, int]:
    """Every row whose (next) try is due, oldest first: how many ended sent, waiting and failed."""
    ended = dict.fromkeys(DeliveryStatus.values, 0)
    with batch():
        for pk in due(model._default_manager.order_by("next_attempt_at", "pk")).values_list("pk", flat=True)[:limit]:
            status = deliver(model, pk, build, send)
            if status is not None:
                ended[status] += 1
    return ended
