"""Family feedback by a secure link (issue 31, decision 0098): invite, cancel, answer.

The raw token exists only in the invitation's message (or the printed letter) and the family's link; the
database keeps its SHA-256, so neither a copy of the database nor the change history holds a working link.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from caseaudit.audits.models import Activity, ActivityKind, Audit
from caseaudit.organisation.models import Person

from . import defaults
from .access import can_invite, can_revoke
from .contacts import contact_request_open
from .errors import FamilyRuleError, LinkExpired, LinkRevoked, LinkSpent, LinkUnknown
from .models import (
    Audience,
    Channel,
    Invitation,
    MessageKind,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    token_hash,
)
from .notify import notify_configured
from .sending import TOKEN_BYTES, message_claim
from .sending import answer_link as answer_link  # the letter page's link

MAX_WORDS_CHARS = 5000
# A UK mobile number: 07 and nine digits, or +44 7 and nine digits (spaces, brackets and dashes are ignored).
UK_MOBILE = re.compile(r"(?:07|\+447)\d{9}")


def questionnaires_ensure() -> list[Questionnaire]:
    """The two default questionnaires, if missing (idempotent). The data migration adds them to a new database;
    this puts them back in one emptied by tests or a demo reset."""
    made = []
    with transaction.atomic():
        for audience, name, questions in defaults.DEFAULT_QUESTIONNAIRES:
            questionnaire = Questionnaire.objects.filter(name=name).first()
            if questionnaire is None:
                questionnaire = Questionnaire.objects.create(audience=audience, name=name, builtin=True)
                version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1, published=True)
                for position, (text, kind, choices) in enumerate(questions, start=1):
                    Question.objects.create(version=version, position=position, text=text, kind=kind, choices=choices)
            made.append(questionnaire)
    return made


def uk_mobile(value: str) -> str | None:
    """The number without spaces, brackets or dashes, if it is a UK mobile number; otherwise None."""
    number = re.sub(r"[\s()\-]", "", value)
    return number if UK_MOBILE.fullmatch(number) else None


def _by_token(invitations: QuerySet[Invitation], raw_token: str) -> QuerySet[Invitation]:
    """The invitation's first link, or the second its reminder carried: either opens it."""
    hashed = token_hash(raw_token)
    return invitations.filter(Q(token_hash=hashed) | Q(reminder_token_hash=hashed))


def invitation_create(
    *,
    audit: Audit,
    by: Person,
    recipient_name: str,
    relationship: str,
    channel: str,
    contact: str = "",
    audience: str = Audience.PARENT_CARER,
) -> tuple[Invitation, str]:
    """Invite a parent, carer or young person to answer; returns the invitation and the raw token (shown once,
    for a letter, and never stored)."""
    if not can_invite(by, audit):
        raise FamilyRuleError(
            "Only the audit's auditor or a QA administrator can invite a family, while the audit is open"
        )
    recipient_name, relationship, contact = recipient_name.strip(), relationship.strip(), contact.strip()
    if not recipient_name:
        raise FamilyRuleError("Enter the name of the person you are inviting", field="recipient_name")
    if not relationship:
        raise FamilyRuleError(
            "Enter who they are to the child, for example mother or foster carer", field="relationship"
        )
    if channel == Channel.SMS:
        if not notify_configured():
            raise FamilyRuleError(
                "Text messages need GOV.UK Notify, which is not set up. Ask your administrator, or send an email "
                "or print a letter",
                field="channel",
            )
        mobile = uk_mobile(contact)
        if mobile is None:
            raise FamilyRuleError(
                "Enter a UK mobile phone number, like 07700 900 982 or +44 7700 900 982", field="mobile"
            )
        contact = mobile
    elif channel == Channel.EMAIL:
        try:
            validate_email(contact)
        except ValidationError:
            raise FamilyRuleError(
                "Enter an email address in the correct format, like name@example.com", field="contact"
            ) from None
    elif channel == Channel.LETTER:
        contact = ""
    else:
        raise FamilyRuleError("Choose how to send the invitation", field="channel")
    raw_token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        version = _questionnaire_version(audience)
        invitation = Invitation.objects.create(
            audit=audit,
            questionnaire_version=version,
            recipient_name=recipient_name,
            relationship=relationship,
            channel=channel,
            contact=contact,
            token_hash=token_hash(raw_token),
            created_by=by,
            expires_at=timezone.now() + datetime.timedelta(days=settings.CASEAUDIT_FAMILY_LINK_DAYS),
        )
        if channel in (Channel.EMAIL, Channel.SMS):
            # Claimed with the invitation, sent once it is kept: a rolled-back invitation sends nothing.
            message_claim(invitation=invitation, kind=MessageKind.INVITATION, raw_token=raw_token)
    return invitation, raw_token


def _questionnaire_version(audience: str) -> QuestionnaireVersion:
    """The default questionnaire's published version for the audience (put back first if a test emptied the
    database). QA administrators choosing another questionnaire is a later slice."""
    if not Questionnaire.objects.filter(builtin=True).exists():
        questionnaires_ensure()
    questionnaire = Questionnaire.objects.filter(audience=audience, builtin=True).first()
    version = questionnaire.current_version if questionnaire else None
    if version is None:
        raise FamilyRuleError("There are no questions for them to answer yet", field="audience")
    return version


def invitation_revoke(*, invitation: Invitation, by: Person) -> Invitation:
    if not can_revoke(by, invitation.audit):
        raise FamilyRuleError("Only the audit's auditor or a QA administrator can cancel an invitation")
    with transaction.atomic():
        # Under a row lock: a cancellation racing an answer waits for it, and then finds it answered.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None:
            raise FamilyRuleError("They have already answered, so the invitation cannot be cancelled")
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.draft = {}  # nobody can come back to it now
            locked.save(update_fields=["revoked_at", "draft"])
    return locked


def invitation_for_token(raw_token: str) -> Invitation:
    """The invitation a link opens, or the reason it cannot be answered. Reads only."""
    invitation = _by_token(Invitation.objects.select_related("questionnaire_version"), raw_token).first()
    if invitation is None:
        raise LinkUnknown
    _check_answerable(invitation)
    return invitation


def _check_answerable(invitation: Invitation) -> None:
    if invitation.answered_at is not None:
        raise LinkSpent
    if invitation.revoked_at is not None:
        raise LinkRevoked
    if invitation.expires_at <= timezone.now():
        raise LinkExpired


@dataclass
class FamilyAnswers:
    """What the person sent: answers by question id, all optional. `contact_me` None: not answered (a draft keeps
    the difference between "no" and no answer yet; sent answers store it as no)."""

    answers: dict[int, str] = field(default_factory=dict)
    anything_else: str = ""
    contact_me: bool | None = False


def _clean_answers(questions: list[Question], sent: FamilyAnswers) -> dict[str, str]:
    kept: dict[str, str] = {}
    for question in questions:
        value = (sent.answers.get(question.pk) or "").strip()
        if not value:
            continue  # every question is optional
        if question.kind == QuestionKind.CHOICE and value not in question.choices:
            raise FamilyRuleError("Choose one of the answers given", field=f"question_{question.pk}")
        if len(value) > MAX_WORDS_CHARS:
            raise FamilyRuleError(
                f"Your answer must be {MAX_WORDS_CHARS} characters or fewer", field=f"question_{question.pk}"
            )
        kept[str(question.pk)] = value
    return kept


def _their_words(invitation: Invitation, questions: list[Question], response: Response) -> str:
    lines = []
    for question in questions:
        answer = response.answers.get(str(question.pk))
        if answer:
            lines.append(f"{question.text}\n{answer}")
    if response.anything_else:
        lines.append(f"{defaults.ANYTHING_ELSE}\n{response.anything_else}")
    lines.append(f"{defaults.CONTACT_ME}\n{'Yes' if response.contact_me else 'No'}")
    return "\n\n".join(lines)


def _clean_anything_else(sent: FamilyAnswers) -> str:
    anything_else = sent.anything_else.strip()
    if len(anything_else) > MAX_WORDS_CHARS:
        raise FamilyRuleError(f"Your answer must be {MAX_WORDS_CHARS} characters or fewer", field="anything_else")
    return anything_else


def _answerable_locked(raw_token: str) -> Invitation:
    """The link's invitation under a row lock, or why it cannot be answered (checked after the lock is held)."""
    invitation = _by_token(Invitation.objects.select_for_update(), raw_token).first()
    if invitation is None:
        raise LinkUnknown
    _check_answerable(invitation)
    return invitation


def draft_save(*, raw_token: str, sent: FamilyAnswers) -> Invitation:
    """ "Save and come back later": keep what the person has typed so far on the invitation, cleaned like sent
    answers, to show again through the same link until it expires. Two tabs saving: the last save wins. Under the
    row lock, so a save after the answers were sent waits for them and is refused (LinkSpent). Not in the change
    history: the draft is the family's until they send it (apps.py)."""
    anything_else = _clean_anything_else(sent)
    with transaction.atomic():
        invitation = _answerable_locked(raw_token)
        questions = list(invitation.questionnaire_version.questions.all())
        invitation.draft = {
            "answers": _clean_answers(questions, sent),
            "anything_else": anything_else,
            "contact_me": sent.contact_me,
        }
        invitation.save(update_fields=["draft"])
    return invitation


def response_submit(*, raw_token: str, sent: FamilyAnswers) -> Response:
    """Keep a family's answers, once, and put them in the audit in their own words; a "please contact me" opens the
    child's team manager's action (contacts.py). The draft, if they saved one, goes."""
    anything_else = _clean_anything_else(sent)
    with transaction.atomic():
        # Locked, so two submissions at once (a double tap, two phones) keep one: the second waits, then finds
        # the link spent.
        invitation = _answerable_locked(raw_token)
        questions = list(invitation.questionnaire_version.questions.all())
        response = Response.objects.create(
            invitation=invitation,
            answers=_clean_answers(questions, sent),
            anything_else=anything_else,
            contact_me=bool(sent.contact_me),
        )
        invitation.answered_at = response.submitted_at
        invitation.draft = {}
        invitation.save(update_fields=["answered_at", "draft"])
        Activity.objects.create(
            audit_id=invitation.audit_id,
            kind=ActivityKind.FAMILY,
            carried_out_by=None,  # the family answered for themselves
            happened_on=timezone.localdate(response.submitted_at),
            notes=(
                f"Family feedback (in their own words): {invitation.recipient_name} ({invitation.relationship}) "
                "answered through the secure link."
            ),
            family_words=_their_words(invitation, questions, response),
        )
        if response.contact_me:
            # "Please contact me": the child's team manager's action, kept with the answers or not at all.
            contact_request_open(
                response=response, child_id=Audit.objects.values_list("child_id", flat=True).get(pk=invitation.audit_id)
            )
    return response
