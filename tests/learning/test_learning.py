"""The learning log and the recommendations tracker."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caseaudit.learning.models import FollowUp, LearningEntry, Recommendation, RecommendationSource
from caseaudit.learning.selectors import source_results
from caseaudit.learning.services import LearningRuleError, follow_up_record, recommendations_due
from caseaudit.messaging.models import SentMessage

D = datetime.date


@pytest.fixture
def source(council):
    return RecommendationSource.objects.create(
        kind="internal_audit", title="Response to QA audits", reported_on=D(2026, 1, 5)
    )


DUE = D(2026, 3, 31)


def recommendation(source, council, text="Extend the process to IROs", due=DUE, owner="service_manager"):
    return Recommendation.objects.create(
        source=source, text=text, agreed_action=text, owner=council[owner], raised_on=source.reported_on, due_on=due
    )


def entry_data(**overrides):
    return {
        "kind": "briefing",
        "title": "Learning from audits",
        "happened_on": "2026-03-02",
        "audience": "All staff",
        "summary": "What we found about plans",
        "practice_areas": ["Quality of Plans"],
        "other_themes": "Complaints",
        "prompted_by": "Quality of Plans: 38% Requires Improvement in Q3",
        **overrides,
    }


def test_a_qa_lead_records_a_briefing_linked_to_a_practice_areas_figures(client, council):
    client.force_login(council["qa_admin"])
    response = client.post("/learning/new", entry_data())
    entry = LearningEntry.objects.get()
    assert response["Location"] == f"/learning/{entry.pk}/"
    assert entry.themes == ["Quality of Plans", "Complaints"] and entry.prompted_by.startswith("Quality of Plans: 38%")


def test_the_form_prefills_from_a_practice_areas_findings(client, council):
    client.force_login(council["qa_admin"])
    body = client.get(
        "/learning/new", {"area": "Voice of the Child", "findings": "Voice of the Child: 20% Inadequate"}
    ).content.decode()
    assert 'value="Voice of the Child" checked' in body and "Voice of the Child: 20% Inadequate" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.exe", b"MZ\x90\x00", "must be a PDF, Word document, Excel spreadsheet or image"),
        ("report.pdf", b"<html>not a pdf</html>", "is not a real PDF file"),
        ("scan.png", b"%PDF-1.7", "is not a real PNG file"),
    ],
)
def test_attachments_that_are_not_documents_or_images_are_refused(client, council, name, content, message):
    client.force_login(council["qa_admin"])
    upload = SimpleUploadedFile(name, content)
    body = client.post("/learning/new", {**entry_data(), "attachment": upload}).content.decode()
    assert "There is a problem" in body and message in body
    assert 'value="Learning from audits"' in body  # what was typed is kept
    assert not LearningEntry.objects.exists()


def test_an_attachment_over_20_mb_is_refused(client, council):
    client.force_login(council["qa_admin"])
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    body = client.post("/learning/new", {**entry_data(), "attachment": upload}).content.decode()
    assert "must be smaller than 20 MB" in body


def test_a_real_pdf_is_accepted(client, council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(council["qa_admin"])
    client.post("/learning/new", {**entry_data(), "attachment": SimpleUploadedFile("briefing.pdf", b"%PDF-1.7\n...")})
    assert LearningEntry.objects.get().attachment.name.endswith(".pdf")


def test_learning_pages_never_name_a_worker(client, council):
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure

    audit = audit_open(
        child=council.children["own"],
        auditor=council["auditor"],
        tool_version=standard_tools_ensure()[0].current_version,
        due_on=None,
    )
    entry = LearningEntry.objects.create(
        kind="briefing", title="Plans", happened_on=D(2026, 3, 2), summary="x", created_by=council["qa_admin"]
    )
    entry.audits.add(audit)
    client.force_login(council["colleague"])
    for url in ("/learning/", f"/learning/{entry.pk}/"):
        body = client.get(url).content.decode()
        for name in ("Social Worker", "Auditor", "Olivia Own", council.children["own"].case_id):
            assert name not in body.replace("Signed in as Colleague", ""), (url, name)


def test_a_follow_up_needs_evidence_and_keeps_the_history(source, council):
    rec = recommendation(source, council)
    with pytest.raises(LearningRuleError, match="evidence"):
        follow_up_record(
            recommendation_id=rec.pk,
            by=council["head_of_service"],
            status="partially",
            evidence=" ",
            reviewed_on=D(2026, 4, 1),
        )
    follow_up_record(
        recommendation_id=rec.pk,
        by=council["head_of_service"],
        status="partially",
        evidence="Draft guidance seen",
        reviewed_on=D(2026, 4, 1),
    )
    follow_up_record(
        recommendation_id=rec.pk,
        by=council["head_of_service"],
        status="fully",
        evidence="Guidance published and used",
        reviewed_on=D(2026, 7, 1),
    )
    rec.refresh_from_db()
    assert rec.status == "fully"
    assert list(FollowUp.objects.filter(recommendation=rec).values_list("status", flat=True)) == ["partially", "fully"]


def test_a_due_date_before_the_recommendation_is_refused(client, council, source):
    client.force_login(council["qa_admin"])
    body = client.post(
        f"/learning/recommendations/sources/{source.pk}/new",
        {
            "text": "x",
            "agreed_action": "y",
            "owner": council["service_manager"].pk,
            "raised_on": "2026-01-05",
            "due_on": "2025-12-31",
        },
    ).content.decode()
    assert "The due date must be on or after the date the recommendation was agreed" in body
    assert not Recommendation.objects.exists()


def test_the_follow_up_table_counts_recommendations_by_status(source, council):
    statuses = ["fully"] * 2 + ["substantially"] + ["partially"] * 4 + ["not_implemented"] * 4
    for n, status in enumerate(statuses):
        rec = recommendation(source, council, text=f"Action {n}")
        follow_up_record(
            recommendation_id=rec.pk, by=council["qa_admin"], status=status, evidence="Seen", reviewed_on=D(2026, 6, 1)
        )
    results = source_results(source)
    assert results["counts"] == {
        "Fully implemented": 2,
        "Substantially implemented": 1,
        "Partially implemented": 4,
        "Not implemented": 4,
    }


def test_a_head_of_service_records_a_follow_up_through_the_page(client, council, source):
    rec = recommendation(source, council)
    client.force_login(council["head_of_service"])
    body = client.post(
        f"/learning/recommendations/{rec.pk}/follow-up",
        {"status": "partially", "evidence": "", "reviewed_on": "2026-04-01"},
    ).content.decode()
    assert "Describe the evidence seen at this follow-up" in body
    client.post(
        f"/learning/recommendations/{rec.pk}/follow-up",
        {"status": "partially", "evidence": "Draft seen", "reviewed_on": "2026-04-01"},
    )
    page = client.get(f"/learning/recommendations/sources/{source.pk}/").content.decode()
    assert "Partially implemented" in page
    assert client.get(f"/learning/recommendations/{rec.pk}/follow-up").status_code == 200
    client.force_login(council["service_manager"])
    assert client.get(f"/learning/recommendations/{rec.pk}/follow-up").status_code == 404


def test_overdue_recommendations_are_reminded_and_escalated_once(source, council):
    rec = recommendation(source, council, due=D(2026, 3, 31))
    assert recommendations_due(today=D(2026, 3, 30)).reminders == 1
    run = recommendations_due(today=D(2026, 4, 2))
    assert run.escalations == 1
    assert SentMessage.objects.get(reason__startswith="Escalation level 1").recipient == council["head_of_service"]
    assert recommendations_due(today=D(2026, 4, 2)).escalations == 0
    follow_up_record(
        recommendation_id=rec.pk, by=council["qa_admin"], status="fully", evidence="Done", reviewed_on=D(2026, 4, 3)
    )
    assert recommendations_due(today=D(2026, 5, 1)).escalations == 0


def test_the_period_report_lists_learning_and_recommendation_statuses(council, source):
    from caseaudit.reporting.periods import quarter
    from caseaudit.reporting.report import build_report

    LearningEntry.objects.create(
        kind="training", title="SMART plans", happened_on=D(2026, 5, 2), summary="x", created_by=council["qa_admin"]
    )
    LearningEntry.objects.create(
        kind="briefing", title="Too early", happened_on=D(2026, 3, 2), summary="x", created_by=council["qa_admin"]
    )
    rec = recommendation(source, council)
    follow_up_record(
        recommendation_id=rec.pk, by=council["qa_admin"], status="partially", evidence="x", reviewed_on=D(2026, 5, 1)
    )
    report = build_report(quarter(D(2026, 5, 15)))
    assert report["learning"]["total"] == 1 and report["learning"]["entries"][0]["title"] == "SMART plans"
    assert report["recommendations"][0]["counts"]["Partially implemented"] == 1


def test_the_report_offers_to_turn_a_practice_areas_figures_into_learning(client, council):
    from ..reporting.test_figures import done_audit

    done_audit(council.team_a, "inadequate", D(2026, 5, 5), section_grades=["inadequate"])
    client.force_login(council["qa_admin"])
    body = client.get("/reports/", {"kind": "quarter", "day": "2026-05-15"}).content.decode()
    assert "Voice of the Child, Q1 2026/27" in body and "100.0% Requires Improvement or Inadequate" in body
    assert "/learning/new?area=Voice+of+the+Child&amp;findings=" in body


def test_a_follow_up_cannot_be_dated_in_the_future_or_before_the_recommendation(source, council):
    rec = recommendation(source, council)
    with pytest.raises(LearningRuleError, match="future"):
        follow_up_record(
            recommendation_id=rec.pk, by=council["qa_admin"], status="fully", evidence="x", reviewed_on=D(2099, 1, 1)
        )
    with pytest.raises(LearningRuleError, match="before the recommendation was agreed"):
        follow_up_record(
            recommendation_id=rec.pk, by=council["qa_admin"], status="fully", evidence="x", reviewed_on=D(2025, 12, 1)
        )


def test_the_document_can_be_downloaded_from_its_entry(client, council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(council["qa_admin"])
    client.post("/learning/new", {**entry_data(), "attachment": SimpleUploadedFile("briefing.pdf", b"%PDF-1.7 body")})
    entry = LearningEntry.objects.get()
    client.force_login(council["colleague"])
    assert f"/learning/{entry.pk}/document" in client.get(f"/learning/{entry.pk}/").content.decode()
    response = client.get(f"/learning/{entry.pk}/document")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 body"
