"""Calibration sessions (issue 32, point 3): auditors grade one file blind, the spread is shown, QA records the
grades agreed and the learning points, which go into the learning log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseaudit.learning.calibration import (
    calibration_close,
    calibration_grade_submit,
    calibration_session_create,
    calibration_spread,
)
from caseaudit.learning.models import CalibrationSession, LearningEntry
from caseaudit.learning.services import LearningRuleError
from caseaudit.organisation.models import PersonRole
from caseaudit.organisation.roles import Role


@pytest.fixture
def session(council):
    return calibration_session_create(
        by=council["qa_admin"], title="A child in need plan", held_on=datetime.date(2026, 12, 1),
        vignette="A family of four; the plan has no dates.",
    )  # fmt: skip


def grades_for(session, grade, **changed):
    return {s.pk: changed.get(s.title, grade) for s in session.tool_version.sections.all()}


def form_for(session, grade, prefix=""):
    data = {f"{prefix}section_{s.pk}": grade for s in session.tool_version.sections.all()}
    data[f"{prefix}overall"] = grade
    return data


def test_the_spread_counts_each_grade_given_and_close_writes_the_learning(council, session):
    PersonRole.objects.create(person=council["moderator"], role=Role.AUDITOR)
    first_area = session.tool_version.sections.order_by("position").first().title
    calibration_grade_submit(
        session_id=session.pk, by=council["auditor"], overall="good", sections=grades_for(session, "good")
    )
    calibration_grade_submit(
        session_id=session.pk, by=council["moderator"], overall="requires_improvement",
        sections=grades_for(session, "good", **{first_area: "inadequate"}),
    )  # fmt: skip
    spread = calibration_spread(session)
    assert spread[0].title == first_area and spread[0].counts == {
        "outstanding": 0, "good": 1, "requires_improvement": 0, "inadequate": 1,
    }  # fmt: skip
    assert spread[-1].title == "Overall" and spread[-1].counts["requires_improvement"] == 1
    closed = calibration_close(
        session_id=session.pk, by=council["qa_admin"], agreed_overall="good",
        agreed_sections=grades_for(session, "good"), learning_points="Plans without dates are not Good.",
    )  # fmt: skip
    entry = closed.learning_entry
    assert entry.kind == "calibration" and entry.summary == "Plans without dates are not Good."
    assert entry.themes == [first_area]  # only the area whose grades differed
    assert calibration_spread(closed)[0].agreed_label == "Good"
    with pytest.raises(LearningRuleError, match="closed"):
        calibration_grade_submit(session_id=session.pk, by=council["auditor"], overall="good", sections={})


def test_each_person_grades_once_and_only_auditors_and_moderators_take_part(council, session):
    calibration_grade_submit(
        session_id=session.pk, by=council["auditor"], overall="good", sections=grades_for(session, "good")
    )
    with pytest.raises(LearningRuleError, match="already given"):
        calibration_grade_submit(
            session_id=session.pk, by=council["auditor"], overall="good", sections=grades_for(session, "good")
        )
    with pytest.raises(LearningRuleError, match="Only auditors and moderators"):
        calibration_grade_submit(
            session_id=session.pk, by=council["social_worker"], overall="good", sections=grades_for(session, "good")
        )
    with pytest.raises(LearningRuleError, match="every practice area"):
        calibration_grade_submit(session_id=session.pk, by=council["moderator"], overall="good", sections={})
    with pytest.raises(LearningRuleError, match="At least 2"):
        calibration_close(
            session_id=session.pk, by=council["qa_admin"], agreed_overall="good",
            agreed_sections=grades_for(session, "good"), learning_points="Too soon",
        )  # fmt: skip
    assert not LearningEntry.objects.exists()


def test_a_participant_sees_the_spread_only_once_their_grades_are_in(client, council, session):
    calibration_grade_submit(
        session_id=session.pk, by=council["moderator"], overall="inadequate", sections=grades_for(session, "inadequate")
    )
    url = reverse("learning:calibration_show", args=[session.pk])
    client.force_login(council["auditor"])
    page = client.get(url).content.decode()
    assert "Your grades" in page and "The spread of grades" not in page
    answer = client.post(url, form_for(session, "good"))
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert "The spread of grades (2 in)" in page and "Your grades are in" in page


def test_qa_run_the_session_through_the_pages(client, council, session):
    client.force_login(council["qa_admin"])
    page = client.post(
        reverse("learning:calibration_new"),
        {
            "title": "Both",
            "held_on_day": "1",
            "held_on_month": "12",
            "held_on_year": "2026",
            "case_id": "LCS1",
            "vignette": "Also this",
        },
    )
    assert "Give a case system ID or write a vignette, not both" in page.content.decode()
    for person in ("auditor", "moderator"):
        calibration_grade_submit(
            session_id=session.pk, by=council[person], overall="good", sections=grades_for(session, "good")
        )
    close = reverse("learning:calibration_close", args=[session.pk])
    missing = client.post(close, form_for(session, "good", prefix="agreed-")).content.decode()
    assert "There is a problem" in missing and "Write the learning points" in missing
    done = client.post(close, {**form_for(session, "good", prefix="agreed-"), "agreed-learning_points": "Agreed."})
    assert done.status_code == 302
    session.refresh_from_db()
    assert not session.is_open and session.learning_entry.summary == "Agreed."


def test_nobody_else_reaches_the_sessions(client, council, session):
    for person in ("social_worker", "team_manager", "director"):
        client.force_login(council[person])
        assert client.get(reverse("learning:calibration_index")).status_code == 404
        assert client.get(reverse("learning:calibration_show", args=[session.pk])).status_code == 404
    client.force_login(council["auditor"])
    assert client.get(reverse("learning:calibration_new")).status_code == 404
    assert CalibrationSession.objects.count() == 1
