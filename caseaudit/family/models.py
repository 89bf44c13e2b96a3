"""Families and young people answer for themselves, through a secure link (issue 31, decision 0098)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from caseaudit.web.outbox import Delivery, DeliveryStatus

PERSON = settings.AUTH_USER_MODEL


def token_hash(raw_token: str) -> str:
    """Only this is stored: a lost database copy gives nobody a working link."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


class Audience(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parents and carers"
    YOUNG_PERSON = "young_person", "Young people (11 and over)"


class Questionnaire(models.Model):
    audience = models.CharField(max_length=20, choices=Audience.choices)
    name = models.CharField(max_length=200, unique=True)
    # Added by the data migration: the change history has no entry for these (trail/coverage.py).
    builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="questionnaire_audience_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> QuestionnaireVersion | None:
        return self.versions.filter(published=True).order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """The questions as they were sent: a version once sent is never changed (a change is a new version)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} (version {self.number})"

    @property
    def is_sent(self) -> bool:
        return self.invitations.exists()


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "Choose one answer"
    FREE_TEXT = "free_text", "In their own words"


class Question(models.Model):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_known"),
        ]

    def __str__(self) -> str:
        return self.text


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"


class InvitationState(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    REVOKED = "revoked", "Cancelled"
    EXPIRED = "expired", "Link expired"


class Invitation(models.Model):
    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="family_invitations")
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="invitations"
    )
    recipient_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, help_text="For example, mother, foster carer, the young person")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    contact = models.CharField(
        max_length=254, blank=True, help_text="Email address or mobile number; blank for a letter"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The reminder carries a second link (the first is not kept anywhere to put in it); either one works.
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # "Save and come back later": what the person has typed so far, cleaned like sent answers (services.draft_save),
    # shown again only through a link that still works; emptied when they send or the link is cancelled, wiped with
    # the child's record, and never in the change history (apps.py).
    draft = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="invitation_channel_known"),
            models.CheckConstraint(
                condition=Q(channel="letter") | ~Q(contact=""), name="invitation_email_or_sms_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.recipient_name} ({self.relationship})"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.answered_at is not None:
            return InvitationState.ANSWERED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.OPEN

    def get_state_display(self) -> str:
        return InvitationState(self.state()).label

    @property
    def message_list(self) -> list[InvitationMessage]:
        """The invitation's messages, first sent first (prefetched by the audit page)."""
        return sorted(self.messages.all(), key=lambda message: (message.claimed_at, message.pk))


class Response(models.Model):
    """What the family sent, as they wrote it. One per invitation, held by the database."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(default=dict, blank=True, help_text="Question id -> the answer chosen or written")
    anything_else = models.TextField(blank=True)
    contact_me = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Answers from {self.invitation.recipient_name}"

    def answered(self) -> list[tuple[str, str]]:
        """(question, answer) in the questionnaire's order, for the questions they answered. Reads the version's
        questions: prefetch `invitation__questionnaire_version__questions` when listing several."""
        questions = self.invitation.questionnaire_version.questions.all()
        return [(q.text, self.answers[str(q.pk)]) for q in questions if self.answers.get(str(q.pk))]


class MessageKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"


class SentThrough(models.TextChoices):
    NOTIFY = "notify", "GOV.UK Notify"
    MAIL = "mail", "Email server"


class InvitationMessage(Delivery):
    """An invitation's email or text message, or its one reminder, and how its sending ended (sent, waiting to be
    tried again, failed with the answer, unconfirmed: caseaudit/web/outbox.py). Claimed once: one of each kind per
    invitation, held by the database, so two runs at once never both send it.

    `personalisation` holds what the message says (the council, the link and its code, the expiry date) only until
    the sending ends: then the link and code are erased, and the database again holds no working link."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    personalisation = models.JSONField(default=dict, blank=True)
    sent_through = models.CharField(max_length=10, choices=SentThrough.choices, blank=True)
    notification_id = models.CharField(max_length=64, blank=True, help_text="GOV.UK Notify's id for the message")
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta(Delivery.Meta):
        ordering = ["claimed_at", "pk"]
        constraints = [
            *Delivery.Meta.constraints,
            models.UniqueConstraint(fields=["invitation", "kind"], name="invitation_message_once_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="invitation_message_kind_known"),
            models.CheckConstraint(
                condition=Q(channel__in=[Channel.EMAIL, Channel.SMS]), name="invitation_message_email_or_sms"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.get_channel_display().lower()} to {self.invitation.recipient_name}"

    def fields_when_ended(self) -> dict:
        # The sending has ended (sent or failed): the link and its code leave the database; only the hash stays.
        return {"personalisation": {k: v for k, v in self.personalisation.items() if k not in ("link", "code")}}

    @property
    def state_label(self) -> str:
        if self.is_unconfirmed:
            return "Unconfirmed: it may or may not have been sent"
        if self.status == DeliveryStatus.SENDING:
            return "Being sent"
        if self.status == DeliveryStatus.WAITING and self.attempts:
            return "Waiting to be tried again"
        return self.get_status_display()


class ContactRequest(models.Model):
    """A family answered "Would you like someone to contact you about this?" with yes: an action for the child's
    team manager, due CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS working days after they answered (stored, computed once
    by the working-day calendar). Done when the manager records the date they made contact and a note.

    `child` is the audit's child, kept here so the action follows the child's team (and its manager) today, and so
    its messages and text are anonymised with the child's record."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="contact_request")
    child = models.ForeignKey("organisation.Child", on_delete=models.PROTECT, related_name="family_contact_requests")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    contacted_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Moved on by every record of the contact: a second manager saving over the first is told, not silent.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The deadline run and the home page read only the ones still waiting.
            models.Index(fields=["due_on"], condition=Q(contacted_on__isnull=True), name="family_contact_waiting_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contacted_on__isnull=True, recorded_by__isnull=True, recorded_at__isnull=True)
                | (Q(contacted_on__isnull=False, recorded_by__isnull=False, recorded_at__isnull=False) & ~Q(note="")),
                name="family_contact_recorded_whole",
            ),
        ]

    def __str__(self) -> str:
        # Nothing identifying: the change history keeps this text for good.
        return "A family's request to be contacted"

    @property
    def is_done(self) -> bool:
        return self.contacted_on is not None
