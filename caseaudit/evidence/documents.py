"""The pack as a document: HTML (the page and the PDF's source), PDF through WeasyPrint, Word through
python-docx (so a council can edit it further), and JSON. All four say the same: the narrative under the three
questions, then the figures it rests on as tables."""

from __future__ import annotations

import io
import json

from django.conf import settings
from django.template.loader import render_to_string

from caseaudit.reporting.summary import rate_text

from .models import QUESTIONS, EvidencePack

Table = tuple[str, list[str], list[list]]


def pack_tables(figures: dict) -> list[Table]:
    """The evidence under the narrative, as tables: the same in every format."""
    report, previous = figures["report"], figures["previous"]
    audits, percent = report["audits"], report["percent"]
    headline = [
        ["Case file audits", audits["total"], previous["audits"]["total"]],
        ["% Good or better", rate_text(percent["good_or_better"]), rate_text(previous["percent"]["good_or_better"])],
        ["% Inadequate", rate_text(percent["Inadequate"]), rate_text(previous["percent"]["Inadequate"])],
        ["Themed audits", audits["themed"], ""],
        ["Audits moderated", report["moderation"]["moderated"], ""],
        ["% Moderation changed the grade", rate_text(report["moderation"]["change_rate"]), ""],
    ]
    areas = [
        [
            row["area"], row["judgements"], rate_text(row["good_or_better"]), rate_text(row["inadequate"]),
            row["previous_judgements"], rate_text(row["previous_good_or_better"]),
            "" if row["change_good_or_better"] is None else f"{row['change_good_or_better']:+g}",
            "Too few to compare" if not row["comparable"] else "",
        ]
        for row in figures["practice_areas"]
    ]  # fmt: skip
    calibration = report.get("calibration") or {}
    consistency = [
        [label, block.get("pairs", 0), rate_text(block.get("exact_agreement_percent")), block.get("weighted_kappa")]
        for label, block in (
            ("Auditor and moderator", calibration.get("auditor_vs_moderator") or {}),
            ("Two auditors, blind", calibration.get("between_auditors") or {}),
        )
    ]
    feedback = report.get("family_feedback") or {}
    voice = [
        ["Families invited", feedback.get("invited", 0)],
        ["Answered", feedback.get("answered", 0)],
        ["% Answered", rate_text(feedback.get("response_rate"))],
        ["Asked to be contacted", feedback.get("contact_me", 0)],
    ]
    quotes = [[q["question"], q["text"]] for q in feedback.get("quotes", [])]
    stages = [
        [name, stage["on_time"], stage["of"], rate_text(stage["percent"]), stage.get("not_yet_due", 0)]
        for name, stage in report["improvement"]["stages"].items()
    ]
    learning = [[e["date"], e["kind"], e["title"]] for e in (report.get("learning") or {}).get("entries", [])]
    recommendations = [
        [r["source"], r["total"], r["counts"].get("Fully implemented", 0), r["not_started"]]
        for r in report.get("recommendations") or []
    ]
    themes = [
        [t["area"], "Strength" if t["polarity"] == "strength" else "Worry", t["label"], t["count"],
         " / ".join(t["examples"][:2])]
        for t in figures.get("themes") or []
    ]  # fmt: skip
    impact = [
        [i["title"], i["area"], i["date"], i["before"], i["after"], i["note"]] for i in figures.get("impact") or []
    ]  # the months before the learning's date, and the same length of time after it
    return [
        ("Audits this year and last", ["Measure", "This period", "The period before"], headline),
        (
            "Practice areas against the period before",
            [
                "Practice area",
                "Judgements",
                "% Good or better",
                "% Inadequate",
                "Judgements before",
                "% Good or better before",
                "Change (points)",
                "Note",
            ],
            areas,
        ),  # fmt: skip
        (
            "Themes in what auditors wrote",
            ["Practice area", "Kind", "Theme", "Audits", "Examples (names removed)"],
            themes,
        ),
        ("Grading consistency", ["Compared", "Pairs", "% Same grade", "Weighted kappa"], consistency),
        ("The voice of children and families", ["Measure", "Value"], voice),
        ("In their own words", ["Question", "What they said (names removed)"], quotes),
        ("Response to inadequate audits", ["Stage", "On time", "Of those due", "%", "Not yet due"], stages),
        ("Learning published", ["Date", "Type", "Learning"], learning),
        ("Impact of learning", ["Learning", "Practice area", "Date", "Months before", "Months after", "Note"], impact),
        ("Recommendations", ["Report", "Recommendations", "Fully implemented", "Not started"], recommendations),
    ]


def pack_html(pack: EvidencePack, figures: dict, *, for_pdf: bool = False) -> str:
    return render_to_string(
        "evidence/pack_document.html",
        {
            "pack": pack,
            "sections": [(QUESTIONS[key], getattr(pack, key)) for key in QUESTIONS],
            "tables": pack_tables(figures),
            "figures": figures,
            "council_name": settings.COUNCIL_NAME,
            "for_pdf": for_pdf,
        },
    )


def pack_pdf(pack: EvidencePack, figures: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=pack_html(pack, figures, for_pdf=True), base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def pack_docx(pack: EvidencePack, figures: dict) -> bytes:
    """A Word document a council can go on editing: real headings (its navigation pane lists them), paragraphs
    and tables with header rows, not an image of the page."""
    from docx import Document

    document = Document()
    document.core_properties.title = pack.title
    document.core_properties.author = settings.COUNCIL_NAME
    document.add_heading(pack.title, level=0)
    status = "Published" if pack.is_published else "Draft: the figures are as the records stand today"
    document.add_paragraph(f"{settings.COUNCIL_NAME}. {status}.")
    for question, text in [(QUESTIONS[key], getattr(pack, key)) for key in QUESTIONS]:
        document.add_heading(question, level=1)
        for paragraph in (text or "Not written yet.").split("\n\n"):
            document.add_paragraph(paragraph.strip())
    document.add_heading("The evidence", level=1)
    for title, header, rows in pack_tables(figures):
        document.add_heading(title, level=2)
        if not rows:
            document.add_paragraph("None in this period.")
            continue
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = "" if value is None else str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _html_bytes(pack: EvidencePack, figures: dict) -> bytes:
    return pack_html(pack, figures).encode()


def pack_json(pack: EvidencePack, figures: dict) -> bytes:
    return json.dumps(
        {
            "title": pack.title,
            "from": pack.start.isoformat(),
            "to": pack.end.isoformat(),
            "service_area": str(pack.service_area) if pack.service_area else None,
            "status": pack.status,
            "narrative": {QUESTIONS[key]: getattr(pack, key) for key in QUESTIONS},
            "figures": figures,
        },
        indent=2,
        default=str,
    ).encode()


# Each download's content type and maker, for the page and the command alike.
FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", pack_docx),
    "pdf": ("application/pdf", pack_pdf),
    "html": ("text/html; charset=utf-8", _html_bytes),
    "json": ("application/json", pack_json),
}
