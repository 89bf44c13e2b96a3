"""The impact of learning (issue 35, point 3): a practice area's grades in the audits before and after a piece of
learning or an agreed recommendation, recomputed from audits built for the purpose."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseaudit.audits import scales
from caseaudit.audits.models import Audit, SectionJudgement
from caseaudit.audits.services.tools import SectionSpec, standard_tools_ensure, tool_create
from caseaudit.learning.impact import impact_for_entries, impact_in_period, learning_impact
from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource

from ..factories import ChildFactory

D = datetime.date
PLANS = "Quality of Plans"
VOICE = "Voice of the Child"
ON = D(2025, 3, 1)
LONG_AFTER = D(2026, 1, 1)  # the six months after ON have run their course
# Six months from 1 March 2025 is 1 March to 31 August (184 days); the 184 days before end on 28 February.
BEFORE = (D(2024, 8, 29), D(2025, 2, 28))
AFTER = (D(2025, 3, 1), D(2025, 8, 31))


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD = 10


def judged(team, when, grades, *, status="shared", kind="case_file", version=None, follows=None):
    """An audit dated `when` with a judgement per practice area: {title: grade} or {title: (auditor's, moderator's)}."""
    version = version or standard_tools_ensure()[0].current_version
    done = status in ("finalised", "shared")
    overall = version.grading_scale.values[0]
    audit = Audit.objects.create(
        kind=kind, child=ChildFactory(team=team), team=team, tool_version=version, status=status,
        overall_grade=overall, final_grade=overall if done else "", audit_date=when, follows=follows,
    )  # fmt: skip
    sections = {s.title: s for s in version.sections.all()}
    for title, grade in grades.items():
        auditors, moderators = grade if isinstance(grade, tuple) else (grade, "")
        SectionJudgement.objects.create(
            audit=audit, section=sections[title], grade=auditors, moderated_grade=moderators
        )
    return audit


def many(team, when, area, mix):
    """One audit per grade in `mix` ({grade: how many}), all dated `when`."""
    return [judged(team, when, {area: grade}) for grade, n in mix.items() for _ in range(n)]


def table(impact, area, scale="ofsted"):
    figures = next(a for a in impact["areas"] if a["area"] == area)
    return next(t for t in figures["scales"] if t["scale"] == scale)


def counts(t, side):
    return {row["label"]: row[side] for row in t["grades"]}


def test_a_practice_areas_grades_before_and_after_are_recomputed_from_the_audits(council):
    team = council.team_a
    # Before: 10 judgements, 5 Good or better (50.0%), 2 Inadequate (20.0%). One the auditor graded Inadequate
    # was moderated to Good: the moderator's grade is the one counted.
    many(team, BEFORE[0], PLANS, {"outstanding": 2, "good": 2})  # the first day of the before-window counts
    first = judged(team, D(2024, 12, 2), {PLANS: ("inadequate", "good"), VOICE: "inadequate"})
    many(team, BEFORE[1], PLANS, {"requires_improvement": 3, "inadequate": 2})
    # After: 16 judgements, 11 Good or better (68.75%, shown 68.8), 1 Inadequate (6.25%, shown 6.3: half up).
    many(team, AFTER[0], PLANS, {"outstanding": 2, "good": 8, "requires_improvement": 4})
    many(team, AFTER[1], PLANS, {"inadequate": 1})  # the last day of the after-window counts
    judged(team, D(2025, 6, 3), {PLANS: ("requires_improvement", "good")}, kind="re_audit", follows=first)
    # Not counted: the days either side of the windows, unfinished audits, themed audits, another area.
    many(team, BEFORE[0] - datetime.timedelta(days=1), PLANS, {"inadequate": 3})
    many(team, AFTER[1] + datetime.timedelta(days=1), PLANS, {"inadequate": 3})
    judged(team, D(2025, 4, 1), {PLANS: "inadequate"}, status="in_moderation")
    judged(team, D(2025, 4, 1), {PLANS: "inadequate"}, status="draft")
    judged(team, D(2025, 4, 1), {PLANS: "inadequate"}, kind="themed")
    judged(team, D(2025, 4, 1), {VOICE: "outstanding"})

    impact = learning_impact([PLANS], ON, LONG_AFTER)

    assert (impact["before"]["from"], impact["before"]["to"]) == ("2024-08-29", "2025-02-28")
    assert (impact["after"]["from"], impact["after"]["to"]) == ("2025-03-01", "2025-08-31")
    assert impact["days"] == 184 and not impact["running"] and not impact["not_started"] and not impact["cautions"]
    assert [a["area"] for a in impact["areas"]] == [PLANS]
    plans = table(impact, PLANS)
    assert [t["scale"] for t in impact["areas"][0]["scales"]] == ["ofsted"]
    assert counts(plans, "before") == {"Outstanding": 2, "Good": 3, "Requires improvement": 3, "Inadequate": 2}
    assert counts(plans, "after") == {"Outstanding": 2, "Good": 9, "Requires improvement": 4, "Inadequate": 1}
    assert plans["before"] == {"total": 10, "good_or_better": 50.0, "inadequate": 20.0}
    assert plans["after"] == {"total": 16, "good_or_better": 68.8, "inadequate": 6.3}
    assert plans["change"] == {"good_or_better": 18.8, "inadequate": -13.7}
    assert not plans["small"] and plans["caution"] == ""


def test_each_area_is_counted_on_its_own_and_themes_that_are_no_practice_area_are_named_apart(council):
    team = council.team_a
    judged(team, D(2025, 1, 10), {PLANS: "good", VOICE: "inadequate"})
    judged(team, D(2025, 5, 10), {PLANS: "inadequate"})

    impact = learning_impact([VOICE, "Complaints", PLANS, VOICE], ON, LONG_AFTER)

    assert [a["area"] for a in impact["areas"]] == [VOICE, PLANS]  # in the order given, once each
    assert impact["not_practice_areas"] == ["Complaints"]
    assert (table(impact, VOICE)["before"]["total"], table(impact, VOICE)["after"]["total"]) == (1, 0)
    assert counts(table(impact, PLANS), "before")["Good"] == 1
    assert counts(table(impact, PLANS), "after")["Inadequate"] == 1


def test_an_area_no_audit_graded_has_no_table_and_no_area_gives_no_impact(council):
    judged(council.team_a, D(2025, 5, 10), {PLANS: "good"})
    impact = learning_impact([VOICE], ON, LONG_AFTER)
    assert impact["areas"] == [{"area": VOICE, "scales": []}]
    assert learning_impact([], ON, LONG_AFTER) is None
    assert learning_impact(["Complaints"], ON, LONG_AFTER)["areas"] == []


def test_fewer_judgements_than_the_threshold_on_either_side_carry_a_caution_and_no_change(council, settings):
    team = council.team_a
    many(team, D(2025, 1, 10), PLANS, {"good": 9})  # one short of 10 before
    many(team, D(2025, 5, 10), PLANS, {"good": 6, "inadequate": 6})

    plans = table(learning_impact([PLANS], ON, LONG_AFTER), PLANS)
    assert plans["small"] and plans["change"] == {"good_or_better": None, "inadequate": None}
    assert plans["caution"].startswith("Fewer than 10 judgements on one side (9 before, 12 after)")
    # The rates are still shown, as counts to read with the caution.
    assert plans["before"]["good_or_better"] == 100.0 and plans["after"]["good_or_better"] == 50.0

    settings.CASEAUDIT_SMALL_NUMBER_THRESHOLD = 9
    plans = table(learning_impact([PLANS], ON, LONG_AFTER), PLANS)
    assert not plans["small"] and plans["change"] == {"good_or_better": -50.0, "inadequate": 50.0}


def test_a_window_with_no_grades_has_no_rate(council):
    many(council.team_a, D(2025, 5, 10), PLANS, {"good": 12})
    plans = table(learning_impact([PLANS], ON, LONG_AFTER), PLANS)
    assert plans["before"] == {"total": 0, "good_or_better": None, "inadequate": None}
    assert plans["small"] and plans["change"] == {"good_or_better": None, "inadequate": None}


def test_a_running_after_window_is_cut_at_today_and_the_before_window_to_the_same_length(council):
    team = council.team_a
    on, today = D(2026, 1, 10), D(2026, 2, 9)
    judged(team, D(2025, 12, 9), {PLANS: "inadequate"})  # in a full-length before-window, not in the cut one
    judged(team, D(2025, 12, 10), {PLANS: "good"})  # the cut before-window's first day
    judged(team, today, {PLANS: "outstanding"})  # today counts
    judged(team, D(2026, 2, 10), {PLANS: "inadequate"})  # after today (a wrong date on a record): not counted

    impact = learning_impact([PLANS], on, today)

    assert impact["days"] == 31 and impact["running"] and not impact["not_started"]
    assert (impact["before"]["from"], impact["before"]["to"]) == ("2025-12-10", "2026-01-09")
    assert (impact["after"]["from"], impact["after"]["to"]) == ("2026-01-10", "2026-02-09")
    assert impact["full_after"]["to"] == "2026-07-09"
    assert "run to 9 July 2026" in impact["cautions"][0] and "same 31 days" in impact["cautions"][0]
    plans = table(impact, PLANS)
    assert counts(plans, "before") == {"Outstanding": 0, "Good": 1, "Requires improvement": 0, "Inadequate": 0}
    assert counts(plans, "after") == {"Outstanding": 1, "Good": 0, "Requires improvement": 0, "Inadequate": 0}


def test_the_window_runs_to_its_last_day_and_a_shorter_one_can_be_asked_for(council):
    on = D(2025, 3, 1)
    assert learning_impact([PLANS], on, D(2025, 8, 31))["running"]  # audits may still be dated today
    assert not learning_impact([PLANS], on, D(2025, 9, 1))["running"]
    three = learning_impact([PLANS], on, LONG_AFTER, months=3)
    assert (three["after"]["to"], three["days"], three["before"]["from"]) == ("2025-05-31", 92, "2024-11-29")


def test_a_date_still_to_come_has_nothing_after_it_and_reads_no_grades(council):
    judged(council.team_a, D(2025, 12, 1), {PLANS: "good"})
    with CaptureQueriesContext(connection) as queries:
        impact = learning_impact([PLANS], D(2026, 2, 1), D(2026, 1, 15))
    assert len(queries) == 1  # the practice areas' names only
    assert impact["not_started"] and impact["running"] and impact["days"] == 0
    assert impact["after"] == impact["before"] == {"from": None, "to": None, "label": ""}
    assert impact["cautions"] == ["1 February 2026 is still to come: there are no audits after it to compare yet."]
    assert impact["areas"] == [{"area": PLANS, "scales": []}]


def test_another_scale_is_kept_apart_and_never_added_to_ofsteds(council):
    team = council.team_a
    three_point = tool_create(
        name="Three-point audit", kind="case_file", scale=scales.ScaleKey.THREE_POINT,
        sections=[SectionSpec(PLANS, ["Is the plan clear?"])],
    ).current_version  # fmt: skip
    scaling = tool_create(
        name="Signs of Safety audit", kind="case_file", scale=scales.ScaleKey.SCALING,
        sections=[SectionSpec(PLANS, ["Is the plan clear?"])],
    ).current_version  # fmt: skip
    many(team, D(2025, 1, 10), PLANS, {"good": 10})
    many(team, D(2025, 5, 10), PLANS, {"good": 10, "inadequate": 2})
    for _ in range(3):
        judged(team, D(2025, 1, 10), {PLANS: "tp_good"}, version=three_point)
    judged(team, D(2025, 5, 10), {PLANS: ("tp_good", "tp_inadequate")}, version=three_point)
    judged(team, D(2025, 5, 10), {PLANS: "scale_7"}, version=scaling)

    impact = learning_impact([PLANS], ON, LONG_AFTER)

    areas = impact["areas"][0]["scales"]
    assert [t["scale"] for t in areas] == ["ofsted", "scaling_0_10", "three_point"]  # Ofsted's first
    ofsted = table(impact, PLANS)
    # A three-point "Good" is not Ofsted's Good: Ofsted's counts and rates are over its own 10 and 12 only.
    assert counts(ofsted, "before")["Good"] == 10 and counts(ofsted, "after")["Good"] == 10
    assert ofsted["before"]["total"] == 10 and ofsted["after"]["total"] == 12
    assert ofsted["after"]["inadequate"] == 16.7 and ofsted["change"]["inadequate"] == 16.7
    tp = table(impact, PLANS, "three_point")
    assert counts(tp, "before") == {"Good": 3, "Adequate": 0, "Inadequate": 0}
    assert counts(tp, "after") == {"Good": 0, "Adequate": 0, "Inadequate": 1}  # the moderator's grade
    assert (tp["before"], tp["after"], tp["small"]) == ({"total": 3}, {"total": 1}, True)
    assert "change" not in tp  # no Ofsted rates on another scale
    sos = table(impact, PLANS, "scaling_0_10")
    assert counts(sos, "after")["7"] == 1 and sum(counts(sos, "after").values()) == 1
    assert sos["before"]["total"] == 0


def test_the_learning_of_a_period_is_counted_together_in_two_queries(council):
    team = council.team_a
    qa = council["qa_admin"]
    briefing = LearningEntry.objects.create(
        kind="briefing", title="Plans briefing", happened_on=D(2025, 3, 1), summary="x", themes=[PLANS], created_by=qa
    )
    later = LearningEntry.objects.create(
        kind="training", title="Voice training", happened_on=D(2025, 9, 1), summary="x", themes=[VOICE, "Complaints"],
        created_by=qa,
    )  # fmt: skip
    none = LearningEntry.objects.create(
        kind="newsletter", title="Newsletter", happened_on=D(2025, 4, 1), summary="x", created_by=qa
    )
    judged(team, D(2025, 1, 10), {PLANS: "good", VOICE: "good"})
    judged(team, D(2025, 5, 10), {PLANS: "inadequate", VOICE: "inadequate"})
    judged(team, D(2025, 10, 10), {VOICE: "outstanding"})

    with CaptureQueriesContext(connection) as queries:
        rows = impact_for_entries([briefing, later, none], LONG_AFTER)
    assert len(queries) == 2
    assert [(r["title"], r["date"]) for r in rows] == [
        ("Plans briefing", "2025-03-01"),
        ("Voice training", "2025-09-01"),
        ("Newsletter", "2025-04-01"),
    ]
    assert rows[2]["impact"] is None
    plans = table(rows[0]["impact"], PLANS)
    assert (plans["before"]["total"], plans["after"]["total"]) == (1, 1)
    voice = table(rows[1]["impact"], VOICE)
    # Its own windows: from 1 September 2025 to today (123 days of six months) and as many days before.
    assert rows[1]["impact"]["before"]["from"] == "2025-05-01" and rows[1]["impact"]["running"]
    assert counts(voice, "before")["Inadequate"] == 1 and counts(voice, "after")["Outstanding"] == 1
    assert counts(voice, "before")["Good"] == 0  # January is before its before-window
    # The pack's read: only the learning and recommendations naming a practice area, dated in the period.
    source = RecommendationSource.objects.create(kind="inspection", title="Ofsted", reported_on=D(2025, 3, 1))
    Recommendation.objects.create(
        source=source, text="Plans", agreed_action="a", owner=council["service_manager"], raised_on=D(2025, 3, 1),
        due_on=D(2025, 9, 1), practice_areas=[PLANS],
    )  # fmt: skip
    pack = impact_in_period(D(2025, 1, 1), D(2025, 6, 30), LONG_AFTER)
    assert [r["title"] for r in pack["entries"]] == ["Plans briefing"]
    assert [r["text"] for r in pack["recommendations"]] == ["Plans"]
    assert table(pack["recommendations"][0]["impact"], PLANS)["after"]["inadequate"] == 100.0


def _entry(council, on, themes):
    return LearningEntry.objects.create(
        kind="briefing", title="Plans briefing", happened_on=on, summary="x", themes=themes,
        created_by=council["qa_admin"],
    )  # fmt: skip


def test_the_learning_page_shows_the_impact_on_practice(client, council, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 1, 10, 0), tick=False)
    entry = _entry(council, ON, [PLANS, "Complaints"])
    many(council.team_a, D(2025, 1, 10), PLANS, {"good": 2, "inadequate": 1})
    many(council.team_a, D(2025, 5, 10), PLANS, {"outstanding": 1})
    client.force_login(council["social_worker"])

    body = client.get(f"/learning/{entry.pk}/").content.decode()

    assert "Impact on practice" in body
    assert '<div class="app-table-scroll" tabindex="0" role="region" aria-label="Quality of Plans: grades' in body
    assert "29 August 2024 to 28 February 2025" in body and "1 March 2025 to 31 August 2025" in body
    assert "Fewer than 10 judgements on one side (3 before, 1 after)" in body
    assert ">66.7%<" in body and ">33.3%<" in body and ">100.0%<" in body  # Good or better, Inadequate, after
    assert "Complaints: not a practice area" in body


def test_the_learning_pages_queries_do_not_grow_with_the_audits(client, council, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 1, 10, 0), tick=False)
    standard_tools_ensure()  # the practice areas exist before any audit is done on them
    entry = _entry(council, ON, [PLANS, VOICE])
    client.force_login(council["social_worker"])
    url = f"/learning/{entry.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for when in (D(2025, 1, 10), D(2025, 5, 10), D(2025, 6, 11)):
        judged(council.team_a, when, {PLANS: "good", VOICE: "inadequate"})
        judged(council.team_b, when, {PLANS: ("good", "inadequate")})
    with CaptureQueriesContext(connection) as many_:
        body = client.get(url).content.decode()
    assert "Judgements" in body
    assert len(many_) == len(few)


def test_the_learning_page_with_no_practice_area_has_no_impact_section(client, council):
    entry = _entry(council, ON, [])
    client.force_login(council["social_worker"])
    assert "Impact on practice" not in client.get(f"/learning/{entry.pk}/").content.decode()


@pytest.fixture
def source(council):
    return RecommendationSource.objects.create(kind="inspection", title="Ofsted", reported_on=D(2025, 3, 1))


def test_the_recommendation_form_saves_its_practice_areas(client, council, source):
    client.force_login(council["qa_admin"])
    url = f"/learning/recommendations/sources/{source.pk}/new"
    form = client.get(url).content.decode()
    assert 'name="practice_areas" id="id_practice_areas_2" value="Quality of Plans"' in form
    data = {
        "text": "Plans must say who does what by when",
        "agreed_action": "Plans training",
        "owner": council["service_manager"].pk,
        "raised_on": "2025-03-01",
        "due_on": "2025-09-01",
    }
    refused = client.post(url, {**data, "practice_areas": ["Not an area"]}).content.decode()
    assert "There is a problem" in refused and not Recommendation.objects.exists()

    response = client.post(url, {**data, "practice_areas": [PLANS, VOICE]})
    assert response.status_code == 302
    assert Recommendation.objects.get().practice_areas == [PLANS, VOICE]


def test_the_recommendation_page_shows_the_impact_from_the_day_it_was_agreed(client, council, source, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 1, 10, 0), tick=False)
    rec = Recommendation.objects.create(
        source=source, text="Plans", agreed_action="a", owner=council["service_manager"], raised_on=D(2025, 3, 1),
        due_on=D(2025, 9, 1), practice_areas=[PLANS],
    )  # fmt: skip
    many(council.team_a, D(2025, 2, 20), PLANS, {"inadequate": 2})
    many(council.team_a, D(2025, 3, 20), PLANS, {"good": 1})
    client.force_login(council["qa_admin"])

    body = client.get(f"/learning/recommendations/{rec.pk}/").content.decode()

    assert "Impact on practice" in body and "Practice areas" in body
    assert "The 6 months after 1 March 2025 run to 31 August 2025" in body
    assert "1 March 2025 to 1 April 2025 (so far)" in body and "28 January 2025 to 28 February 2025" in body
    assert 'aria-label="Quality of Plans: grades before and after"' in body
