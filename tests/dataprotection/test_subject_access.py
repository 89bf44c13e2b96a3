"""Subject access export: everything about one child, QA administrators only, logged, redactable."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from caseaudit.trail.models import TrailEntry

from .conftest import STAFF_NAMES


def url(child) -> str:
    return f"/data-protection/children/{child.pk}/subject-access"


def export_json(client, child, redact: bool) -> dict:
    params = {"format": "json"} | ({"redact_staff": "on"} if redact else {})
    response = client.get(url(child), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def pdf_text(client, child, redact: bool, tmp_path) -> str:
    params = {"format": "pdf"} | ({"redact_staff": "on"} if redact else {})
    response = client.get(url(child), params)
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # names broken over lines read as one


def test_the_json_holds_every_record_about_the_child(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    data = export_json(client, child, redact=False)
    assert data["format"] == "caseaudit-subject-access" and data["format_version"] == 1
    assert data["child"]["name"] == "Olivia Own" and data["child"]["case_id"] == child.case_id
    assert data["child"]["date_of_birth"] == child.date_of_birth.isoformat()
    audit, reaudit = data["audits"]  # the plan schedules the re-audit at once
    assert reaudit["kind"] == "Re-audit" and reaudit["re_audit_of"] == audit["id"]
    assert audit["final_grade"] == "Inadequate" and audit["inadequate_critical"] is True
    assert audit["auditor"] == {"role": "Auditor", "name": "Desmond Okonkwo-Hale", "email": "auditor@council.example"}
    assert len(audit["section_judgements"]) == 7
    family = next(a for a in audit["activities"] if a["kind"] == "Family feedback")
    assert family["family_words"] == "Jasper is kind but we never see him"
    assert audit["acknowledgements"][0]["response"] == "Agreed with Horatio Blenkinsop to visit weekly"
    assert audit["critical_action"] == "Home visit the same day by Jasper Quillfeather"
    (plan,) = data["improvement_plans"]
    assert {s["stage"] for s in plan["stages"]} >= {"Notification", "Day-three meeting", "Re-audit"}
    assert plan["actions"][0]["description"] == "Update the child's plan"
    assert plan["events"]
    assert [e["title"] for e in data["learning_entries"]] == ["Visiting frequency"]
    assert [r["recommendation"] for r in data["recommendations"]] == [f"Learn from case {child.case_id}"]
    actions = {entry["action"] for entry in data["change_history"]}
    assert {"created", "changed", "read"} <= actions
    read = next(e for e in data["change_history"] if e["action"] == "read")
    assert read["by"]["name"] == "Jasper Quillfeather"
    # Dates and times are ISO 8601.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.*", read["at"])


def test_redacted_json_and_pdf_name_no_member_of_staff(client, case_history, tmp_path):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    data = export_json(client, child, redact=True)
    body = json.dumps(data, ensure_ascii=False)
    text = pdf_text(client, child, redact=True, tmp_path=tmp_path)
    for name in STAFF_NAMES.values():
        for part in [name, *name.split()]:
            assert part.lower() not in body.lower(), part
            assert part.lower() not in text.lower(), part
    assert "@council.example" not in body and "@council.example" not in text
    # Role and a stable pseudonym instead: the auditor is the same Worker wherever they appear.
    auditor = data["audits"][0]["auditor"]
    assert auditor["role"] == "Auditor" and re.fullmatch(r"Worker [A-Z]+", auditor["name"])
    activity = next(a for a in data["audits"][0]["activities"] if a["kind"] == "Family feedback")
    assert activity["carried_out_by"]["name"] == auditor["name"]
    assert data["audits"][0]["strengths"] == f"Olivia told {auditor['name']} she likes her school"
    assert data["staff_names_redacted"] is True and "Worker" in text
    # The child is still named: it is their data.
    assert "Olivia Own" in text and data["child"]["name"] == "Olivia Own"


def test_the_unredacted_pdf_reads_back_with_the_records(client, case_history, tmp_path):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    text = pdf_text(client, child, redact=False, tmp_path=tmp_path)
    for expected in (
        "Subject access export",
        child.case_id,
        "Olivia Own",
        "Desmond Okonkwo-Hale",
        "Jasper is kind but we never see him",
        "Day-three meeting",
        "Visiting frequency",
        f"Learn from case {child.case_id}",
        "Change history",
    ):
        assert expected in text, expected


def test_each_export_is_logged_as_a_read_saying_what_was_exported(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    export_json(client, child, redact=True)
    entry = TrailEntry.objects.order_by("-sequence").first()
    assert entry.action == TrailEntry.Action.ACCESS and entry.object_pk == str(child.pk)
    assert entry.actor == council["qa_admin"]
    assert entry.additional_data == {"subject_access_export": {"format": "json", "staff_names_redacted": True}}


def test_the_options_page_is_shown_first_and_an_unknown_format_is_an_error(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    before = TrailEntry.objects.count()
    page = client.get(url(child))
    assert page.status_code == 200 and "Download the export" in page.content.decode()
    bad = client.get(url(child), {"format": "docx"}).content.decode()
    assert "There is a problem" in bad
    assert TrailEntry.objects.count() == before  # nothing exported, nothing logged


@pytest.mark.parametrize("who", ["director", "head_of_service", "team_manager", "social_worker", "auditor"])
def test_everyone_but_qa_administrators_gets_404(client, case_history, who):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council[who])
    before = TrailEntry.objects.count()
    assert client.get(url(child), {"format": "json"}).status_code == 404
    assert TrailEntry.objects.count() == before


def test_the_child_page_links_to_the_export_for_qa_administrators_only(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    assert url(child) in client.get(f"/children/{child.pk}/").content.decode()
    client.force_login(council["director"])
    assert url(child) not in client.get(f"/children/{child.pk}/").content.decode()
