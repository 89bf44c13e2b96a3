"""The period report's PDF read back with the positions of its words (pdftotext -bbox-layout): nothing runs off
the page, and no table's caption or heading is left at the foot of a page with its table on the next (issue 37,
point 1: the testers' year, 1 June 2018 to 31 May 2019, lost the Comparisons table's right-hand columns and left
"Grades" and "Comparisons" alone at the foot of pages)."""

from __future__ import annotations

import datetime
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from caseaudit.improvement.models import ImprovementPlan, Stage
from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource
from caseaudit.reporting.exports import pdf_html
from caseaudit.reporting.periods import custom
from caseaudit.reporting.report import build_report

from .test_figures import done_audit

D = datetime.date
YEAR = {"kind": "custom", "start": "2018-06-01", "end": "2019-05-31"}
GRADES = ["outstanding", "good", "good", "requires_improvement", "requires_improvement", "inadequate"]
MM = 72 / 25.4
# The template's page margins: the running header and footer sit inside them, the body between them.
TOP, SIDES, BOTTOM = 22 * MM, 16 * MM, 18 * MM
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    words: list[Line]

    def body(self) -> list[Line]:
        """The lines between the running header and footer, top to bottom."""
        inside = [line for line in self.lines if line.y_min > TOP and line.y_max < self.height - BOTTOM]
        return sorted(inside, key=lambda line: (line.y_max, line.x_min))


def pdf_pages(content: bytes, tmp_path) -> list[Page]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    # pdftotext's reading of a PDF this test just made, not outside input.
    for number, page in enumerate(ET.fromstring(xml).iter(XHTML + "page"), 1):  # noqa: S314

        def box(element, text):
            return Line(text, *(float(element.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))

        lines, words = [], []
        for line in page.iter(XHTML + "line"):
            its_words = [box(word, word.text or "") for word in line.iter(XHTML + "word")]
            words.extend(its_words)
            lines.append(box(line, " ".join(word.text for word in its_words)))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), lines, words))
    return pages


@pytest.fixture
def a_year_of_audits(council, settings):
    """The testers' year, 1 June 2018 to 31 May 2019, and the year before it (so every comparison has figures):
    an audit every four days across three teams with their practice areas graded, a plan for each Inadequate
    with stages on time, late and not recorded, a year of learning (a table longer than a page) and an
    inspection's recommendations. With the small-number threshold at 20 the year to date (15 audits) is too few
    to compare, so the Comparisons table's Note column is filled: the table at its widest."""
    settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD = 20
    teams = [council.team_a, council.team_b, council.team_c]
    managers = [council["service_manager"], council["head_of_service"], council["team_manager"]]
    day, n, plans = D(2017, 6, 1), 0, 0
    while day <= D(2019, 5, 31):
        grade = GRADES[n % len(GRADES)]
        audit = done_audit(teams[n % 3], grade, day, activities=2, section_grades=[grade, "good", GRADES[n % 4]] * 3)
        if grade == "inadequate" and day >= D(2018, 6, 1):
            plan = ImprovementPlan.objects.create(audit=audit, child=audit.child, team=audit.team, opened_on=day)
            for k, kind in enumerate(("meeting", "sm_review", "caseload_review", "reaudit")):
                due = day + datetime.timedelta(days=5 + 7 * k)
                done = None if plans % 4 == 0 else due + datetime.timedelta(days=plans % 3 - 1)
                by = managers[plans % 3] if done else None
                Stage.objects.create(plan=plan, kind=kind, due_on=due, completed_on=done, completed_by=by)
            plans += 1
        day += datetime.timedelta(days=4)
        n += 1
    topics = ["planning for permanence", "the voice of the child", "management oversight and supervision"]
    LearningEntry.objects.bulk_create(
        LearningEntry(
            kind="briefing",
            title=f"Briefing {k + 1}: what the audits of {topics[k % 3]} found, and what good practice looks like",
            happened_on=D(2018, 6, 4) + datetime.timedelta(days=7 * k),
            summary="What we learnt.",
            created_by=council["qa_admin"],
        )
        for k in range(50)
    )
    source = RecommendationSource.objects.create(
        kind="inspection", title="Ofsted focused visit", reported_on=D(2018, 9, 1)
    )
    for k in range(3):
        Recommendation.objects.create(
            source=source,
            text=f"Recommendation {k}",
            agreed_action="Act on it.",
            owner=council["head_of_service"],
            raised_on=D(2018, 9, 1),
            due_on=D(2019, 3, 1),
        )


@pytest.fixture
def year_pdf(client, council, a_year_of_audits, tmp_path) -> list[Page]:
    client.force_login(council["director"])
    response = client.get("/reports/", {**YEAR, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content, tmp_path)
    assert len(pages) >= 6  # several pages, with tables split across them
    return pages


def test_every_word_of_the_report_lies_on_its_page_and_inside_its_side_margins(year_pdf):
    """pdftotext drops the characters wholly off the page, so a column cut at the edge shows as a word that
    crosses it; nothing is printed in the side margins either, where a printer trims."""
    for page in year_pdf:
        for word in page.words:
            assert 0 <= word.x_min and word.x_max <= page.width, (page.number, word)
            assert 0 <= word.y_min and word.y_max <= page.height, (page.number, word)
            assert SIDES - 1 <= word.x_min and word.x_max <= page.width - SIDES + 1, (page.number, word)
    # No column of the Comparisons table is lost off the edge (pdftotext would drop it whole): the heading of
    # each of its five "Change in ... (points)" columns is there ("(points)" is written nowhere else).
    assert [word.text for page in year_pdf for word in page.words].count("(points)") == 5


def test_no_caption_or_heading_is_left_at_the_foot_of_a_page(year_pdf):
    headings = headings_and_captions()
    assert {"Grades", "Trend", "Comparisons", "Overall grades", "Learning in the period"} <= headings
    for page in year_pdf:
        body = page.body()
        assert body, page.number
        assert body[-1].text not in headings, f"{body[-1].text!r} is alone at the foot of page {page.number}"
    # A table longer than a page repeats its header row on every page it reaches.
    learning_pages = [page for page in year_pdf if any(line.text.startswith("Briefing ") for line in page.lines)]
    assert len(learning_pages) >= 2
    for page in learning_pages:
        header = [line for line in page.body() if line.text == "Type"]  # the Learning table's column heading
        first_row = next(line for line in page.body() if line.text.startswith("Briefing "))
        assert header and header[0].y_max < first_row.y_min, page.number


def headings_and_captions() -> set[str]:
    """Every h2 heading and table caption of the page the PDF is printed from."""
    html = pdf_html(build_report(custom(D(2018, 6, 1), D(2019, 5, 31))), "", {})
    found = re.findall(r"<(h2|caption)[^>]*>\s*([^<]+?)\s*</\1>", html)
    return {text for _, text in found}
