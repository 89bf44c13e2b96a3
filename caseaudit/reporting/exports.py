"""The report as tables (Excel, CSV) and as a tagged A4 PDF."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from caseaudit.web.exports import csv_response, xlsx_response

GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]


TOO_FEW_TO_COMPARE = "Too few audits to compare"
TOO_FEW_FOR_A_RATE = "Too few to read a rate from"


def report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables, as the page, PDF, Excel and CSV show them. A rate with no base is None (an empty
    cell); a rate or change on too few cases says so in the row's note."""
    audits = report["audits"]
    summary = [
        ["Period", report["period"]["label"]],
        ["Figures as at", report.get("as_at") or report["period"]["to"]],
        ["Small-number threshold (audits)", report.get("small_numbers", {}).get("threshold")],
        ["Case file audits", audits["total"]],
        ["New audits", audits["new"]],
        ["Re-audits", audits["re_audits"]],
        ["Themed audits", audits["themed"]],
        ["Children in themed audits", report["themed_children"]],
        ["Pieces of audit activity", report["activities"]],
        ["% Good or better", report["percent"]["good_or_better"]],
        ["% Good or Requires Improvement", report["percent"]["good_or_requires_improvement"]],
        ["Inadequate", report["inadequate"]["count"]],
        ["% Inadequate", report["inadequate"]["percent"]],
        ["Inadequate – critical", report["inadequate"]["critical"]],
        ["Repeat inadequate", report["repeat_inadequate"]["count"]],
        ["% Repeat inadequate", report["repeat_inadequate"]["percent"]],
        ["Audits moderated", report["moderation"]["moderated"]],
        ["Moderation changed the grade", report["moderation"]["changed"]],
        ["% Moderation change rate", report["moderation"]["change_rate"]],
    ]
    grades = [[g, report["grades"][g], report["percent"][g]] for g in GRADES]
    sections = [[name, *[counts[g] for g in GRADES]] for name, counts in report["sections"].items()]
    comparisons = [
        [
            c["label"],
            c["from"],
            c["to"],
            c["total"],
            *[c["percent"][k] for k in (*GRADES, "good_or_better")],
            *[c["change_points"][k] for k in (*GRADES, "good_or_better")],
            "" if c.get("comparable", True) else TOO_FEW_TO_COMPARE,
        ]
        for c in report["comparisons"].values()
    ]
    stages = [
        [name, s["on_time"], s["of"], s["percent"], s.get("not_yet_due", 0), _small_note(s.get("small_base"))]
        for name, s in report["improvement"]["stages"].items()
    ]
    managers = [
        [m["manager"], m["on_time"], m["of"], m["percent"]]
        for m in report["improvement"]["service_manager_reviews_by_manager"]
    ]
    trend = [
        [t["month"], t["total"], t["good_or_better"], t["inadequate"], _small_note(t.get("small_base"))]
        for t in report["trend"]
    ]
    learning = [[e["date"], e["kind"], e["title"]] for e in report.get("learning", {}).get("entries", [])]
    follow_up_labels = ["Fully implemented", "Substantially implemented", "Partially implemented", "Not implemented"]
    recommendations = [
        [r["source"], *[r["counts"][label] for label in follow_up_labels], r["not_started"]]
        for r in report.get("recommendations", [])
    ]
    return [
        ("Summary", ["Measure", "Value"], summary),
        ("Grades", ["Grade", "Audits", "%"], grades),
        ("Practice areas", ["Practice area", *GRADES], sections),
        (
            "Comparisons",
            [
                "Compared with",
                "From",
                "To",
                "Audits",
                *[f"% {g}" for g in GRADES],
                "% Good or better",
                *[f"Change in {g} (points)" for g in GRADES],
                "Change in Good or better (points)",
                "Note",
            ],
            comparisons,
        ),
        ("Timeliness", ["Stage", "On time", "Of those due", "%", "Not yet due", "Note"], stages),
        ("Reviews by manager", ["Service manager", "On time", "Of", "%"], managers),
        ("Trend", ["Month", "Audits", "% Good or better", "% Inadequate", "Note"], trend),
        ("Learning", ["Date", "Type", "Learning"], learning),
        ("Recommendations", ["Report", *follow_up_labels, "Not started"], recommendations),
        *other_scale_tables(report.get("other_scales")),
        *family_tables(report.get("family_feedback")),
        *calibration_tables(report.get("calibration")),
    ]


def scale_table_titles(block: dict) -> tuple[str, str]:
    # An en dash, not a colon: Excel refuses a colon in a sheet's name.
    return f"Grades – {block['scale']}", f"Practice areas – {block['scale']}"


def other_scale_tables(other_scales: dict | None) -> list[tuple[str, list[str], list[list]]]:
    """Audits graded on another scale (audits/scales.py): each scale's own two tables, its percentages over its
    own audits. A report frozen before scales were counted has none."""
    tables = []
    for block in (other_scales or {}).values():
        grades_title, areas_title = scale_table_titles(block)
        labels = list(block["grades"])
        grades = [[label, block["grades"][label], block["percent"][label]] for label in labels]
        grades.append(["All on this scale", block["audits"], None])
        areas = [[name, *[block["sections"][name][label] for label in labels]] for name in block["section_order"]]
        tables.append((grades_title, ["Grade", "Audits", "%"], grades))
        tables.append((areas_title, ["Practice area", *labels], areas))
    return tables


GRADING = "Grading consistency"
COMPARED_PAIRS = {"auditor_vs_moderator": "Auditor and moderator", "between_auditors": "Two auditors, blind"}


def calibration_tables(calibration: dict | None) -> list[tuple[str, list[str], list[list]]]:
    """How consistently grades are given (issue 32): each comparison, overall then by practice area. A report
    frozen before these were counted has none."""
    if calibration is None:
        return []
    rows = []
    # Ofsted's scale first, then each other scale's pairs, apart: kappa's weights come from each scale's order.
    blocks = [("", calibration)] + [(f" ({b['scale']})", b) for b in calibration.get("other_scales", {}).values()]
    for on_scale, block in blocks:
        for key, label in COMPARED_PAIRS.items():
            both = block.get(key)
            if not both:
                continue
            areas = [(area, both["practice_areas"][area]) for area in both.get("practice_area_order", [])]
            for area, figures in [("Overall grade", both), *areas]:
                rows.append([
                    label + on_scale, area, figures["pairs"], figures["exact_agreement_percent"],
                    figures["within_one_percent"], figures["weighted_kappa"], _small_note(figures.get("small_base")),
                ])  # fmt: skip
    header = ["Compared", "Grade", "Pairs", "% Same grade", "% Within one grade", "Weighted kappa", "Note"]
    return [(GRADING, header, rows)]


NO_INVITATIONS = "No families were invited to give feedback in this period"


def family_tables(feedback: dict | None) -> list[tuple[str, list[str], list[list]]]:
    """Family feedback as three tables: the invitations, each question's answers, and the quotes picked. A report
    frozen before family feedback was counted has none of them."""
    if feedback is None:
        return []
    invited = feedback["invited"]
    summary = [
        ["Invitations counted by", feedback.get("counted_by", "the day the invitation was sent")],
        ["Invitations sent", invited],
        ["Answered", feedback["answered"]],
        ["% Response rate", feedback["response_rate"]],
        ["Still waiting for an answer", feedback["waiting"]],
        ["Link expired unanswered", feedback["expired"]],
        ["Cancelled", feedback["cancelled"]],
        ["Asked to be contacted", feedback["contact_me"]],
    ]
    if not invited:
        summary.append(["Note", NO_INVITATIONS])
    elif feedback["small_base"]:
        summary.append(["Note", f"{TOO_FEW_FOR_A_RATE}: {invited} invitations"])
    answers = []
    for questionnaire in feedback["questionnaires"]:
        for question in questionnaire["questions"]:
            heading = f"{questionnaire['name']}: {question['question']}"
            note = _small_note(question["small_base"])
            if question["kind"] == "choice":
                answers += [
                    [f"{heading} – {option['answer']}", option["count"], option["percent"], note]
                    for option in question["options"]
                ]
            else:
                answers.append([f"{heading} – written answers", question["answered"], None, ""])
            answers.append([f"{heading} – no answer", question["no_answer"], None, ""])
    quotes = [[quote["question"], quote["text"]] for quote in feedback["quotes"]]
    return [
        ("Family feedback", ["Measure", "Value"], summary),
        ("Family feedback answers", ["Question and answer", "People", "% of those who answered it", "Note"], answers),
        ("Family quotes", ["Question", "In their own words (names removed)"], quotes),
    ]


def _small_note(small: bool | None) -> str:
    return TOO_FEW_FOR_A_RATE if small else ""


def _name(report: dict) -> str:
    return f"caseaudit-report-{report['period']['from']}-to-{report['period']['to']}"


def xlsx(report: dict) -> HttpResponse:
    return xlsx_response(_name(report), report_tables(report))


def csv(report: dict) -> HttpResponse:
    rows: list[list] = []
    for title, header, table in report_tables(report):
        for line in table:
            rows.extend(
                [title, header[0], str(line[0]), column, value]
                for column, value in zip(header[1:], line[1:], strict=True)
            )
    return csv_response(_name(report), ["Table", "Row heading", "Row", "Column", "Value"], rows)


# A PDF is kept this long for the same page (about 190 KB each: the FY 2025/26 report at 100,000 audits).
PDF_CACHE_SECONDS = 3600


def pdf_html(report: dict, summary: str, charts: dict[str, str]) -> str:
    """The page the PDF is printed from (its headings and captions are what a test keeps with their tables)."""
    return render_to_string(
        "reporting/report_pdf.html",
        {
            "report": report,
            "summary": summary,
            "charts": charts,
            "council_name": settings.COUNCIL_NAME,
            "tables": report_tables(report),
        },
    )


def pdf_bytes(report: dict, summary: str, charts: dict[str, str]) -> bytes:
    """The report as a PDF. WeasyPrint takes seconds (5.4 s at 100,000 audits, measured) and the same page
    always gives the same PDF, so the PDF is cached by a hash of the page it is made from: the figures,
    summary and charts are in the page, so a changed figure or word is a new key and never a stale PDF
    (as the charts, decision 0064; the figures are still computed from the records every time)."""
    import hashlib

    from django.core.cache import cache
    from weasyprint import HTML

    html = pdf_html(report, summary, charts)
    key = "report-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def pdf(report: dict, summary: str, charts: dict[str, str]) -> HttpResponse:
    response = HttpResponse(pdf_bytes(report, summary, charts), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_name(report)}.pdf"'
    return response
