"""The pack's narrative, drafted in plain English from its figures, one section per self-evaluation question.
QA edits it before publishing: the draft states what the records show and nothing they do not."""

from __future__ import annotations


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def _points(value: float) -> str:
    if value == 0:
        return "unchanged"
    return f"{'up' if value > 0 else 'down'} {abs(value):g} percentage point{'' if abs(value) == 1 else 's'}"


def draft_narrative(figures: dict) -> dict[str, str]:
    return {"know": _know(figures), "how": _how(figures), "improve": _improve(figures)}


def _know(figures: dict) -> str:
    report, previous = figures["report"], figures["previous"]
    audits, percent = report["audits"], report["percent"]
    where = f" in {report['service_area']}" if report.get("service_area") else ""
    if not audits["total"]:
        return f"No case file audits were completed{where} in the period, so the records say nothing yet about the quality of practice."
    ofsted = audits.get("ofsted_scale", audits["total"])
    apart = (
        f" (of the {ofsted} graded on Ofsted's four grades; {audits['total'] - ofsted} on other scales are counted apart)"
        if ofsted != audits["total"]
        else ""
    )
    paragraphs = [
        f"{_n(audits['total'], 'case file audit')}{where} were completed in the period. {_pct(percent['good_or_better'])} of "
        f"files{apart} were judged Good or better and {_pct(percent['Inadequate'])} Inadequate"
        + (
            f", against {_pct(previous['percent']['good_or_better'])} and {_pct(previous['percent']['Inadequate'])} "
            f"in the year before ({_n(previous['audits']['total'], 'audit')})."
            if previous["audits"]["total"]
            else "; no audits were completed in the year before to compare with."
        )
    ]
    rated = [row for row in figures["practice_areas"] if row["judgements"] and not row["small_base"]]
    if rated:
        best = max(rated, key=lambda row: row["good_or_better"] or 0)
        worst = min(rated, key=lambda row: row["good_or_better"] or 0)
        paragraphs.append(
            f"Practice was strongest in {best['area']} ({_pct(best['good_or_better'])} Good or better) and weakest in "
            f"{worst['area']} ({_pct(worst['good_or_better'])})."
        )
    moved = [row for row in figures["practice_areas"] if row["change_good_or_better"]]
    if moved:
        moved.sort(key=lambda row: -abs(row["change_good_or_better"]))
        paragraphs.append(
            "Against the year before, Good or better was "
            + "; ".join(f"{_points(row['change_good_or_better'])} in {row['area']}" for row in moved[:3])
            + "."
        )
    themes = figures.get("themes") or []
    for polarity, words in (
        ("strength", "Auditors most often wrote of strengths in"),
        ("worry", "Their most common worries were"),
    ):
        top = sorted((t for t in themes if t["polarity"] == polarity), key=lambda t: -t["count"])[:3]
        if top:
            paragraphs.append(
                f"{words} " + "; ".join(f"{t['label']} ({t['area']}, {_n(t['count'], 'audit')})" for t in top) + "."
            )
    feedback = report.get("family_feedback") or {}
    if feedback.get("answered"):
        paragraphs.append(
            f"{_n(feedback['answered'], 'child or family member', 'children and family members')} answered the "
            f"feedback invitation ({_pct(feedback['response_rate'])} of {feedback['invited']} invited); their words "
            "are quoted in this pack with names removed."
        )
    return "\n\n".join(paragraphs)


def _how(figures: dict) -> str:
    report = figures["report"]
    audits, moderation = report["audits"], report["moderation"]
    paragraphs = [
        f"Managers and the QA team audited {_n(audits['total'], 'case file')} ({_n(audits['new'], 'new audit')}, "
        f"{_n(audits['re_audits'], 're-audit')}) and {_n(audits['themed'], 'themed audit')} covering "
        f"{_n(report['themed_children'], 'child', 'children')}, with {_n(report['activities'], 'piece')} of audit "
        "activity: reading the file, talking with the practitioner and hearing from the family.",
        f"{_n(moderation['moderated'], 'audit')} were moderated; moderation changed the grade of "
        f"{moderation['changed']} ({_pct(moderation['change_rate'])}).",
    ]
    calibration = report.get("calibration") or {}
    pairs = calibration.get("auditor_vs_moderator", {})
    if pairs.get("pairs"):
        kappa = pairs.get("weighted_kappa")
        paragraphs.append(
            f"Auditors and moderators gave the same overall grade in {_pct(pairs['exact_agreement_percent'])} of "
            f"{pairs['pairs']} moderated audits graded on Ofsted's scale, themed audits included"
            + (f" (weighted kappa {kappa:g})" if kappa is not None else "")
            + "."
        )
    blind = calibration.get("between_auditors", {})
    if blind.get("pairs"):
        paragraphs.append(
            f"{_n(blind['pairs'], 'file')} were audited twice, blind, by two auditors, who gave the same grade in "
            f"{_pct(blind['exact_agreement_percent'])} of them."
        )
    feedback = report.get("family_feedback") or {}
    if feedback.get("invited"):
        paragraphs.append(
            f"{_n(feedback['invited'], 'family', 'families')} were invited to say what the help was like for them; "
            f"{feedback['answered']} answered."
        )
    return "\n\n".join(paragraphs)


def _improve(figures: dict) -> str:
    report = figures["report"]
    improvement = report["improvement"]
    paragraphs = [
        f"Every file graded Inadequate starts a response with deadlines: {_n(improvement['plans_opened'], 'plan')} "
        "opened in the period."
        + "".join(
            f" {name}: {_pct(stage['percent'])} on time ({stage['on_time']} of {stage['of']})."
            for name, stage in improvement["stages"].items()
            if stage["of"]
        )
    ]
    learning = report.get("learning") or {}
    if learning.get("total"):
        kinds = [f"{_n(n, kind.lower(), kind.lower())}" for kind, n in learning["by_kind"].items() if n]
        paragraphs.append(
            f"{_n(learning['total'], 'piece')} of learning {'was' if learning['total'] == 1 else 'were'} shared "
            f"from audits ({', '.join(kinds)})."
        )
    recommendations = report.get("recommendations") or []
    total = sum(r["total"] for r in recommendations)
    if total:
        fully = sum(r["counts"].get("Fully implemented", 0) for r in recommendations)
        paragraphs.append(
            f"Of {_n(total, 'recommendation')} from audits and inspections, {fully} "
            f"{'is' if fully == 1 else 'are'} fully implemented."
        )
    # The clearest measured impacts only: enough judgements on both sides and the months after all passed.
    measured = [i for i in figures.get("impact") or [] if i.get("sentence") and not i.get("note")]
    measured.sort(key=lambda i: -abs(i["change_good_or_better"]))
    paragraphs += [impact["sentence"] for impact in measured[:3]]
    if len(measured) > 3:
        paragraphs.append(f"The table of the impact of learning below shows all {len(measured)} measured.")
    return "\n\n".join(paragraphs)
