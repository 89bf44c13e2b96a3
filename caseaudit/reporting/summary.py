"""The executive summary, drafted in plain English from the figures; the QA lead edits it before publishing."""

from __future__ import annotations


def count_of(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def rate_text(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def change_text(points: float) -> str:
    if points == 0:
        return "unchanged"
    unit = "percentage point" if abs(points) == 1 else "percentage points"
    return f"{'up' if points > 0 else 'down'} {abs(points):g} {unit}"


def _as_at(report: dict) -> str | None:
    """ "7 December 2026" while the period runs; None once it has ended (and for snapshots made before as-at)."""
    if not report["period"].get("running"):
        return None
    import datetime

    from .periods import long_date

    return long_date(datetime.date.fromisoformat(report["as_at"]))


def _comparison(name: str, compared: dict, report: dict) -> str:
    if compared.get("comparable", True):
        return ""
    return (
        f"There were too few audits to compare with the {name} ({report['audits']['total']} in this period, "
        f"{compared['total']} then; a change is drawn from {report['small_numbers']['threshold']} or more in each)."
    )


def draft_summary(report: dict) -> str:
    audits, percent = report["audits"], report["percent"]
    where = f" in {report['team'] or report['service_area']}" if (report["team"] or report["service_area"]) else ""
    as_at = _as_at(report)
    paragraphs = []
    if as_at:
        paragraphs.append(
            f"This period has not ended: the figures are as at {as_at}, and work not yet due is not counted as late."
        )
    if not audits["total"]:
        paragraphs.append(f"No case file audits were completed{where} in {report['period']['label']}.")
    else:
        paragraphs.append(
            f"{count_of(audits['total'], 'case file audit')} {'was' if audits['total'] == 1 else 'were'} completed{where} in "
            f"{report['period']['label']} ({count_of(audits['new'], 'new audit')} and {count_of(audits['re_audits'], 're-audit')}), "
            f"involving {count_of(report['activities'], 'piece')} of audit activity."
        )
        paragraphs.append(
            f"{rate_text(percent['Good'])} of files were judged Good and {rate_text(percent['Outstanding'])} Outstanding, so "
            f"{rate_text(percent['good_or_better'])} were Good or better; {rate_text(percent['Requires Improvement'])} Required "
            f"Improvement. {rate_text(percent['good_or_requires_improvement'])} were Good or Requires Improvement."
        )
        small = report.get("small_numbers", {})
        if small.get("small_base"):
            paragraphs.append(
                f"With only {count_of(audits['total'], 'audit')}, these percentages can change a great deal with one "
                "more audit: read them as counts."
            )
        inadequate = report["inadequate"]
        sentence = f"{count_of(inadequate['count'], 'file')} ({rate_text(inadequate['percent'])}) {'was' if inadequate['count'] == 1 else 'were'} judged Inadequate"
        if inadequate["critical"]:
            sentence += f", {inadequate['critical']} of them critical (an immediate safeguarding concern)"
        repeat = report["repeat_inadequate"]
        sentence += f"; {count_of(repeat['count'], 'repeat inadequate')} ({rate_text(repeat['percent'])})."
        paragraphs.append(sentence)
    if report["audits"]["themed"]:
        paragraphs.append(
            f"{count_of(report['audits']['themed'], 'themed audit')} looked at {count_of(report['themed_children'], 'child', 'children')}'s experiences."
        )
    previous = report["comparisons"].get("previous_period")
    last_year = report["comparisons"].get("last_financial_year")
    if audits["total"] and previous and previous["total"]:
        paragraphs.append(
            _comparison("previous period", previous, report)
            or f"Compared with the previous period, Good or better is {change_text(previous['change_points']['good_or_better'])} "
            f"and Inadequate is {change_text(previous['change_points']['Inadequate'])}."
        )
    if audits["total"] and last_year and last_year["total"]:
        paragraphs.append(
            _comparison("last financial year-end", last_year, report)
            or f"Against the last financial year-end, Good is {change_text(last_year['change_points']['Good'])} and "
            f"Requires Improvement is {change_text(last_year['change_points']['Requires Improvement'])}."
        )
    moderation = report["moderation"]
    if moderation["moderated"]:
        paragraphs.append(
            f"Moderators changed the overall grade of {count_of(moderation['changed'], 'audit')} of {moderation['moderated']} "
            f"({rate_text(moderation['change_rate'])})."
        )
    review = report["improvement"]["stages"].get("Service manager review")
    if review and (review["of"] or review.get("not_yet_due")):
        actions = report["improvement"]["actions"]
        when = f"on {as_at}" if as_at else "at the end of the period"
        if review["of"]:
            sentence = (
                f"For files graded Inadequate, {review['on_time']} of {review['of']} service manager reviews "
                f"({rate_text(review['percent'])}) were completed within timescale"
            )
        else:
            sentence = "For files graded Inadequate, no service manager review was due yet"
        if review.get("not_yet_due"):
            sentence += f" ({review['not_yet_due']} not yet due)"
        paragraphs.append(
            f"{sentence}; {actions['open']} remedial action{'' if actions['open'] == 1 else 's'} "
            f"{'was' if actions['open'] == 1 else 'were'} open {when}, {actions['overdue']} overdue."
        )
    learning = report.get("learning", {})
    if learning.get("total"):
        kinds = ", ".join(f"{n} {kind.lower()}" for kind, n in learning["by_kind"].items() if n)
        paragraphs.append(
            f"In response, the service completed {count_of(learning['total'], 'learning activity', 'learning activities')} ({kinds})."
        )
    return "\n\n".join(paragraphs)
