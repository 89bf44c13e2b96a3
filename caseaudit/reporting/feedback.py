"""Family feedback in a report: who was invited, who answered, and what they said (issue 31, point 5).

Definitions (decision 0102; the report page and "How the figures are counted" say them too):
- An invitation counts in a period when the day it was sent (created: the email or text message is sent, or the
  letter printed, at once) falls in the period, both ends included, in the council's time zone. Its audit's team
  puts it in a service area or team. Cancelled invitations count: they were sent.
- `answered` is those invitations answered at any time up to when the figures are computed: a link stays open for
  21 days, so the last invitations of a period are answered after it ends. `waiting`, `expired` and `cancelled`
  are the others' states at that moment; the four add up to `invited`.
- `response_rate` is answered of invited. Each question's percentages are of the people who answered that question;
  `no_answer` counts those who answered the questionnaire but skipped it. A rate on fewer cases than the
  small-number threshold carries `small_base` (decision 0081), as the audits' rates do.
- Questions are matched by their words within a questionnaire, so a new version's unchanged question adds up with
  the old one's.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from caseaudit.family.defaults import ANYTHING_ELSE, CONTACT_ME
from caseaudit.family.models import Invitation, Question, QuestionKind, Response

from .figures import Scope, is_small, percent
from .models import FamilyQuote

ANYTHING_ELSE_SOURCE = "anything_else"
CONTACT_YES, CONTACT_NO = "Yes", "No, or not answered"


def invitations_in(scope: Scope) -> QuerySet[Invitation]:
    """The invitations a report over the scope counts: sent in its period, for its area or team's audits."""
    low = timezone.make_aware(datetime.datetime.combine(scope.start, datetime.time.min))
    high = timezone.make_aware(datetime.datetime.combine(scope.end + datetime.timedelta(days=1), datetime.time.min))
    invitations = Invitation.objects.filter(created_at__gte=low, created_at__lt=high)
    if scope.service_area_id:
        invitations = invitations.filter(audit__team__service_area_id=scope.service_area_id)
    if scope.team_id:
        invitations = invitations.filter(audit__team_id=scope.team_id)
    return invitations


@dataclass
class _Question:
    text: str
    kind: str
    options: list[str] = field(default_factory=list)
    asked: int = 0  # answered questionnaires that held the question
    counts: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        answered = sum(self.counts.values())
        row = {
            "question": self.text,
            "kind": self.kind,
            "answered": answered,
            "no_answer": self.asked - answered,
            "small_base": is_small(answered),
        }
        if self.kind == QuestionKind.CHOICE:
            row["options"] = [
                {"answer": option, "count": self.counts[option], "percent": percent(self.counts[option], answered)}
                for option in self.options
            ]
        return row


def family_feedback_figures(scope: Scope, *, now: datetime.datetime | None = None) -> dict:
    """The family feedback section of a report, in three queries whatever the number of invitations: the
    invitations with their answers, their questions, and the quotes picked from them."""
    now = now or timezone.now()
    invitations = invitations_in(scope)
    rows = list(
        invitations.values(
            "questionnaire_version_id",
            "questionnaire_version__questionnaire__name",
            "answered_at",
            "revoked_at",
            "expires_at",
            "response__answers",
            "response__anything_else",
            "response__contact_me",
        ).order_by()
    )
    # A subquery, not a list of ids: the same one query with no invitations as with many.
    questions = list(
        Question.objects.filter(version_id__in=invitations.values("questionnaire_version_id"))
        .order_by("version__questionnaire__name", "-version__number", "position")
        .values("pk", "version_id", "version__questionnaire__name", "text", "kind", "choices")
    )
    quotes = list(
        FamilyQuote.objects.filter(response__invitation__in=invitations)
        .order_by("picked_at", "pk")
        .values("pk", "question", "text")
    )
    # Each questionnaire's questions in its newest version's order, matched by their words across versions.
    questionnaires: dict[str, dict[tuple[str, str], _Question]] = {}
    by_version: dict[int, list[Any]] = {}
    for question in questions:
        merged = questionnaires.setdefault(question["version__questionnaire__name"], {})
        counted = merged.setdefault((question["text"], question["kind"]), _Question(question["text"], question["kind"]))
        counted.options += [option for option in question["choices"] or [] if option not in counted.options]
        by_version.setdefault(question["version_id"], []).append(question)
    invited: Counter = Counter()
    answered: Counter = Counter()
    states: Counter = Counter()
    for row in rows:
        name = row["questionnaire_version__questionnaire__name"]
        merged = questionnaires.setdefault(name, {})
        invited[name] += 1
        if row["answered_at"] is not None:
            states["answered"] += 1
            answered[name] += 1
            _count_answers(merged, by_version.get(row["questionnaire_version_id"], []), row)
        elif row["revoked_at"] is not None:
            states["cancelled"] += 1
        elif row["expires_at"] <= now:
            states["expired"] += 1
        else:
            states["waiting"] += 1
    total = len(rows)
    return {
        "counted_by": "the day the invitation was sent",
        "invited": total,
        "answered": states["answered"],
        "response_rate": percent(states["answered"], total),
        "small_base": is_small(total),
        "waiting": states["waiting"],
        "expired": states["expired"],
        "cancelled": states["cancelled"],
        "contact_me": sum(1 for row in rows if row["answered_at"] is not None and row["response__contact_me"]),
        "questionnaires": [
            _questionnaire_json(name, questionnaires[name], invited[name], answered[name])
            for name in sorted(questionnaires)
        ],
        "quotes": [{"id": quote["pk"], "question": quote["question"], "text": quote["text"]} for quote in quotes],
    }


def _fixed_questions() -> dict[tuple[str, str], _Question]:
    """The two questions every questionnaire asks, as fields of the response (family/defaults.py)."""
    return {
        (ANYTHING_ELSE, QuestionKind.FREE_TEXT): _Question(ANYTHING_ELSE, QuestionKind.FREE_TEXT),
        (CONTACT_ME, QuestionKind.CHOICE): _Question(CONTACT_ME, QuestionKind.CHOICE, [CONTACT_YES, CONTACT_NO]),
    }


def _count_answers(merged: dict[tuple[str, str], _Question], version_questions: list[Any], row: Any) -> None:
    answers = row["response__answers"] or {}
    for question in version_questions:
        counted = merged[(question["text"], question["kind"])]
        counted.asked += 1
        answer = (answers.get(str(question["pk"])) or "").strip()
        if answer:
            counted.counts[answer if question["kind"] == QuestionKind.CHOICE else "written"] += 1
    for key, fixed in _fixed_questions().items():
        merged.setdefault(key, fixed)
    anything_else = merged[(ANYTHING_ELSE, QuestionKind.FREE_TEXT)]
    anything_else.asked += 1
    if (row["response__anything_else"] or "").strip():
        anything_else.counts["written"] += 1
    contact = merged[(CONTACT_ME, QuestionKind.CHOICE)]
    contact.asked += 1
    contact.counts[CONTACT_YES if row["response__contact_me"] else CONTACT_NO] += 1


def _questionnaire_json(name: str, merged: dict[tuple[str, str], _Question], invited: int, answered: int) -> dict:
    fixed = _fixed_questions()
    # The two questions every questionnaire asks come last, as on the family's page.
    ordered = [question for key, question in merged.items() if key not in fixed]
    ordered += [merged.get(key, question) for key, question in fixed.items()]
    return {
        "name": name,
        "invited": invited,
        "answered": answered,
        "response_rate": percent(answered, invited),
        "small_base": is_small(invited),
        "questions": [question.as_json() for question in ordered],
    }


def written_answers(response: Response, questions: list[Question]) -> list[tuple[str, str, str]]:
    """A response's written answers as (source, question, words): its free-text questions', then "anything else"."""
    found = []
    for question in questions:
        words = (response.answers.get(str(question.pk)) or "").strip()
        if question.kind == QuestionKind.FREE_TEXT and words:
            found.append((str(question.pk), question.text, words))
    if response.anything_else.strip():
        found.append((ANYTHING_ELSE_SOURCE, ANYTHING_ELSE, response.anything_else.strip()))
    return found
