"""Quotes from families for the Director's report, picked by the QA team with names removed (issue 31, point 5).

A quote is stored only with names already removed: the child's (whole, and each part of it), the case number, and
the names of the family members invited about the audit. Whatever the QA administrator types is cleaned again
before it is kept, so a name put back by hand is removed too. The QA administrator may shorten the answer, marking
a gap with "...", but not change or add words: a quote is the family's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from caseaudit.family.models import Invitation, Question, Response
from caseaudit.organisation.models import Person

from .access import can_publish
from .feedback import invitations_in, written_answers
from .figures import Scope
from .models import FamilyQuote

CHILD, CASE_NUMBER, FAMILY_MEMBER = "[child's name]", "[case number]", "[family member's name]"
MAX_QUOTE_CHARS = 1000
# Words that start a name without being one ("Mrs Jo Smith"): removing them would cut ordinary words.
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "master"}
GAP = re.compile(r"\.\.\.|…")


def names_removed(
    text: str, *, child_names: Iterable[str] = (), case_numbers: Iterable[str] = (), family_names: Iterable[str] = ()
) -> str:
    """The text with every name and case number replaced, whole words only, whatever their case; a longer name
    before its parts ("Olivia Own" before "Olivia"). The child's name wins over a family member's that shares it."""
    replacement: dict[str, str] = {}
    for names, placeholder, split in (
        (child_names, CHILD, True),
        (case_numbers, CASE_NUMBER, False),
        (family_names, FAMILY_MEMBER, True),
    ):
        for name in names:
            name = " ".join((name or "").split())
            parts = [name]
            if split:
                # "Mrs Jo Bloggs" is also written "Jo Bloggs", "Jo" and "Bloggs".
                words = [word for word in name.split() if word.lower().rstrip(".") not in _TITLES]
                parts += [" ".join(words), *words]
            for part in parts:
                if len(part) >= 2 and part.lower() not in _TITLES:
                    replacement.setdefault(part.lower(), placeholder)
    if not replacement:
        return text
    words = sorted(replacement, key=len, reverse=True)
    # Whitespace inside a name may be any whitespace in the text ("Olivia\nOwn").
    alternatives = "|".join(r"\s+".join(re.escape(piece) for piece in word.split(" ")) for word in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda match: replacement[" ".join(match.group(0).lower().split())], text)


@dataclass(frozen=True)
class WrittenAnswer:
    """One written answer as the QA team sees it: names already removed."""

    response_id: int
    source: str
    question: str
    words: str
    sent_on: str
    quote_id: int | None


def _identifiers(response: Response) -> dict[str, list[str]]:
    invitation = response.invitation
    child = invitation.audit.child
    family = list(Invitation.objects.filter(audit_id=invitation.audit_id).values_list("recipient_name", flat=True))
    return {"child_names": [child.name], "case_numbers": [child.case_id], "family_names": family}


def written_answers_in(scope: Scope) -> list[WrittenAnswer]:
    """Every written answer to invitations a report over the scope counts, names removed, with its quote if picked.
    Four queries whatever the number of answers."""
    invitations = invitations_in(scope)
    responses = list(
        Response.objects.filter(invitation__in=invitations)
        .select_related("invitation__audit__child", "invitation__questionnaire_version")
        .order_by("invitation__created_at", "pk")
    )
    questions: dict[int, list[Question]] = {}
    versions = invitations.values("questionnaire_version_id")
    for question in Question.objects.filter(version_id__in=versions).order_by("position"):
        questions.setdefault(question.version_id, []).append(question)
    family: dict[int, list[str]] = {}
    audits = invitations.values("audit_id")
    for audit_id, name in Invitation.objects.filter(audit_id__in=audits).values_list("audit_id", "recipient_name"):
        family.setdefault(audit_id, []).append(name)
    picked = {
        (response_id, source): pk
        for pk, response_id, source in _quotes_of(invitations).values_list("pk", "response_id", "source")
    }
    found = []
    for response in responses:
        invitation = response.invitation
        child = invitation.audit.child
        for source, question, words in written_answers(
            response, questions.get(invitation.questionnaire_version_id, [])
        ):
            cleaned = names_removed(
                words,
                child_names=[child.name],
                case_numbers=[child.case_id],
                family_names=family.get(invitation.audit_id, [invitation.recipient_name]),
            )
            found.append(
                WrittenAnswer(
                    response_id=response.pk,
                    source=source,
                    question=question,
                    words=cleaned,
                    sent_on=invitation.created_at.date().isoformat(),
                    quote_id=picked.get((response.pk, source)),
                )
            )
    return found


def _quotes_of(invitations: QuerySet[Invitation]) -> QuerySet[FamilyQuote]:
    return FamilyQuote.objects.filter(response__invitation__in=invitations)


class QuoteError(Exception):
    """The quote cannot be kept; the message is for the QA administrator."""

    def __init__(self, message: str, field: str = "text") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _own_words(quote: str, answer: str) -> bool:
    """Every piece of the quote between gaps ("..." or "…") is in the answer, in order."""
    answer, at = _normalised(answer), 0
    for piece in (_normalised(p) for p in GAP.split(quote)):
        if not piece:
            continue
        found = answer.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def quote_pick(*, response_id: int, source: str, text: str, by: Person) -> FamilyQuote:
    """Keep a written answer (or a shortened part of it) as a quote for the report, names removed. Refused when
    someone else picked it first: the database holds one quote per answer, so two at once never make two."""
    if not can_publish(by):
        raise QuoteError("Only the QA team can pick quotes for the report")
    response = Response.objects.select_related("invitation__audit__child", "invitation__questionnaire_version").get(
        pk=response_id
    )
    questions = list(response.invitation.questionnaire_version.questions.all())
    answers = {key: (question, words) for key, question, words in written_answers(response, questions)}
    if source not in answers:
        raise QuoteError("There is no written answer to quote here", field="source")
    question, words = answers[source]
    identifiers = _identifiers(response)
    answer = names_removed(words, **identifiers)
    quote = _normalised(names_removed(text, **identifiers))
    if not GAP.sub("", quote).strip():
        raise QuoteError("Enter the words to quote")
    if len(quote) > MAX_QUOTE_CHARS:
        raise QuoteError(f"The quote must be {MAX_QUOTE_CHARS} characters or fewer: shorten it, marking gaps with ...")
    if not _own_words(quote, answer):
        raise QuoteError(
            "The quote must be the family's own words: you can shorten it, marking a gap with ..., but not change or add words"
        )
    try:
        with transaction.atomic():
            return FamilyQuote.objects.create(
                response=response, source=source, question=question, text=quote, picked_by=by
            )
    except IntegrityError:
        raise QuoteError("Someone else has already picked this answer as a quote") from None


def quote_remove(*, quote_id: int, by: Person) -> bool:
    """Take a quote out of the report; False when it was already gone."""
    if not can_publish(by):
        raise QuoteError("Only the QA team can remove quotes from the report")
    with transaction.atomic():
        quote = FamilyQuote.objects.select_for_update().filter(pk=quote_id).first()
        if quote is None:
            return False
        quote.delete()
    return True


def written_answer(*, response_id: int, source: str) -> WrittenAnswer | None:
    """One written answer, names removed, as the QA team sees it when picking it; None if there is no such answer."""
    response = (
        Response.objects.select_related("invitation__audit__child", "invitation__questionnaire_version")
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        return None
    questions = list(response.invitation.questionnaire_version.questions.all())
    for key, question, words in written_answers(response, questions):
        if key == source:
            quote = FamilyQuote.objects.filter(response=response, source=source).values_list("pk", flat=True).first()
            return WrittenAnswer(
                response_id=response.pk,
                source=source,
                question=question,
                words=names_removed(words, **_identifiers(response)),
                sent_on=response.invitation.created_at.date().isoformat(),
                quote_id=quote,
            )
    return None
