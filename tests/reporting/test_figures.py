"""Report figures recomputed from records built for the purpose, including the two source documents."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseaudit.audits.models import Activity, Audit, Programme, SectionJudgement
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.reporting.figures import Scope, audit_figures, grade_figures, percent

from ..factories import ChildFactory, PersonFactory, TeamFactory

D = datetime.date
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires Improvement",
    "inadequate": "Inadequate",
}


def done_audit(
    team,
    grade,
    when,
    *,
    kind="case_file",
    follows=None,
    activities=0,
    auditor_grade=None,
    critical=False,
    programme=None,
    child=None,
    section_grades=None,
):
    tool, themed = standard_tools_ensure()
    version = (themed if kind == "themed" else tool).current_version
    child = child or ChildFactory(team=team)
    audit = Audit.objects.create(
        kind=kind,
        child=child,
        team=team,
        tool_version=version,
        follows=follows,
        programme=programme,
        status="shared",
        overall_grade=auditor_grade or grade,
        moderated_overall_grade=grade,
        final_grade=grade,
        is_critical=critical,
        audit_date=when,
    )
    Activity.objects.bulk_create(
        [Activity(audit=audit, kind="file_review", happened_on=when) for _ in range(activities)]
    )
    if section_grades:
        SectionJudgement.objects.bulk_create(
            [
                SectionJudgement(audit=audit, section=section, grade=g)
                for section, g in zip(version.sections.all(), section_grades, strict=False)
            ]
        )
    return audit


@pytest.fixture
def team(db):
    return TeamFactory()


def test_source_000_219_audits_8_inadequate_is_3_point_7_percent_and_no_repeats(team):
    """Internal audit follow-up, June 2018 to May 2019: 219 audits, 8 inadequate (3.7%), 0 repeat inadequate."""
    start = D(2018, 6, 1)
    mix = ["inadequate"] * 8 + ["good"] * 95 + ["requires_improvement"] * 110 + ["outstanding"] * 6
    for n, grade in enumerate(mix):
        done_audit(team, grade, start + datetime.timedelta(days=n % 364))
    # Outside the period: must not count.
    done_audit(team, "inadequate", D(2018, 5, 31))
    done_audit(team, "inadequate", D(2019, 6, 1))
    figures = audit_figures(Scope(D(2018, 6, 1), D(2019, 5, 31)))
    assert figures["audits"]["total"] == 219
    assert figures["inadequate"] == {"count": 8, "percent": 3.7, "critical": 0}
    assert figures["repeat_inadequate"] == {"count": 0, "percent": 0.0}


def test_source_004_22_audits_66_activities_41_percent_good_and_258_themed_children(team):
    """Worcestershire's summary: 22 case file audits, 3 activities each (66), 41% Good, 1 Inadequate,
    96% Good or Requires Improvement; and 258 children across 14 themed audits."""
    mix = ["good"] * 9 + ["requires_improvement"] * 12 + ["inadequate"]
    for n, grade in enumerate(mix):
        done_audit(team, grade, D(2022, 6, 1) + datetime.timedelta(days=n * 2), activities=3)
    _, themed_tool = standard_tools_ensure()
    children = [ChildFactory(team=team) for _ in range(258)]
    for t in range(14):
        programme = Programme.objects.create(
            kind="themed",
            title=f"Theme {t}",
            month=D(2022, 4, 1),
            tool_version=themed_tool.current_version,
            due_on=D(2022, 4, 30),
            lookback_months=0,
        )
        for child in children[t::14]:
            done_audit(team, "good", D(2022, 4, 20), kind="themed", programme=programme, child=child)
    figures = audit_figures(Scope(D(2022, 4, 1), D(2022, 7, 31)))
    assert figures["audits"]["total"] == 22
    assert figures["activities"] == 66
    assert figures["percent"]["Good"] == 40.9  # "41% judged to be Good"
    assert round(figures["percent"]["Good"]) == 41
    assert figures["percent"]["good_or_requires_improvement"] == 95.5  # "totally at 96%"
    assert figures["inadequate"]["count"] == 1
    assert figures["audits"]["themed"] == 14 and figures["themed_children"] == 258


def test_repeat_inadequate_critical_and_moderation_change_rate(team):
    first = done_audit(team, "inadequate", D(2026, 1, 5), critical=True)
    done_audit(team, "inadequate", D(2026, 4, 6), kind="re_audit", follows=first, child=first.child)
    improved = done_audit(team, "inadequate", D(2026, 1, 6))
    done_audit(
        team,
        "good",
        D(2026, 4, 7),
        kind="re_audit",
        follows=improved,
        child=improved.child,
        auditor_grade="requires_improvement",
    )
    figures = audit_figures(Scope(D(2026, 1, 1), D(2026, 6, 30)))
    assert figures["audits"] == {"total": 4, "new": 2, "re_audits": 2, "themed": 0, "ofsted_scale": 4}
    assert figures["repeat_inadequate"] == {"count": 1, "percent": 25.0}
    assert figures["inadequate"]["critical"] == 1
    assert figures["moderation"] == {"moderated": 4, "changed": 1, "change_rate": 25.0}


def test_practice_area_grades_use_the_moderated_grade_when_there_is_one(team):
    audit = done_audit(team, "good", D(2026, 2, 2), section_grades=["good", "inadequate"])
    first = audit.judgements.order_by("section__position").first()
    first.moderated_grade = "requires_improvement"
    first.save()
    sections = audit_figures(Scope(D(2026, 2, 1), D(2026, 2, 28)))["sections"]
    assert sections["Voice of the Child"] == {"Outstanding": 0, "Good": 0, "Requires Improvement": 1, "Inadequate": 0}
    assert sections["Assessment and Analysis"]["Inadequate"] == 1


def test_a_service_area_report_counts_only_its_teams(db):
    north, south = TeamFactory(), TeamFactory()
    done_audit(north, "good", D(2026, 2, 2))
    done_audit(south, "inadequate", D(2026, 2, 3))
    figures = audit_figures(Scope(D(2026, 2, 1), D(2026, 2, 28), service_area_id=north.service_area_id))
    assert figures["audits"]["total"] == 1 and figures["grades"]["Good"] == 1


def test_percentages_round_half_up_to_one_decimal():
    assert percent(1, 8) == 12.5 and percent(1, 3) == 33.3 and percent(2, 3) == 66.7
    assert percent(0, 0) is None  # no rate without a base (issue 42): shown "–", never 0%
    assert percent(1, 16) == 6.3  # 6.25 rounds up, as people expect


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    audits=st.lists(
        st.tuples(
            st.sampled_from(GRADES),
            st.integers(min_value=0, max_value=400),  # day offset from 1 Jan 2025
            st.sampled_from(["case_file", "re_audit"]),
            st.integers(min_value=0, max_value=4),  # activities
        ),
        max_size=30,
    ),
    window=st.tuples(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400)),
)
def test_percentages_always_agree_with_counts_recomputed_independently(team, audits, window):
    while Audit.objects.exists():  # each example starts from no audits; re-audits go before what they follow
        Audit.objects.filter(re_audits__isnull=True).delete()
    base = D(2025, 1, 1)
    previous = None
    for grade, offset, kind, activities in audits:
        follows = previous if kind == "re_audit" and previous is not None else None
        previous = done_audit(
            team,
            grade,
            base + datetime.timedelta(days=offset),
            kind="re_audit" if follows else "case_file",
            follows=follows,
            activities=activities,
            child=follows.child if follows else None,
        )
    start, end = sorted(window)
    start_day, end_day = base + datetime.timedelta(days=start), base + datetime.timedelta(days=end)
    # The independent count, in Python, from the inputs rather than the database.
    in_period = [a for a in audits if start <= a[1] <= end]
    counts = Counter(grade for grade, *_ in in_period)
    figures = audit_figures(Scope(start_day, end_day))
    total = len(in_period)
    assert figures["audits"]["total"] == total
    # A comparison period's figures (one query) are the same numbers as the full figures'.
    compared = grade_figures(Scope(start_day, end_day))
    assert compared["audits"]["total"] == total and compared["grades"] == figures["grades"]
    assert compared["percent"] == figures["percent"]
    assert figures["activities"] == sum(a[3] for a in in_period)
    for grade in GRADES:
        assert figures["grades"][NAMES[grade]] == counts[grade]
        # Half up, in whole numbers (Python's round() goes to even: 62.5 -> 62, where the report says 6.3).
        expected = (2000 * counts[grade] + total) // (2 * total) / 10 if total else None
        assert figures["percent"][NAMES[grade]] == expected
    if total:
        assert abs(sum(figures["grades"].values()) - total) == 0
        good_or_better = (counts["outstanding"] + counts["good"]) * 100 / total
        assert abs(figures["percent"]["good_or_better"] - good_or_better) <= 0.05 + 1e-9


def test_service_manager_reviews_within_ten_working_days_n_of_m(council):
    from caseaudit.improvement.models import ImprovementPlan, RemedialAction, Stage

    def plan_with_review(day, due, done, by):
        audit = done_audit(council.team_a, "inadequate", day)
        plan = ImprovementPlan.objects.create(audit=audit, child=audit.child, team=audit.team, opened_on=day)
        Stage.objects.create(plan=plan, kind="sm_review", due_on=due, completed_on=done, completed_by=by)
        return plan

    sm, head = council["service_manager"], council["head_of_service"]
    plan_with_review(D(2026, 1, 5), D(2026, 1, 19), D(2026, 1, 16), sm)  # on time
    plan_with_review(D(2026, 1, 12), D(2026, 1, 26), D(2026, 1, 28), sm)  # late
    plan_with_review(D(2026, 2, 2), D(2026, 2, 16), D(2026, 2, 16), head)  # on the day: on time
    late = plan_with_review(D(2026, 3, 2), D(2026, 3, 16), None, None)  # not done, past due
    plan_with_review(D(2026, 3, 23), D(2026, 4, 7), None, None)  # not yet due at the period's end
    RemedialAction.objects.create(plan=late, description="x", owner=sm, due_on=D(2026, 3, 20), created_on=D(2026, 3, 2))
    RemedialAction.objects.create(plan=late, description="y", owner=sm, due_on=D(2026, 4, 20), created_on=D(2026, 3, 2))
    from caseaudit.reporting.figures import improvement_figures

    figures = improvement_figures(Scope(D(2026, 1, 1), D(2026, 3, 31)))
    assert figures["plans_opened"] == 5
    assert figures["stages"]["Service manager review"] == {
        "on_time": 2,
        "of": 4,
        "percent": 50.0,
        "not_yet_due": 1,
        "small_base": True,
    }
    # The table adds up to the stage: the review due and not done is a row of its own (issue 42).
    assert figures["service_manager_reviews_by_manager"] == [
        {"manager": "Head Of Service", "on_time": 1, "of": 1, "percent": 100.0},
        {"manager": "Service Manager", "on_time": 1, "of": 2, "percent": 50.0},
        {"manager": "Not yet recorded", "on_time": 0, "of": 1, "percent": 0.0},
    ]
    assert figures["actions"] == {"open": 2, "overdue": 1}


def test_reviews_by_manager_are_per_name_and_only_service_manager_reviews(council):
    """The timeliness counts and the per-manager reviews come from one grouped query (decision 0075)."""
    from caseaudit.improvement.models import ImprovementPlan, Stage
    from caseaudit.reporting.figures import improvement_figures

    namesake = PersonFactory(email="namesake@council.example", full_name="Service Manager")
    sm, head = council["service_manager"], council["head_of_service"]

    def plan(day):
        audit = done_audit(council.team_a, "inadequate", day)
        return ImprovementPlan.objects.create(audit=audit, child=audit.child, team=audit.team, opened_on=day)

    first, second, third = plan(D(2026, 1, 5)), plan(D(2026, 1, 12)), plan(D(2026, 2, 2))
    Stage.objects.create(
        plan=first, kind="sm_review", due_on=D(2026, 1, 19), completed_on=D(2026, 1, 16), completed_by=sm
    )
    Stage.objects.create(
        plan=second, kind="sm_review", due_on=D(2026, 1, 26), completed_on=D(2026, 1, 28), completed_by=namesake
    )
    # A meeting recorded by the head of service counts for meetings, not as a service manager review.
    Stage.objects.create(
        plan=third, kind="meeting", due_on=D(2026, 2, 5), completed_on=D(2026, 2, 4), completed_by=head
    )
    # Recorded (in the admin) as done by someone but with no date and not yet due: not yet counted, for
    # timeliness or in the reviews by manager (which add up to the stage's figures).
    Stage.objects.create(plan=third, kind="sm_review", due_on=D(2026, 4, 20), completed_by=head)

    figures = improvement_figures(Scope(D(2026, 1, 1), D(2026, 3, 31)))
    meeting, review = figures["stages"]["Day-three meeting"], figures["stages"]["Service manager review"]
    assert (meeting["on_time"], meeting["of"], meeting["percent"]) == (1, 1, 100.0)
    assert (review["on_time"], review["of"], review["percent"], review["not_yet_due"]) == (1, 2, 50.0, 1)
    assert figures["service_manager_reviews_by_manager"] == [
        {"manager": "Service Manager", "on_time": 1, "of": 2, "percent": 50.0},
    ]


def test_the_report_command_writes_the_json_the_issue_names(team, tmp_path):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    done_audit(team, "good", D(2026, 2, 2), activities=3, section_grades=["good"])
    done_audit(team, "inadequate", D(2026, 2, 3), activities=3, critical=True, section_grades=["inadequate"])
    out = tmp_path / "report.json"
    call_command("report", "--from", "2026-02-01", "--to", "2026-02-28", "--format", "json", "--output", str(out))
    report = json.loads(out.read_text())
    assert report["audits"]["total"] == 2 and report["audits"]["new"] == 2 and report["audits"]["re_audits"] == 0
    assert report["audits"]["themed"] == 0 and report["themed_children"] == 0 and report["activities"] == 6
    assert report["grades"] == {"Outstanding": 0, "Good": 1, "Requires Improvement": 0, "Inadequate": 1}
    assert report["percent"]["good_or_better"] == 50.0 and report["percent"]["good_or_requires_improvement"] == 50.0
    assert report["inadequate"] == {"count": 1, "percent": 50.0, "critical": 1}
    assert report["repeat_inadequate"] == {"count": 0, "percent": 0.0}
    assert report["sections"] == {
        "Voice of the Child": {"Outstanding": 0, "Good": 1, "Requires Improvement": 0, "Inadequate": 1}
    }
    with pytest.raises(CommandError, match="No service area"):
        call_command("report", "--from", "2026-02-01", "--to", "2026-02-28", "--service-area", "Atlantis")
    with pytest.raises(CommandError, match="on or after"):
        call_command("report", "--from", "2026-02-28", "--to", "2026-02-01")
