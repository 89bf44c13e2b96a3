"""The pack's narrative, drafted in plain English from its figures, one section per self-evaluation question.
QA edits it before publishing: the draft states what the records show and nothing they do not."""

from __future__ import annotations

from caseaudit.reporting.summary import change_text, count_of, rate_text


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
        f"{count_of(audits['total'], 'case file audit')}{where} were completed in the period. {rate_text(percent['good_or_better'])} of "
        f"files{apart} were judged Good or better and {rate_text(percent['Inadequate'])} Inadequate"
        + (
            f", against {rate_text(previous['percent']['good_or_better'])} and {rate_text(previous['percent']['Inadequate'])} "
            f"in the year before ({count_of(previous['audits']['total'], 'audit')})."
            if previous["audits"]["total"]
            else "; no audits were completed in the year before to compare with."
        )
    ]
    rated = [row for row in figures["practice_areas"] if row["judgements"] and not row["small_base"]]
    if rated:
        best = max(rated, key=lambda row: row["good_or_better"] or 0)
        worst = min(rated, key=lambda row: row["good_or_better"] or 0)
        paragraphs.append(
            f"Practice was strongest in {best['area']} ({rate_text(best['good_or_better'])} Good or better) and weakest in "
            f"{worst['area']} ({rate_text(worst['good_or_better'])})."
        )
    moved = [row for row in figures["practice_areas"] if row["change_good_or_better"]]
    if moved:
        moved.sort(key=lambda row: -abs(row["change_good_or_better"]))
        paragraphs.append(
            "Against the year before, Good or better was "
            + "; ".join(f"{change_text(row['change_good_or_better'])} in {row['area']}" for row in moved[:3])
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
                f"{words} "
                + "; ".join(f"{t['label']} ({t['area']}, {count_of(t['count'], 'audit')})" for t in top)
                + "."
            )
    feedback = report.get("family_feedback") or {}
    if feedback.get("answered"):
        paragraphs.append(
            f"{count_of(feedback['answered'], 'child or family member', 'children and family members')} answered the "
            f"feedback invitation ({rate_text(feedback['response_rate'])} of {feedback['invited']} invited); their words "
            "are quoted in this pack with names removed."
        )
    return "\n\n".join(paragraphs)


def _how(figures: dict) -> str:
    report = figures["report"]
    audits, moderation = report["audits"], report["moderation"]
    paragraphs = [
        f"Managers and the QA team audited {count_of(audits['total'], 'case file')} ({count_of(audits['new'], 'new audit')}, "
        f"{count_of(audits['re_audits'], 're-audit')}) and {count_of(audits['themed'], 'themed audit')} covering "
        f"{count_of(report['themed_children'], 'child', 'children')}, with {count_of(report['activities'], 'piece')} of audit "
        "activity: reading the file, talking with the practitioner and hearing from the family.",
        f"{count_of(moderation['moderated'], 'audit')} were moderated; moderation changed the grade of "
        f"{moderation['changed']} ({rate_text(moderation['change_rate'])}).",
    ]
    calibration = report.get("calibration") or {}
    pairs = calibration.get("auditor_vs_moderator", {})
    if pairs.get("pairs"):
        kappa = pairs.get("weighted_kappa")
        paragraphs.append(
            f"Auditors and moderators gave the same overall grade in {rate_text(pairs['exact_agreement_percent'])} of "
            f"{pairs['pairs']} moderated audits graded on Ofsted's scale, themed audits included"
            + (f" (weighted kappa {kappa:g})" if kappa is not None else "")
            + "."
        )
    blind = calibration.get("between_auditors", {})
    if blind.get("pairs"):
        paragraphs.append(
            f"{count_of(blind['pairs'], 'file')} were audited twice, blind, by two auditors, who gave the same grade in "
            f"{rate_text(blind['exact_agreement_percent'])} of them."
        )
    feedback = report.get("family_feedback") or {}
    if feedback.get("invited"):
        paragraphs.append(
            f"{count_of(feedback['invited'], 'family', 'families')} were invited to say what the help was like for them; "
            f"{feedback['answered']} answered."
        )
    return "\n\n".join(paragraphs)


def _improve(figures: dict) -> str:
    report = figures["report"]
    improvement = report["improvement"]
    paragraphs = [
        f"Every file graded Inadequate starts a response with deadlines: {count_of(improvement['plans_opened'], 'plan')} "
        "opened in the period."
        + "".join(
            f" {name}: {rate_text(stage['percent'])} on time ({stage['on_time']} of {stage['of']})."
            for name, stage in improvement["stages"].items()
            if stage["of"]
        )
    ]
    learning = report.get("learning") or {}
    if learning.get("total"):
        kinds = [f"{count_of(n, kind.lower(), kind.lower())}" for kind, n in learning["by_kind"].items() if n]
        paragraphs.append(
            f"{count_of(learning['total'], 'piece')} of learning {'was' if learning['total'] == 1 else 'were'} shared "
            f"from audits ({', '.join(kinds)})."
        )
    recommendations = report.get("recommendations") or []
    total = sum(r["total"] for r in recommendations)
    if total:
        fully = sum(r["counts"].get("Fully implemented", 0) for r in recommendations)
        paragraphs.append(
            f"Of {count_of(total, 'recommendation')} from audits and inspections, {fully} "
            f"{'is' if fully == 1 else 'are'} fully implemented."
        )
    # The clearest measured impacts only: enough judgements on both sides and the months after all passed.
    measured = [i for i in figures.get("impact") or [] if i.get("sentence") and not i.get("note")]
    measured.sort(key=lambda i: -abs(i["change_good_or_better"]))
    paragraphs += [impact["sentence"] for impact in measured[:3]]
    if len(measured) > 3:
        paragraphs.append(f"The table of the impact of learning below shows all {len(measured)} measured.")
    return "\n\n".join(paragraphs)
