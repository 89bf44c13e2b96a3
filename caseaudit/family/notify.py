"""How a family's message leaves CaseAudit: GOV.UK Notify when a key is set, otherwise the mail backend (emails
only). `send` is the transport that caseaudit/web/outbox.py's `deliver` calls for a claimed InvitationMessage: it
returns how the sending ended, with the route and Notify's id to record, and never raises for a fault it knows.

Notify's answers: 201 is accepted. 429 (too many requests) and 5xx are passing faults, as is Notify not being
reached at all: the message waits and is tried again. Any other 4xx (a bad number, a team key sending outside
its guest list, a wrong template id, a bad key) is lasting: the message fails with Notify's words kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from caseaudit.web.outbox import DeliveryStatus, Outcome, by_mail

from .models import Channel, InvitationMessage, MessageKind, SentThrough


def notify_configured() -> bool:
    return bool(settings.CASEAUDIT_NOTIFY_API_KEY)


def send(message: InvitationMessage) -> Outcome:
    if notify_configured():
        return _through_notify(message)
    if message.channel == Channel.EMAIL:
        return _through_mail(message)
    return Outcome(DeliveryStatus.FAILED, "Text messages need GOV.UK Notify, and no Notify API key is set.")


def _through(outcome: Outcome, through: str, **fields: str) -> Outcome:
    return Outcome(
        outcome.status, outcome.answer, outcome.unreachable, {"sent_through": through, **fields}, outcome.then
    )


def _through_notify(message: InvitationMessage) -> Outcome:
    name = f"{message.kind}_{message.channel}"
    template_id = settings.CASEAUDIT_NOTIFY_TEMPLATES.get(name, "")
    if not template_id:
        setting = f"CASEAUDIT_NOTIFY_TEMPLATE_{name.upper()}"
        return Outcome(DeliveryStatus.FAILED, f"The GOV.UK Notify template id {setting} is not set.")
    reference = f"caseaudit-family-message-{message.pk}"  # names the row, never the person
    try:
        client = NotificationsAPIClient(
            settings.CASEAUDIT_NOTIFY_API_KEY,
            base_url=settings.CASEAUDIT_NOTIFY_BASE_URL,
            timeout=settings.CASEAUDIT_NOTIFY_TIMEOUT_SECONDS,
        )
        if message.channel == Channel.EMAIL:
            answer = client.send_email_notification(
                email_address=message.to,
                template_id=template_id,
                personalisation=message.personalisation,
                reference=reference,
            )
        else:
            answer = client.send_sms_notification(
                phone_number=message.to,
                template_id=template_id,
                personalisation=message.personalisation,
                reference=reference,
            )
    except APIError as exc:
        return _through(notify_outcome(exc), SentThrough.NOTIFY)
    except Exception as exc:  # a malformed key, a bug: nothing was sent, a person must look
        failed = Outcome(DeliveryStatus.FAILED, f"CaseAudit could not send it: {type(exc).__name__}: {exc}")
        return _through(failed, SentThrough.NOTIFY)
    sent = Outcome(DeliveryStatus.SENT)
    return _through(sent, SentThrough.NOTIFY, notification_id=str((answer or {}).get("id", "")))


def notify_outcome(exc: APIError) -> Outcome:
    """Notify's refusal as a passing fault (try again) or a lasting one (failed), with Notify's own words."""
    if exc.response is None:  # refused, timed out, name not found: the client reports these as 503
        cause = exc.__cause__ or exc
        return Outcome(
            DeliveryStatus.WAITING,
            f"GOV.UK Notify ({settings.CASEAUDIT_NOTIFY_BASE_URL}) could not be reached: {cause}",
            unreachable=True,
        )
    code, words = exc.status_code, _words(exc.message)
    answer = f"GOV.UK Notify answered {code}: {words}"
    if code == 429 or code >= 500:
        return Outcome(DeliveryStatus.WAITING, answer)
    if code < 400:  # accepted, but the answer could not be read: it may have gone, so it is not sent again
        return Outcome(DeliveryStatus.FAILED, f"{answer} (it may have been sent; check in GOV.UK Notify)")
    return Outcome(DeliveryStatus.FAILED, answer)


def _words(message: object) -> str:
    # Notify answers {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "..."}]}
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in message)
    return str(message)


def _through_mail(message: InvitationMessage) -> Outcome:
    email = EmailMessage(
        _subject(message.kind, message.personalisation),
        email_text(message.kind, message.invitation.recipient_name, message.personalisation),
        settings.DEFAULT_FROM_EMAIL,
        [message.to],
    )
    return _through(by_mail(email), SentThrough.MAIL)


def _subject(kind: str, p: dict) -> str:
    if kind == MessageKind.REMINDER:
        return f"{p['council_name']}: a reminder to tell us what you think"
    return f"{p['council_name']}: tell us what you think"


def email_text(kind: str, recipient_name: str, p: dict) -> str:
    """The email the mail backend sends; the Notify templates say the same from the same fields. No child's name
    and no case detail: a forwarded or misdirected message tells nobody anything."""
    opening = (
        f"This is a reminder. {p['council_name']} would still like to know what you think"
        if kind == MessageKind.REMINDER
        else f"{p['council_name']} would like to know what you think"
    )
    return (
        f"Dear {recipient_name},\n\n"
        f"{opening} about the help you have had from children's social care.\n\n"
        "It takes about 5 minutes. Every question is optional. You do not need an account.\n\n"
        f"{p['link']}\n\n"
        f"This link works until {p['expiry_date']}. It can only be used once. "
        f"If the link does not open, go to {settings.SITE_URL}{reverse('family:start')} and type this code: "
        f"{p['code']}\n\n"
        "If you do not want to answer, you do not need to do anything."
    )
