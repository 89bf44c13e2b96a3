"""Family feedback in the reports (issue 31, point 5): every figure recomputed from records built for the purpose,
in the JSON (through the `report` command), the page, the PDF, Excel and CSV; quotes picked by the QA team only,
names removed; a report with no invitations says so."""

from __future__ import annotations

import datetime
import io
import json
import secrets
import subprocess
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from caseaudit.family.defaults import ANYTHING_ELSE, CONTACT_ME
from caseaudit.family.models import Invitation, Question, Questionnaire, Response, token_hash
from caseaudit.family.services import questionnaires_ensure
from caseaudit.reporting.feedback import CONTACT_NO, CONTACT_YES
from caseaudit.reporting.figures import percent
from caseaudit.reporting.models import FamilyQuote
from caseaudit.reporting.quotes import CHILD, FAMILY_MEMBER, QuoteError, names_removed, quote_pick

from .test_figures import done_audit

D = datetime.date
UTC = datetime.UTC
Q1 = {"kind": "quarter", "day": "2026-05-15"}  # April to June 2026 (British Summer Time throughout)
Q1_START, Q1_END = D(2026, 4, 1), D(2026, 6, 30)


def invite(audit, *, sent: datetime.datetime, audience="parent_carer", name="Jo Bloggs", state="open", **answer):
    """An invitation sent at `sent`, in the state asked for: open, expired, revoked, or answered (with `answer`)."""
    questionnaire = Questionnaire.objects.get(audience=audience, builtin=True)
    now = timezone.now()
    invitation = Invitation.objects.create(
        audit=audit,
        questionnaire_version=questionnaire.current_version,
        recipient_name=name,
        relationship="Mother",
        channel="letter",
        token_hash=token_hash(secrets.token_urlsafe(16)),
        created_by=audit.auditor or audit.team.manager,
        expires_at=now + datetime.timedelta(days=10) if state == "open" else sent + datetime.timedelta(days=21),
    )
    fields = {"created_at": sent}
    if state == "revoked":
        fields["revoked_at"] = sent + datetime.timedelta(days=1)
    if state == "answered":
        questions = {q.text: q.pk for q in questionnaire.current_version.questions.all()}
        Response.objects.create(
            invitation=invitation,
            answers={str(questions[text]): value for text, value in answer.get("answers", {}).items()},
            anything_else=answer.get("anything_else", ""),
            contact_me=answer.get("contact_me", False),
        )
        fields["answered_at"] = sent + datetime.timedelta(days=2)
    Invitation.objects.filter(pk=invitation.pk).update(**fields)
    invitation.refresh_from_db()
    return invitation


def at(day: datetime.date, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def feedback(council):
    """Invitations in Q1 for North (team A) and South (team C) in every state, and some just outside it."""
    questionnaires_ensure()
    north = done_audit(council.team_a, "good", D(2026, 4, 10))
    north.child.name, north.child.case_id = "Olivia Own", "CASE-1001"
    north.child.save()
    other_north = done_audit(council.team_a, "requires_improvement", D(2026, 5, 3))
    south = done_audit(council.team_c, "good", D(2026, 5, 20))
    made = {
        "praise": invite(
            north,
            sent=at(D(2026, 4, 12)),
            state="answered",
            answers={
                "Did your social worker listen to you?": "Yes",
                "Did you understand why we were working with your family?": "Partly",
                "Has our help made things better for your family?": "Better",
                "What went well?": "Olivia Own is happier. jo bloggs and Olivia both said so, case CASE-1001.",
            },
            anything_else="Thank you Sam.",
            contact_me=True,
        ),
        "unhappy": invite(
            other_north,
            sent=at(D(2026, 5, 4)),
            name="Pat Smith",
            state="answered",
            answers={
                "Did your social worker listen to you?": "No",
                "Has our help made things better for your family?": "Worse",
            },
        ),
        "young": invite(
            north,
            sent=at(D(2026, 6, 1)),
            audience="young_person",
            name="Olivia Own",
            state="answered",
            answers={"Did your social worker listen to you?": "Sometimes", "What was good?": "My worker came on time."},
        ),
        "waiting": invite(north, sent=at(D(2026, 6, 20))),
        "expired": invite(other_north, sent=at(D(2026, 4, 20)), state="expired"),
        "cancelled": invite(other_north, sent=at(D(2026, 5, 10)), state="revoked"),
        # 1 April 00:30 in London (BST) is 31 March 23:30 UTC: in Q1.
        "first_minute": invite(north, sent=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC), state="expired"),
        # 1 July 00:30 in London is 30 June 23:30 UTC: after Q1.
        "after": invite(
            north,
            sent=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
            state="answered",
            answers={"Did your social worker listen to you?": "Yes"},
        ),  # fmt: skip
        "before": invite(south, sent=at(D(2026, 3, 20)), state="answered", answers={}),
        "south_answered": invite(
            south, sent=at(D(2026, 5, 21)), state="answered", answers={"Were you treated with respect?": "Yes"}
        ),
        "south_expired": invite(south, sent=at(D(2026, 5, 22)), state="expired"),
    }
    return made


def recompute(start: datetime.date, end: datetime.date, area=None) -> dict:
    """The figures straight from the records, one invitation at a time, with the models' own rules."""
    now = timezone.now()
    counted = [
        invitation
        for invitation in Invitation.objects.select_related("audit__team", "questionnaire_version__questionnaire")
        if start <= timezone.localdate(invitation.created_at) <= end
        and (area is None or invitation.audit.team.service_area_id == area.pk)
    ]
    states = Counter(invitation.state(now) for invitation in counted)
    questionnaires: dict[str, dict] = {}
    for invitation in counted:
        name = invitation.questionnaire_version.questionnaire.name
        entry = questionnaires.setdefault(name, {"invited": 0, "answered": 0, "answers": {}})
        entry["invited"] += 1
        if invitation.answered_at is None:
            continue
        entry["answered"] += 1
        response = invitation.response
        for question in invitation.questionnaire_version.questions.all():
            value = response.answers.get(str(question.pk))
            entry["answers"].setdefault(question.text, Counter())[value or None] += 1
        entry["answers"].setdefault(ANYTHING_ELSE, Counter())[response.anything_else or None] += 1
        entry["answers"].setdefault(CONTACT_ME, Counter())[CONTACT_YES if response.contact_me else CONTACT_NO] += 1
    return {
        "invited": len(counted),
        "answered": states["answered"],
        "waiting": states["open"],
        "expired": states["expired"],
        "cancelled": states["revoked"],
        "contact_me": sum(1 for i in counted if i.answered_at and i.response.contact_me),
        "questionnaires": questionnaires,
    }


def assert_matches(figures: dict, expected: dict) -> None:
    for key in ("invited", "answered", "waiting", "expired", "cancelled", "contact_me"):
        assert figures[key] == expected[key], key
    assert figures["response_rate"] == percent(expected["answered"], expected["invited"])
    assert [q["name"] for q in figures["questionnaires"]] == sorted(expected["questionnaires"])
    for questionnaire in figures["questionnaires"]:
        want = expected["questionnaires"][questionnaire["name"]]
        assert (questionnaire["invited"], questionnaire["answered"]) == (want["invited"], want["answered"])
        for question in questionnaire["questions"]:
            counts = want["answers"].get(question["question"], Counter())
            answered = sum(n for value, n in counts.items() if value is not None)
            assert question["answered"] == answered, question["question"]
            assert question["no_answer"] == counts[None], question["question"]
            if question["kind"] == "choice":
                for option in question["options"]:
                    assert option["count"] == counts[option["answer"]], (question["question"], option)
                    assert option["percent"] == percent(counts[option["answer"]], answered)
                assert sum(option["count"] for option in question["options"]) == answered


def report_json(tmp_path, *args: str) -> dict:
    out = tmp_path / "report.json"
    call_command(
        "report", "--from", "2026-04-01", "--to", "2026-06-30", "--format", "json", "--output", str(out), *args
    )
    return json.loads(out.read_text())


def test_the_report_json_carries_family_feedback_recomputed_from_the_records(feedback, council, tmp_path):
    figures = report_json(tmp_path)["family_feedback"]
    assert_matches(figures, recompute(Q1_START, Q1_END))
    # The records as built: 9 sent in Q1 (the first minute of 1 April in London counts, 1 July's does not).
    assert (figures["invited"], figures["answered"], figures["response_rate"]) == (9, 4, 44.4)
    assert (figures["waiting"], figures["expired"], figures["cancelled"], figures["contact_me"]) == (1, 3, 1, 1)
    assert figures["small_base"] is True  # fewer than 10 invitations
    parents = figures["questionnaires"][0]
    assert parents["name"] == "Parents and carers" and (parents["invited"], parents["answered"]) == (8, 3)
    listened = parents["questions"][0]
    assert listened["question"] == "Did your social worker listen to you?"
    assert [(o["answer"], o["count"], o["percent"]) for o in listened["options"]] == [
        ("Yes", 1, 50.0), ("Sometimes", 0, 0.0), ("No", 1, 50.0), ("I do not know", 0, 0.0),
    ]  # fmt: skip
    assert (listened["answered"], listened["no_answer"]) == (2, 1)
    assert [q["question"] for q in parents["questions"]][-2:] == [ANYTHING_ELSE, CONTACT_ME]
    went_well = next(q for q in parents["questions"] if q["question"] == "What went well?")
    assert went_well["kind"] == "free_text" and (went_well["answered"], went_well["no_answer"]) == (1, 2)


def test_a_service_area_counts_only_its_teams_invitations(feedback, council, tmp_path):
    south = council.team_c.service_area
    figures = report_json(tmp_path, "--service-area", south.name)["family_feedback"]
    assert_matches(figures, recompute(Q1_START, Q1_END, south))
    assert (figures["invited"], figures["answered"], figures["expired"]) == (2, 1, 1)
    north = council.team_a.service_area
    assert_matches(
        report_json(tmp_path, "--service-area", north.name)["family_feedback"], recompute(Q1_START, Q1_END, north)
    )


def test_other_periods_count_their_own_invitations(feedback):
    from caseaudit.reporting.periods import custom
    from caseaudit.reporting.report import build_report

    for start, end in [
        (D(2026, 3, 1), D(2026, 3, 31)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 5, 1), D(2026, 5, 31)),
    ]:
        figures = build_report(custom(start, end))["family_feedback"]
        assert_matches(figures, recompute(start, end))
    march = build_report(custom(D(2026, 3, 1), D(2026, 3, 31)))["family_feedback"]
    assert (march["invited"], march["answered"]) == (1, 1)  # 31 March 23:30 UTC is already April in London


def test_the_page_pdf_excel_and_csv_show_the_figures(client, council, feedback):
    client.force_login(council["director"])
    response = client.get("/reports/", Q1)
    body = response.content.decode()
    assert 'id="family-feedback"' in body and "counted in the period they were sent in" in body
    assert (
        '<dt class="govuk-summary-list__key">Invitations sent</dt><dd class="govuk-summary-list__value">9</dd>' in body
    )
    assert '<dd class="govuk-summary-list__value">44.4% (too few to read a rate from)</dd>' in body
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Did your social worker listen to you?</caption>'
        in body
    )
    assert "Read the families" not in body  # the director does not pick quotes

    workbook = load_workbook(io.BytesIO(client.get("/reports/", {**Q1, "format": "xlsx"}).content))
    summary = {row[0].value: row[1].value for row in workbook["Family feedback"].iter_rows(min_row=2)}
    assert summary["Invitations sent"] == 9 and summary["Answered"] == 4 and summary["% Response rate"] == 44.4
    answers = {
        row[0].value: (row[1].value, row[2].value) for row in workbook["Family feedback answers"].iter_rows(min_row=2)
    }
    assert answers["Parents and carers: Did your social worker listen to you? – No"] == (1, 50.0)
    assert answers["Young people (11 and over): What was good? – written answers"] == (1, None)

    csv = client.get("/reports/", {**Q1, "format": "csv"}).content.decode("utf-8-sig")
    assert "Family feedback,Measure,Invitations sent,Value,9" in csv
    assert "Family feedback,Measure,Answered,Value,4" in csv
    assert (
        "Family feedback answers,Question and answer,Parents and carers: Did your social worker listen to you? – Yes,People,1"
        in csv
    )

    pdf = client.get("/reports/", {**Q1, "format": "pdf"}).content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Family feedback (in their own words)" in text
    assert " ".join(text.split()).count("Invitations sent 9") == 1 and "44.4" in text


def test_a_report_with_no_invitations_says_so_plainly(client, council, tmp_path):
    questionnaires_ensure()
    figures = report_json(tmp_path)["family_feedback"]
    assert (figures["invited"], figures["answered"], figures["response_rate"], figures["questionnaires"]) == (
        0,
        0,
        None,
        [],
    )
    client.force_login(council["qa_admin"])
    body = client.get("/reports/", Q1).content.decode()
    assert "No families were invited to give feedback in this period." in body
    pdf = client.get("/reports/", {**Q1, "format": "pdf"}).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "No families were invited to give feedback in this period" in " ".join(text.split())
    csv = client.get("/reports/", {**Q1, "format": "csv"}).content.decode("utf-8-sig")
    assert "Family feedback,Measure,Note,Value,No families were invited to give feedback in this period" in csv


def test_names_are_removed_longest_first_whatever_their_case():
    text = "Olivia Own's mum Jo BLOGGS said olivia was fine (case CASE-1001). Jo\nBloggs agreed."
    cleaned = names_removed(
        text, child_names=["Olivia Own"], case_numbers=["CASE-1001"], family_names=["Mrs Jo Bloggs"]
    )
    assert cleaned == (
        f"{CHILD}'s mum {FAMILY_MEMBER} said {CHILD} was fine (case [case number]). {FAMILY_MEMBER} agreed."
    )
    assert names_removed("Joanne is not Jo", family_names=["Jo"]) == f"Joanne is not {FAMILY_MEMBER}"
    assert names_removed("Mrs Smith", family_names=["Mrs Smith"]) == FAMILY_MEMBER  # the title goes with the name
    assert names_removed("Mrs Brown", family_names=["Mrs Smith"]) == "Mrs Brown"  # a title alone is not a name


def test_the_qa_team_picks_a_quote_with_names_removed_and_it_appears_in_the_report(client, council, feedback):
    praise = feedback["praise"]
    client.force_login(council["qa_admin"])
    page = client.get("/reports/family-feedback/answers", Q1).content.decode()
    assert "Olivia" not in page and "Bloggs" not in page and "CASE-1001" not in page
    assert f"{CHILD} is happier" in page.replace("&#x27;", "'")
    question = Question.objects.get(version=praise.questionnaire_version, text="What went well?")
    url = f"/reports/family-feedback/answers/{praise.response.pk}/quote"
    # The name typed back in by hand is removed too; a shortened answer with a gap is the family's words.
    response = client.post(
        url,
        {
            "source": question.pk,
            "text": "Olivia Own is happier. ... both said so",
            "back": "kind=quarter&day=2026-05-15&next=//evil.example",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/reports/family-feedback/answers?kind=quarter&day=2026-05-15"
    quote = FamilyQuote.objects.get()
    assert quote.text == f"{CHILD} is happier. ... both said so" and quote.question == "What went well?"
    assert quote.picked_by == council["qa_admin"]
    report = client.get("/reports/", Q1)
    assert report.context["report"]["family_feedback"]["quotes"] == [
        {"id": quote.pk, "question": "What went well?", "text": quote.text}
    ]
    assert "is happier. ... both said so”" in report.content.decode().replace("&#x27;", "'")
    # Not in another period's report.
    assert (
        client.get("/reports/", {"kind": "quarter", "day": "2026-08-01"}).context["report"]["family_feedback"]["quotes"]
        == []
    )
    # Removed again by the QA team.
    assert (
        client.post(f"/reports/family-feedback/quotes/{quote.pk}/remove", {"back": "kind=quarter"}).status_code == 302
    )
    assert not FamilyQuote.objects.exists()


def test_a_quote_must_be_the_familys_own_words_with_an_error_summary(client, council, feedback):
    praise = feedback["praise"]
    client.force_login(council["qa_admin"])
    url = f"/reports/family-feedback/answers/{praise.response.pk}/quote"
    body = client.post(url, {"source": "anything_else", "text": "Thank you Sam, you are the best."}).content.decode()
    assert "There is a problem" in body and "The quote must be the family&#x27;s own words" in body
    assert 'href="#id_text"' in body
    body = client.post(url, {"source": "anything_else", "text": ""}).content.decode()
    assert "Enter the words to quote" in body
    assert not FamilyQuote.objects.exists()
    # A choice answer, or an answer that is not there, cannot be quoted: 404, as for any missing record.
    listened = Question.objects.get(version=praise.questionnaire_version, text="Did your social worker listen to you?")
    assert client.post(url, {"source": listened.pk, "text": "Yes"}).status_code == 404
    assert (
        client.post(
            "/reports/family-feedback/answers/999999/quote", {"source": "anything_else", "text": "x"}
        ).status_code
        == 404
    )


def test_two_qa_administrators_picking_one_answer_make_one_quote(client, council, feedback):
    from tests.factories import PersonFactory

    second = PersonFactory(email="qa2@council.example")
    second.role_assignments.create(role="qa_admin")
    response = feedback["praise"].response
    quote_pick(response_id=response.pk, source="anything_else", text="Thank you Sam.", by=council["qa_admin"])
    with pytest.raises(QuoteError, match="already picked"):
        quote_pick(response_id=response.pk, source="anything_else", text="Thank you", by=second)
    assert FamilyQuote.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it, whatever the code does
        FamilyQuote.objects.create(response=response, source="anything_else", question="q", text="t", picked_by=second)
    client.force_login(second)
    body = client.post(
        f"/reports/family-feedback/answers/{response.pk}/quote", {"source": "anything_else", "text": "Thank you"}
    ).content.decode()
    assert "Someone else has already picked this answer as a quote" in body


@pytest.mark.parametrize(
    "who", ["director", "head_of_service", "service_manager", "team_manager", "auditor", "outsider"]
)
def test_only_the_qa_team_reads_the_answers_and_picks_quotes(client, council, feedback, who):
    response = feedback["praise"].response
    quote = quote_pick(response_id=response.pk, source="anything_else", text="Thank you", by=council["qa_admin"])
    client.force_login(council[who])
    assert client.get("/reports/family-feedback/answers", Q1).status_code == 404
    url = f"/reports/family-feedback/answers/{response.pk}/quote"
    assert client.post(url, {"source": "anything_else", "text": "Thank you"}).status_code == 404
    assert client.post(f"/reports/family-feedback/quotes/{quote.pk}/remove").status_code == 404
    assert FamilyQuote.objects.count() == 1
    with pytest.raises(QuoteError):
        quote_pick(response_id=response.pk, source="anything_else", text="Thank you", by=council[who])


def test_the_api_report_carries_family_feedback(client, council, feedback):
    from caseaudit.api.services import token_create_personal

    _, secret = token_create_personal(person=council["director"], name="BI")
    response = client.get(
        "/api/v1/reports?date_from=2026-04-01&date_to=2026-06-30", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200, response.content
    assert_matches(response.json()["family_feedback"], recompute(Q1_START, Q1_END))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_no_quote_ever_keeps_a_name(feedback, council, text):
    """Whatever is typed, a kept quote holds none of the names, and anything refused is refused with a message."""
    response = feedback["praise"].response
    with transaction.atomic():
        try:
            quote = quote_pick(response_id=response.pk, source="anything_else", text=text, by=council["qa_admin"])
        except QuoteError as refused:
            assert refused.message
        else:
            for name in ("olivia", "bloggs", "case-1001"):
                assert name not in quote.text.lower()
        transaction.set_rollback(True)
