from __future__ import annotations

from django import forms
from django.utils import timezone

from caseaudit.web.forms import GovukForm, GovukRadios, date_field
from caseaudit.web.longtext import LongTextField

from . import defaults
from .contacts import MAX_NOTE_CHARS
from .models import Audience, Channel, ContactRequest, Question, QuestionKind
from .notify import notify_configured
from .services import MAX_WORDS_CHARS, FamilyAnswers


class AnswerForm(GovukForm):
    """The questions of the version the person was sent, every one optional."""

    def __init__(self, *args, questions: list[Question], draft: object = None, **kwargs) -> None:
        kwargs.setdefault("initial", draft_initial(draft))
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"question_{question.pk}"
            if question.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=[(choice, choice) for choice in question.choices],
                    widget=GovukRadios,
                    required=False,
                )
            else:
                self.fields[name] = LongTextField(label=question.text, max_length=MAX_WORDS_CHARS, what="Your answer")
        self.fields["anything_else"] = LongTextField(
            label=defaults.ANYTHING_ELSE, max_length=MAX_WORDS_CHARS, what="Your answer"
        )
        self.fields["contact_me"] = forms.ChoiceField(
            label=defaults.CONTACT_ME, choices=[("yes", "Yes"), ("no", "No")], widget=GovukRadios, required=False
        )
        self.apply_govuk_classes()

    def answers(self) -> FamilyAnswers:
        data = self.cleaned_data
        return FamilyAnswers(
            answers={q.pk: data.get(f"question_{q.pk}") or "" for q in self.questions},
            anything_else=data.get("anything_else") or "",
            contact_me={"yes": True, "no": False}.get(data.get("contact_me") or ""),
        )


def draft_initial(draft: object) -> dict:
    """The form's fields as the person saved them (services.draft_save). Anything else (no draft, or one wiped by
    the retention run) fills nothing in."""
    if not isinstance(draft, dict) or not draft:
        return {}
    answers = draft.get("answers")
    initial = {f"question_{pk}": value for pk, value in answers.items()} if isinstance(answers, dict) else {}
    initial["anything_else"] = draft.get("anything_else") or ""
    contact_me = draft.get("contact_me")
    if contact_me is not None:
        initial["contact_me"] = "yes" if contact_me else "no"
    return initial


class InvitationForm(GovukForm):
    recipient_name = forms.CharField(
        label="Their name", max_length=200, error_messages={"required": "Enter the name of the person you are inviting"}
    )
    relationship = forms.CharField(
        label="Who they are to the child",
        max_length=100,
        help_text="For example, mother, foster carer, or the young person themselves",
        error_messages={"required": "Enter who they are to the child"},
    )
    audience = forms.ChoiceField(
        label="Which questions",
        choices=Audience.choices,
        widget=GovukRadios,
        initial=Audience.PARENT_CARER,
        error_messages={"required": "Select which questions to send"},
    )
    channel = forms.ChoiceField(
        label="How to send it",
        choices=[
            (Channel.EMAIL.value, "Email"),
            (Channel.SMS.value, "Text message"),
            (Channel.LETTER.value, "Print a letter with the link"),
        ],
        widget=GovukRadios,
        error_messages={"required": "Select how to send the invitation"},
    )
    contact = forms.CharField(label="Email address", max_length=254, required=False, help_text="Only for an email")
    mobile = forms.CharField(
        label="Mobile phone number",
        max_length=30,
        required=False,
        help_text="Only for a text message. For example, 07700 900 982",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not notify_configured():
            # Honest about why there is no text message, rather than refusing it after the person has typed.
            self.fields[
                "channel"
            ].help_text = "Text messages need GOV.UK Notify, which is not set up. Ask your administrator to set it up."
            self.fields["channel"].choices = [c for c in self.fields["channel"].choices if c[0] != Channel.SMS]
            del self.fields["mobile"]
        self.apply_govuk_classes()

    def invitation(self) -> dict:
        """The service's arguments: the contact is the email address or the mobile number, as chosen."""
        data = dict(self.cleaned_data)
        mobile = data.pop("mobile", "")
        if data["channel"] == Channel.SMS:
            data["contact"] = mobile
        return data


class ContactRecordForm(GovukForm):
    """When the manager contacted the family who asked, and a note of it. `version` is the action as the page
    showed it: saving over someone else's record is refused (contacts.contact_record)."""

    contacted_on = date_field("Date you contacted them", required_message="Enter the date you contacted them")
    note = LongTextField(
        label="Note of the contact",
        max_length=MAX_NOTE_CHARS,
        what="The note",
        required=True,
        help_text="How you contacted them, what they told you and what was agreed",
        error_messages={"required": "Enter a note of the contact"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, contact: ContactRequest, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "contacted_on": contact.contacted_on or timezone.localdate(),
                "note": contact.note,
                "version": contact.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.apply_govuk_classes()


class QuestionnaireForm(GovukForm):
    """A questionnaire's questions as lines (family/questionnaires.py says how)."""

    questions = forms.CharField(
        label="Questions, one per line",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20_000,
        help_text="After a question answered by choosing, list its answers, each after a | (Were you treated with "
        "respect? | Yes | Sometimes | No). Start a line with [text] for an answer in their own words. Every "
        "questionnaire also asks if there is anything else, and if they would like someone to contact them.",
        error_messages={"required": "Write at least one question"},
    )
    # The version the page was built from: a save after someone else's is refused, what was typed kept.
    based_on = forms.IntegerField(widget=forms.HiddenInput)
