"""QA administrators change the questions families are asked (issue 31, point 1): a new version each time, sent
invitations keep theirs, two editors never overwrite each other, every mistake refused with its line."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseaudit.family.errors import FamilyRuleError
from caseaudit.family.models import QuestionKind, Questionnaire
from caseaudit.family.questionnaires import QuestionSpec, questions_as_lines, questions_from_lines
from caseaudit.family.services import invitation_create, questionnaires_ensure


@pytest.fixture
def parents(db):
    questionnaires_ensure()
    return Questionnaire.objects.get(audience="parent_carer", builtin=True)


def test_lines_read_back_as_the_questions_they_were_written_from(parents):
    version = parents.current_version
    specs = questions_from_lines(questions_as_lines(version))
    assert specs == [QuestionSpec(q.text, q.kind, tuple(q.choices)) for q in version.questions.all()]
    assert questions_from_lines("Was it clear? | Yes | No\n\n[text]  Anything to add? ") == [
        QuestionSpec("Was it clear?", QuestionKind.CHOICE, ("Yes", "No")),
        QuestionSpec("Anything to add?", QuestionKind.FREE_TEXT),
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("Was it clear? | Yes", "Line 1: give at least two answers"),
        ("[text] Fine\nWas it clear? | Yes | yes", "Line 2: the same answer is there twice"),
        ("[text]   ", "Line 1: write the question"),
        ("", "Write at least one question"),
        ("[text] Same?\n[text] same?", "The same question is there twice"),
        ("[text] " + "x" * 301, "Line 1: a question must be 300 characters or fewer"),
        ("\n".join(f"[text] Question {n}" for n in range(21)), "20 questions at most"),
    ],
)
def test_every_mistake_is_refused_with_its_line(lines, message):
    with pytest.raises(FamilyRuleError, match=message):
        questions_from_lines(lines)


def test_a_change_is_a_new_version_and_sent_invitations_keep_theirs(client, council, parents):
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure

    audit = audit_open(
        child=council.children["own"], auditor=council["auditor"],
        tool_version=standard_tools_ensure()[0].current_version, due_on=None,
    )  # fmt: skip
    sent, _ = invitation_create(
        audit=audit, by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    first = parents.current_version
    client.force_login(council["qa_admin"])
    url = reverse("family:questionnaire_edit", args=[parents.pk])
    page = client.get(url).content.decode()
    assert "Did your social worker listen to you? | Yes | Sometimes | No | I do not know" in page
    new_lines = "Did we explain things clearly? | Yes | Partly | No\n[text] What should we change?"
    answer = client.post(url, {"questions": new_lines, "based_on": first.number})
    assert answer.status_code == 302
    parents.refresh_from_db()
    second = parents.current_version
    assert second.number == first.number + 1
    assert [q.text for q in second.questions.all()] == ["Did we explain things clearly?", "What should we change?"]
    sent.refresh_from_db()
    assert sent.questionnaire_version == first  # what the family was sent is not rewritten
    later, _ = invitation_create(
        audit=audit, by=council["auditor"], recipient_name="Sam", relationship="Father", channel="letter"
    )
    assert later.questionnaire_version == second
    # Saving the same questions again publishes nothing.
    client.post(url, {"questions": new_lines, "based_on": second.number})
    assert parents.versions.count() == 2


def test_a_save_after_someone_elses_is_refused_with_what_was_typed_kept(client, council, parents):
    client.force_login(council["qa_admin"])
    url = reverse("family:questionnaire_edit", args=[parents.pk])
    built_from = parents.current_version.number
    client.post(url, {"questions": "[text] Theirs?", "based_on": built_from})
    page = client.post(url, {"questions": "[text] Mine?", "based_on": built_from}).content.decode()
    assert "Someone else changed these questions while you were editing" in page and "Mine?" in page
    assert [q.text for q in parents.current_version.questions.all()] == ["Theirs?"]


def test_a_bad_line_is_shown_in_the_error_summary_and_nothing_is_saved(client, council, parents):
    client.force_login(council["qa_admin"])
    url = reverse("family:questionnaire_edit", args=[parents.pk])
    page = client.post(url, {"questions": "Clear? | Yes", "based_on": parents.current_version.number})
    body = page.content.decode()
    assert "There is a problem" in body and "Line 1: give at least two answers" in body and "Clear? | Yes" in body
    assert parents.versions.count() == 1


def test_only_qa_administrators_reach_the_questionnaires(client, council, parents):
    for role in ("auditor", "director", "team_manager", "moderator"):
        client.force_login(council[role])
        assert client.get(reverse("family:questionnaires")).status_code == 404
        assert client.get(reverse("family:questionnaire_edit", args=[parents.pk])).status_code == 404
    client.force_login(council["qa_admin"])
    assert "Parents and carers" in client.get(reverse("family:questionnaires")).content.decode()
