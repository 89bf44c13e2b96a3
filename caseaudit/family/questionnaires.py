"""QA administrators change a questionnaire's questions (issue 31, point 1). A change is a new version: every
invitation keeps the version it was sent with, so what a family was asked is never rewritten, and the reports
match questions across versions by their wording (reporting/feedback.py).

The questions are edited as lines, as the audit tool's are (audits:tool_revise), so the page needs no
JavaScript: one question per line; a question answered by choosing lists its answers after it, each after a
"|"; a line starting "[text]" is answered in their own words. "Anything else" and "contact me" are asked by
every questionnaire and are not lines here (defaults.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from .errors import FamilyRuleError
from .models import Question, QuestionKind, Questionnaire, QuestionnaireVersion

FREE_TEXT_MARK = "[text]"
MAX_QUESTIONS = 20
TEXT_LIMIT = Question._meta.get_field("text").max_length


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str
    choices: tuple[str, ...] = ()


class QuestionnaireChanged(FamilyRuleError):
    """Someone published a new version since the page was built; nothing was saved."""


def questions_as_lines(version: QuestionnaireVersion) -> str:
    lines = []
    for question in version.questions.all():
        if question.kind == QuestionKind.FREE_TEXT:
            lines.append(f"{FREE_TEXT_MARK} {question.text}")
        else:
            lines.append(" | ".join([question.text, *question.choices]))
    return "\n".join(lines)


def questions_from_lines(text: str) -> list[QuestionSpec]:
    """Each line a question; every mistake refused with its line number, so nothing is saved half right."""
    specs: list[QuestionSpec] = []
    lines = [line.strip() for line in text.splitlines()]
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        if line.startswith(FREE_TEXT_MARK):
            spec = QuestionSpec(line.removeprefix(FREE_TEXT_MARK).strip(), QuestionKind.FREE_TEXT)
        else:
            text, *choices = (part.strip() for part in line.split("|"))
            spec = QuestionSpec(text, QuestionKind.CHOICE, tuple(c for c in choices if c))
            if len(spec.choices) < 2:
                raise FamilyRuleError(
                    f"Line {n}: give at least two answers to choose from, each after a |, or start the line with "
                    f"{FREE_TEXT_MARK} for an answer in their own words",
                    field="questions",
                )
            if len({c.lower() for c in spec.choices}) != len(spec.choices):
                raise FamilyRuleError(f"Line {n}: the same answer is there twice", field="questions")
        if not spec.text:
            raise FamilyRuleError(f"Line {n}: write the question", field="questions")
        if len(spec.text) > TEXT_LIMIT:
            raise FamilyRuleError(f"Line {n}: a question must be {TEXT_LIMIT} characters or fewer", field="questions")
        specs.append(spec)
    if not specs:
        raise FamilyRuleError("Write at least one question", field="questions")
    if len(specs) > MAX_QUESTIONS:
        raise FamilyRuleError(f"Ask {MAX_QUESTIONS} questions at most: families answer on a phone", field="questions")
    if len({s.text.lower() for s in specs}) != len(specs):
        raise FamilyRuleError("The same question is there twice", field="questions")
    return specs


def questionnaire_publish(
    *, questionnaire_id: int, questions: list[QuestionSpec], based_on: int, by: Person
) -> QuestionnaireVersion:
    """Publish `questions` as the questionnaire's next version, if the version the page showed (`based_on`) is still
    the current one; invitations from now on are sent with it. No change publishes nothing."""
    if not by.has_role(Role.QA_ADMIN):
        raise FamilyRuleError("Only a QA administrator can change the questions")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
        current = questionnaire.current_version
        if current is None or current.number != based_on:
            raise QuestionnaireChanged(
                "Someone else changed these questions while you were editing. Your version is below: check theirs "
                "(now the current questions), then save again if yours should replace them"
            )
        if [QuestionSpec(q.text, q.kind, tuple(q.choices)) for q in current.questions.all()] == questions:
            return current
        number = questionnaire.versions.order_by("-number").values_list("number", flat=True)[0] + 1
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=number, published=True)
        for position, spec in enumerate(questions, start=1):  # one by one, so the change history has each
            Question.objects.create(
                version=version, position=position, text=spec.text, kind=spec.kind, choices=list(spec.choices)
            )
    return version
