"""Family feedback for the demo council (issue 31): invitations on the last nine months' audits in every state,
answers spread across the choices, a few comments in plain English, and quotes picked for last quarter's report.

Built once, like the audit history: a second run finds invitations and adds nothing. Links of these invitations do
not work (their tokens are thrown away): the demo shows the figures, not a family's page.
"""

from __future__ import annotations

import datetime
import random
import secrets

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from caseaudit.audits.models import DONE_STATUSES, OPEN_STATUSES, Audit
from caseaudit.family.models import Audience, Channel, Invitation, Question, QuestionKind, Response, token_hash
from caseaudit.family.services import questionnaires_ensure
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role
from caseaudit.reporting.periods import quarter
from caseaudit.reporting.quotes import QuoteError, quote_pick

SEED = 31
LINK_DAYS = 21
INVITED_SHARE = 0.3  # of the audits done in the last nine months
# How families answer the choices, most to least often (the same order as the questions' choices).
WEIGHTS = {
    ("Yes", "Sometimes", "No", "I do not know"): [55, 25, 12, 8],
    ("Yes", "Partly", "No"): [58, 30, 12],
    ("Better", "No different", "Worse", "I do not know"): [46, 30, 9, 15],
    ("Yes", "No", "I am not sure"): [68, 12, 20],
}
WENT_WELL = [
    "{child} likes her social worker and talks to her.",
    "She always rang back when she said she would.",
    "We were listened to at the meeting and the plan made sense.",
    "The help with the school has made a real difference to {child}.",
    "They explained everything in a way I could understand.",
    "My worker came on time and did not rush me.",
]
DO_BETTER = [
    "We had three social workers in a year. It is hard to keep telling our story.",
    "Tell us sooner when a meeting is moved.",
    "I did not get the minutes of the meeting until weeks later.",
    "Ask {child} what she thinks before decisions are made, not after.",
    "It would help to have someone to call in the evenings.",
]
ANYTHING_ELSE = [
    "Thank you for everything you have done for our family.",
    "I would like more help with contact arrangements.",
    "Please say thank you to {worker} from us.",
    "The letters are hard to read. Plainer words would help.",
]
RELATIONSHIPS = ["Mother", "Father", "Foster carer", "Grandmother", "Kinship carer", "Stepfather"]


def _age(born: datetime.date | None, on: datetime.date) -> int:
    if born is None:
        return 0
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Families:
    def __init__(self, today: datetime.date) -> None:
        from faker import Faker

        self.today = today
        self.now = timezone.now()
        self.rng = random.Random(SEED)  # noqa: S311 - demo data
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)
        self.versions = {q.audience: q.current_version for q in questionnaires_ensure()}
        self.questions = {
            audience: list(Question.objects.filter(version=version).order_by("position"))
            for audience, version in self.versions.items()
        }

    def invite(self, audit: Audit, sent: datetime.datetime) -> None:
        child = audit.child
        young = _age(child.date_of_birth, sent.date()) >= 11 and self.rng.random() < 0.35
        audience = Audience.YOUNG_PERSON if young else Audience.PARENT_CARER
        name = child.name if young else f"{self.fake.first_name()} {child.name.split()[-1]}"
        channel = self.rng.choices([Channel.EMAIL, Channel.LETTER, Channel.SMS], weights=[55, 25, 20])[0]
        contact = {
            Channel.EMAIL: f"{name.split()[0].lower()}.{self.rng.randint(10, 99)}@example.com",
            Channel.SMS: f"07700900{self.rng.randint(100, 999)}",
            Channel.LETTER: "",
        }[channel]
        expires = sent + datetime.timedelta(days=LINK_DAYS)
        invitation = Invitation.objects.create(
            audit=audit,
            questionnaire_version=self.versions[audience],
            recipient_name=name,
            relationship="The young person" if young else self.rng.choice(RELATIONSHIPS),
            channel=channel,
            contact=contact,
            token_hash=token_hash(secrets.token_urlsafe(16)),
            created_by=audit.auditor,
            expires_at=expires,
        )
        fields: dict = {"created_at": sent}
        answer_after = datetime.timedelta(hours=self.rng.randint(2, 24 * 18))
        roll = self.rng.random()
        if roll < 0.56 and sent + answer_after < self.now:
            answered = sent + answer_after
            response = Response.objects.create(invitation=invitation, **self._answers(audience, child, audit))
            Response.objects.filter(pk=response.pk).update(submitted_at=answered)
            fields["answered_at"] = answered
        elif roll > 0.95:
            fields["revoked_at"] = sent + datetime.timedelta(days=self.rng.randint(1, 5))
        Invitation.objects.filter(pk=invitation.pk).update(**fields)

    def _answers(self, audience: str, child, audit: Audit) -> dict:
        first = child.name.split()[0]
        worker = audit.worker.full_name.split()[0] if getattr(audit, "worker", None) else "our social worker"
        answers = {}
        for question in self.questions[audience]:
            if self.rng.random() < 0.1:
                continue  # every question is optional
            if question.kind == QuestionKind.CHOICE:
                weights = WEIGHTS.get(tuple(question.choices), [1] * len(question.choices))
                answers[str(question.pk)] = self.rng.choices(question.choices, weights=weights)[0]
            elif self.rng.random() < 0.4:
                pool = WENT_WELL if question.position == len(self.questions[audience]) - 1 else DO_BETTER
                answers[str(question.pk)] = self.rng.choice(pool).format(child=first)
        anything_else = ""
        if self.rng.random() < 0.25:
            anything_else = self.rng.choice(ANYTHING_ELSE).format(child=first, worker=worker)
        return {"answers": answers, "anything_else": anything_else, "contact_me": self.rng.random() < 0.12}


def build_demo_family(today: datetime.date) -> int:
    """Idempotent: invitations on about a third of the audits done in the last nine months and a few on audits in
    flight, then three quotes picked for last quarter's report. Returns how many invitations were added."""
    if Invitation.objects.exists():
        return 0
    families = _Families(today)
    since = today - relativedelta(months=9)
    done = list(
        Audit.objects.filter(status__in=DONE_STATUSES, audit_date__gte=since, auditor__isnull=False)
        .select_related("child", "worker")
        .order_by("pk")
    )
    added = 0
    for audit in done:
        if families.rng.random() >= INVITED_SHARE:
            continue
        # Sent a few days before the audit was completed, in working hours.
        day = audit.audit_date - datetime.timedelta(days=families.rng.randint(3, 20))
        sent = timezone.make_aware(datetime.datetime.combine(day, datetime.time(families.rng.randint(9, 16))))
        families.invite(audit, sent)
        added += 1
    in_flight = Audit.objects.filter(status__in=OPEN_STATUSES, auditor__isnull=False).select_related("child", "worker")
    for audit in in_flight.order_by("pk")[:6]:
        sent = families.now - datetime.timedelta(days=families.rng.randint(0, 6), hours=families.rng.randint(0, 6))
        families.invite(audit, sent)
        added += 1
    _pick_quotes(today)
    return added


def _pick_quotes(today: datetime.date) -> None:
    """Three written answers from last quarter picked as quotes by the QA team, for the published report."""
    from caseaudit.reporting.figures import Scope
    from caseaudit.reporting.quotes import written_answers_in

    qa = Person.objects.filter(role_assignments__role=Role.QA_ADMIN, is_active=True).order_by("pk").first()
    if qa is None:
        return
    last_quarter = quarter(quarter(today).start - datetime.timedelta(days=1))
    picked = 0
    for answer in written_answers_in(Scope(last_quarter.start, last_quarter.end)):
        if picked == 3:
            break
        try:
            quote_pick(response_id=answer.response_id, source=answer.source, text=answer.words, by=qa)
        except QuoteError:
            continue
        picked += 1
