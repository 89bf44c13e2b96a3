"""The self-evaluation evidence pack (issue 35, point 1): its figures recomputed from records built for the
purpose, the narrative drafted from them, publishing that freezes both, and the Word, PDF and JSON read back."""

from __future__ import annotations

import datetime
import io
import json
import subprocess

import pytest
from django.core.management import call_command

from caseaudit.evidence.figures import pack_figures, previous_period
from caseaudit.evidence.models import EvidencePack
from caseaudit.evidence.services import PackChanged, current_figures, pack_create, pack_save

from ..reporting.test_figures import done_audit

D = datetime.date
YEAR = (D(2025, 4, 1), D(2026, 3, 31))
BEFORE = D(2024, 10, 1)  # in the year before
DURING = D(2025, 10, 1)


@pytest.fixture
def audits(council):
    """This year: 10 audits with Voice of the Child graded (7 Good, 1 Outstanding, 2 Inadequate), overall 8
    Good and 2 Inadequate. The year before: 10, Voice of the Child 4 Good and 6 Requires improvement. One in
    another area's team, one after the year: counted only where they belong."""
    for grade in ["good"] * 7 + ["outstanding"]:
        done_audit(council.team_a, "good", DURING, section_grades=[grade])
    for _ in range(2):
        done_audit(council.team_a, "inadequate", DURING, section_grades=["inadequate"])
    for grade in ["good"] * 4 + ["requires_improvement"] * 6:
        done_audit(council.team_a, grade, BEFORE, section_grades=[grade])
    done_audit(council.team_a, "good", D(2026, 5, 1), section_grades=["good"])


def test_the_period_before_is_the_same_length_ending_the_day_before():
    assert previous_period(*YEAR) == (D(2024, 4, 1), D(2025, 3, 31))
    assert previous_period(D(2026, 1, 1), D(2026, 1, 31)) == (D(2025, 12, 1), D(2025, 12, 31))


def test_the_figures_are_recomputed_from_the_records(council, audits):
    figures = pack_figures(*YEAR)
    report = figures["report"]
    assert report["audits"]["total"] == 10
    assert report["percent"]["good_or_better"] == 80.0 and report["percent"]["Inadequate"] == 20.0
    assert figures["previous"]["audits"]["total"] == 10
    assert figures["previous"]["percent"]["good_or_better"] == 40.0
    [voice] = [row for row in figures["practice_areas"] if row["area"] == "Voice of the Child"]
    # 8 of 10 Good or better against 4 of 10: up 40 points, both bases at the threshold of 10.
    assert voice["judgements"] == 10 and voice["good_or_better"] == 80.0 and voice["inadequate"] == 20.0
    assert voice["previous_judgements"] == 10 and voice["previous_good_or_better"] == 40.0
    assert voice["comparable"] is True and voice["change_good_or_better"] == 40.0
    # A service area with none of them has none.
    south = pack_figures(*YEAR, council.team_c.service_area)
    assert south["report"]["audits"]["total"] == 0 and south["practice_areas"] == []


def test_a_change_is_not_drawn_from_too_few(council):
    done_audit(council.team_a, "good", DURING, section_grades=["good"])
    done_audit(council.team_a, "inadequate", BEFORE, section_grades=["inadequate"])
    [voice] = pack_figures(*YEAR)["practice_areas"]
    assert voice["comparable"] is False and voice["change_good_or_better"] is None and voice["small_base"] is True


def test_the_narrative_is_drafted_from_the_figures_and_publishing_freezes_it(council, audits):
    pack = pack_create(start=YEAR[0], end=YEAR[1], service_area=None, by=council["qa_admin"])
    assert "10 case file audits were completed in the period. 80% of files were judged Good or better" in pack.know
    assert "against 40% and 0% in the year before (10 audits)" in pack.know
    assert "up 40 percentage points in Voice of the Child" in pack.know
    assert "10 audits were moderated" in pack.how
    assert pack.figures is None and not pack.is_published
    edited = {"know": "Practice is improving.", "how": pack.how, "improve": "We train."}
    with pytest.raises(PackChanged):
        pack_save(pack_id=pack.pk, narrative=edited, expected_version=0, publish=False, by=council["qa_admin"])
    saved = pack_save(pack_id=pack.pk, narrative=edited, expected_version=1, publish=True, by=council["qa_admin"])
    assert saved.is_published and saved.know == "Practice is improving." and saved.version == 2
    # Read back (from PostgreSQL's jsonb too) with the report's tables in their order, not the store's.
    stages = list(current_figures(EvidencePack.objects.get(pk=pack.pk))["report"]["improvement"]["stages"])
    assert stages == ["Day-three meeting", "Service manager review", "Whole caseload review", "Re-audit"]
    frozen = saved.figures["report"]["audits"]["total"]
    done_audit(council.team_a, "inadequate", DURING, section_grades=["inadequate"])  # a late change to the records
    saved.refresh_from_db()
    assert saved.figures["report"]["audits"]["total"] == frozen == 10
    with pytest.raises(PackChanged):  # published: never edited again
        pack_save(pack_id=pack.pk, narrative=edited, expected_version=2, publish=False, by=council["qa_admin"])


def test_the_word_document_reads_back_with_its_sections_and_figures(client, council, audits):
    from docx import Document

    pack = pack_create(start=YEAR[0], end=YEAR[1], service_area=None, by=council["qa_admin"])
    client.force_login(council["qa_admin"])
    response = client.get(f"/evidence-packs/{pack.pk}/download/docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == [
        "What do we know about the quality and impact of social work practice?",
        "How do we know it?",
        "What are we doing to improve it?",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "80% of files were judged Good or better" in text
    areas = next(t for t in document.tables if t.rows[0].cells[0].text == "Practice area")
    voice = next(row for row in areas.rows if row.cells[0].text == "Voice of the Child")
    assert [cell.text for cell in voice.cells[1:7]] == ["10", "80%", "20%", "10", "40%", "+40"]


def test_the_pdf_reads_back(client, council, audits, tmp_path):
    pack = pack_create(start=YEAR[0], end=YEAR[1], service_area=None, by=council["qa_admin"])
    client.force_login(council["qa_admin"])
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(client.get(f"/evidence-packs/{pack.pk}/download/pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "How do we know it?" in text and "Practice areas against the period before" in text
    assert "80% of files were judged Good or better" in " ".join(text.split())


def test_the_command_writes_the_pack_as_the_page_drafts_it(council, audits, tmp_path):
    out = tmp_path / "pack.json"
    call_command(
        "evidence_pack", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "json", "--output", str(out)
    )
    written = json.loads(out.read_text())
    assert written["figures"]["report"]["audits"]["total"] == 10
    assert written["narrative"]["How do we know it?"].startswith("Managers and the QA team audited 10 case files")
    call_command(
        "evidence_pack",
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "p.docx"),
    )
    assert (tmp_path / "p.docx").read_bytes().startswith(b"PK")
    assert EvidencePack.objects.count() == 0  # the command saves nothing


def test_the_pages_draft_edit_and_publish_and_readers_see_only_published(client, council, audits):
    client.force_login(council["qa_admin"])
    refused = client.post(
        "/evidence-packs/new",
        {
            "start_day": "1",
            "start_month": "4",
            "start_year": "2025",
            "end_day": "31",
            "end_month": "3",
            "end_year": "2024",
        },
    )
    page = refused.content.decode()
    assert "There is a problem" in page and "The end must be on or after the start" in page and 'value="2024"' in page
    made = client.post(
        "/evidence-packs/new",
        {
            "start_day": "1",
            "start_month": "4",
            "start_year": "2025",
            "end_day": "31",
            "end_month": "3",
            "end_year": "2026",
        },
    )
    pack = EvidencePack.objects.get()
    assert made["Location"] == f"/evidence-packs/{pack.pk}/"
    client.force_login(council["director"])
    assert client.get(f"/evidence-packs/{pack.pk}/").status_code == 404  # a draft is QA's
    assert client.get("/evidence-packs/").status_code == 200
    client.force_login(council["qa_admin"])
    shown = client.post(
        f"/evidence-packs/{pack.pk}/",
        {"version": 1, "know": "We know.", "how": "Audits.", "improve": "Training.", "publish": "1"},
    )
    assert shown.status_code == 302
    client.force_login(council["director"])
    page = client.get(f"/evidence-packs/{pack.pk}/").content.decode()
    assert "We know." in page and "Practice areas against the period before" in page
    assert client.post(f"/evidence-packs/{pack.pk}/", {"version": 2, "know": "Changed"}).status_code == 404
    # A service manager reads published packs of their own area only: this one is council-wide.
    client.force_login(council["service_manager"])
    assert client.get(f"/evidence-packs/{pack.pk}/").status_code == 404
    client.force_login(council["team_manager"])
    assert client.get("/evidence-packs/").status_code == 404
