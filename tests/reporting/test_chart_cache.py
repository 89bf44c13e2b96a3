"""Charts are drawn once per distinct set of figures; a changed figure draws a new chart."""

from __future__ import annotations

import copy
import datetime

from django.core.cache import cache

from caseaudit.reporting import charts
from caseaudit.reporting.periods import financial_year
from caseaudit.reporting.report import build_report


def test_the_same_figures_reuse_the_chart_and_changed_figures_redraw(db, monkeypatch):
    cache.clear()
    report = build_report(financial_year(datetime.date(2025, 6, 1)))
    drawn = []
    real_draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda *a: drawn.append(1) or real_draw(*a))
    first = charts.report_charts(report)
    assert charts.report_charts(copy.deepcopy(report)) == first
    assert len(drawn) == 1
    changed = copy.deepcopy(report)
    changed["percent"]["Good"] = 99.9
    assert charts.report_charts(changed)["grades"] != first["grades"]
    assert len(drawn) == 2


def test_the_same_page_reuses_the_pdf_and_a_changed_figure_or_summary_makes_a_new_one(db, monkeypatch):
    import weasyprint

    from caseaudit.reporting import exports

    cache.clear()
    report = build_report(financial_year(datetime.date(2025, 6, 1)))
    made = []
    real_write = weasyprint.HTML.write_pdf
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, **kw: made.append(1) or real_write(self, **kw))
    first = exports.pdf_bytes(report, "Summary", charts.report_charts(report))
    assert exports.pdf_bytes(copy.deepcopy(report), "Summary", charts.report_charts(report)) == first
    assert len(made) == 1
    exports.pdf_bytes(report, "Another summary", charts.report_charts(report))
    assert len(made) == 2
    changed = copy.deepcopy(report)
    changed["audits"]["total"] += 1
    exports.pdf_bytes(changed, "Summary", charts.report_charts(changed))
    assert len(made) == 3


def test_the_same_figures_draw_the_same_svg_in_any_thread():
    """The same figures give byte-identical SVG (fixed clip-path ids), drawn alone or in four threads at once
    as gunicorn's threads do. (The figures are outside pyplot; this run did not catch pyplot's shared state.)"""
    from concurrent.futures import ThreadPoolExecutor

    sections = {
        f"Area {n}": {"Outstanding": n, "Good": 2, "Requires Improvement": 1, "Inadequate": 1} for n in range(6)
    }
    alone = charts.practice_areas(sections)
    grades = {"Outstanding": 10.0, "Good": 50.0, "Requires Improvement": 30.0, "Inadequate": 10.0}
    alone_grades = charts.grade_distribution(grades, "FY", None, "")
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(
            pool.map(
                lambda n: (
                    charts.practice_areas(sections) if n % 2 else charts.grade_distribution(grades, "FY", None, "")
                ),
                range(16),
            )
        )
    assert drawn == [alone if n % 2 else alone_grades for n in range(16)]
