"""How the monitoring dashboard's rows are best written (issue 36, point 5; decisions 0078 and 0101): the CPU
time to write one page of 50 rows by the tag in use (improvement_tags.dashboard_rows: a Jinja2 template), by the
Python f-strings of decision 0078 (kept below as they were), and by the Django template the dashboard used
before that. Median of 9 runs of 200 pages each, after a warm-up; the three outputs are checked equal first.
No database: the rows are built in memory.

    .venv/bin/python bench/dashboard_rows_bench.py
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings.base")

import django  # noqa: E402

django.setup()

from html import escape  # noqa: E402

from django.template import engines  # noqa: E402
from django.urls import reverse  # noqa: E402

from caseaudit.improvement.selectors import DASHBOARD_STAGES, DashboardRow, PlanLine, StageCell  # noqa: E402

D = datetime.date
PAGE = 50
DJANGO_ROWS = (
    '{% for row in rows %}<tr class="govuk-table__row">\n'
    '    <td class="govuk-table__cell"><a class="govuk-link" href="{% url \'improvement:plan_show\' row.plan.pk %}">'
    '{{ row.plan.case_id }}</a><br><span class="govuk-body-s">{{ row.plan.team }}</span>{% if row.plan.repeat_inadequate %}'
    '<br><strong class="govuk-tag govuk-tag--red">Repeat inadequate</strong>{% endif %}</td>\n'
    '    <td class="govuk-table__cell">{{ row.plan.responsible|default:"Not named" }}</td>\n'
    '    {% for cell in row.cells.values %}<td class="govuk-table__cell">{% if cell %}{% if cell.tag %}'
    '<strong class="govuk-tag govuk-tag--{{ cell.tag }}">{{ cell.label }}</strong>{% endif %}'
    '<br><span class="govuk-body-s">{{ cell.when }}</span>{% else %}'
    '<span class="govuk-hint govuk-!-margin-0">Not needed</span>{% endif %}</td>{% endfor %}\n'
    '    <td class="govuk-table__cell">{{ row.open_actions }} open{% if row.overdue_actions %}<br>'
    '<strong class="govuk-tag govuk-tag--red">{{ row.overdue_actions }} overdue</strong>{% endif %}</td>\n'
    "  </tr>{% endfor %}"
)


def _stage_cell(cell) -> str:
    if cell is None:
        return '<td class="govuk-table__cell"><span class="govuk-hint govuk-!-margin-0">Not needed</span></td>'
    tag = f'<strong class="govuk-tag govuk-tag--{escape(cell.tag)}">{escape(cell.label)}</strong>' if cell.tag else ""
    return f'<td class="govuk-table__cell">{tag}<br><span class="govuk-body-s">{escape(cell.when)}</span></td>'


def python_rows(rows: list[DashboardRow]) -> str:
    """Decision 0078's writer, as it was in improvement_tags until decision 0101."""
    out = []
    for row in rows:
        plan = row.plan
        href = escape(reverse("improvement:plan_show", args=[plan.pk]))
        repeat = '<br><strong class="govuk-tag govuk-tag--red">Repeat inadequate</strong>'
        overdue = (
            f'<br><strong class="govuk-tag govuk-tag--red">{row.overdue_actions:d} overdue</strong>'
            if row.overdue_actions
            else ""
        )
        out.append(
            '<tr class="govuk-table__row">\n'
            f'    <td class="govuk-table__cell"><a class="govuk-link" href="{href}">{escape(plan.case_id)}</a>'
            f'<br><span class="govuk-body-s">{escape(plan.team)}</span>{repeat if plan.repeat_inadequate else ""}</td>\n'
            f'    <td class="govuk-table__cell">{escape(plan.responsible or "Not named")}</td>\n'
            f"    {''.join(_stage_cell(cell) for cell in row.cells.values())}\n"
            f'    <td class="govuk-table__cell">{row.open_actions:d} open{overdue}</td>\n'
            "  </tr>"
        )
    return "".join(out)


def rows() -> list[DashboardRow]:
    out = []
    for i in range(PAGE):
        cells = [
            StageCell(D(2026, 3, 5), D(2026, 3, 4), "done"),
            StageCell(D(2026, 3, 9), None, "amber" if i % 3 else "red"),
            None if i % 4 else StageCell(None, None, "none"),
            StageCell(D(2026, 4, 1), None, "green"),
        ]
        line = PlanLine(1000 + i, f"LCS-{i:05d}", f"Team {i % 7}", "North", "Pat O'Lead" if i % 5 else None,
                        D(2026, 3, 2), i % 9 == 0)  # fmt: skip
        out.append(DashboardRow(line, dict(zip(DASHBOARD_STAGES, cells, strict=True)), i % 6, i % 2))
    return out


def cpu_ms(render, pages: int = 200) -> float:
    start = time.process_time()
    for _ in range(pages):
        render()
    return (time.process_time() - start) * 1000 / pages


def main() -> None:
    page = rows()
    tag = engines["django"].from_string("{% load improvement_tags %}{% dashboard_rows rows %}")
    old = engines["django"].from_string(DJANGO_ROWS)
    ways = {
        "Jinja2 template (in use, 0101)": lambda: tag.render({"rows": page}),
        "Python f-strings (0078)": lambda: python_rows(page),
        "Django template (before 0078)": lambda: old.render({"rows": page}),
    }
    outputs = {name: render() for name, render in ways.items()}
    # Jinja2 escapes ' and " as &#39; and &#34; where the others write &#x27; and &quot;: the same characters.
    same = {out.replace("&#39;", "&#x27;").replace("&#34;", "&quot;") for out in outputs.values()}
    if len(same) != 1:
        raise SystemExit("The three ways write different rows: fix that before timing them.")
    runs: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(9):
        for name, render in ways.items():  # interleaved, so a busy moment falls on all three
            runs[name].append(cpu_ms(render))
    print(f"Writing one dashboard page of {PAGE} rows, CPU ms, median of 9 x 200 pages")
    print(f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"{datetime.date.today():%Y-%m-%d})")  # fmt: skip
    for name, times in runs.items():
        print(f"  {name:32} {statistics.median(times):6.2f} ms  (min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()
