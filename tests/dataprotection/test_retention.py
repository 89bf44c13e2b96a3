"""Retention: periods per legal status, a dry run that changes nothing, and anonymisation
that removes what identifies the child while every report figure stays the same."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseaudit.audits.models import Activity, Audit, SectionJudgement
from caseaudit.dataprotection.models import RetentionPeriod, RetentionRun
from caseaudit.dataprotection.retention import REMOVED, retention_due, retention_periods
from caseaudit.improvement.models import RemedialAction, Stage
from caseaudit.organisation.models import Child
from caseaudit.reporting.figures import Scope, audit_figures, improvement_figures, section_figures
from caseaudit.trail.models import TrailEntry
from tests.factories import ChildFactory

LATER = datetime.date(2037, 1, 1)  # past the child in need period of a child born in 2015, closed now


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def closed_history(case_history):
    child = case_history["child"]
    child.closed_on = timezone.localdate()
    child.save()
    return case_history


def test_every_legal_status_has_a_period_and_looked_after_children_are_kept_to_75(db):
    periods = {p.legal_status: p for p in retention_periods()}
    assert set(periods) == {
        "early_help", "child_in_need", "child_protection", "looked_after", "care_leaver", "not_recorded"
    }  # fmt: skip
    looked_after = periods["looked_after"]
    assert looked_after.keep_until_age == 75 and looked_after.basis
    assert looked_after.erase_after(
        date_of_birth=datetime.date(2004, 2, 29), closed_on=datetime.date(2022, 2, 28)
    ) == datetime.date(2079, 2, 28)
    protection = periods["child_protection"]
    assert protection.erase_after(
        date_of_birth=datetime.date(2010, 1, 1), closed_on=datetime.date(2020, 6, 30)
    ) == datetime.date(2055, 6, 30)
    # The later of the birthday and the years after closure.
    in_need = periods["child_in_need"]
    assert in_need.erase_after(
        date_of_birth=datetime.date(2000, 1, 1), closed_on=datetime.date(2020, 6, 30)
    ) == datetime.date(2026, 6, 30)
    # Status and birthday unknown (a child met first in a historic import): the longest periods, the
    # birthday bound counted as if born on the day the case closed.
    unknown = periods["not_recorded"]
    assert unknown.erase_after(date_of_birth=None, closed_on=datetime.date(2020, 6, 30)) == datetime.date(2095, 6, 30)
    assert in_need.description == "until the 21st birthday or 6 years after the case closed, whichever is later"


def test_only_closed_children_past_their_period_are_due(council):
    past = ChildFactory(
        team=council.team_a, closed_on=datetime.date(2025, 1, 31), date_of_birth=datetime.date(2000, 1, 1)
    )
    looked_after = ChildFactory(
        team=council.team_a,
        legal_status="looked_after",
        closed_on=datetime.date(2025, 1, 31),
        date_of_birth=datetime.date(2000, 1, 1),
    )
    due = retention_due(today=datetime.date(2031, 2, 1))
    assert [d.child for d in due] == [past]
    assert "Child in need, closed 31 Jan 2025" in due[0].reason and "31 Jan 2031" in due[0].reason
    assert looked_after not in [d.child for d in retention_due(today=datetime.date(2074, 12, 31))]
    assert looked_after in [d.child for d in retention_due(today=datetime.date(2075, 1, 2))]


def test_a_period_the_qa_administrator_changes_takes_effect(council):
    child = ChildFactory(
        team=council.team_a, closed_on=datetime.date(2025, 1, 31), date_of_birth=datetime.date(2000, 1, 1)
    )
    assert not retention_due(today=datetime.date(2027, 1, 1))
    RetentionPeriod.objects.update_or_create(
        legal_status="child_in_need", defaults={"keep_until_age": None, "years_after_closure": 1, "basis": "Local"}
    )
    assert [d.child for d in retention_due(today=datetime.date(2027, 1, 1))] == [child]


def test_the_dry_run_lists_who_and_why_and_changes_nothing(closed_history):
    child = closed_history["child"]
    trail_before = TrailEntry.objects.count()
    out = run("--today", LATER.isoformat())
    assert f"child {child.pk} ({child.case_id}): Child in need, closed" in out
    assert "Dry run: 1 children would be anonymised. Nothing was changed" in out
    child.refresh_from_db()
    assert child.name == "Olivia Own"
    assert not RetentionRun.objects.exists()
    assert TrailEntry.objects.count() == trail_before


def test_commit_anonymises_the_child_and_keeps_every_figure(closed_history):
    council, child, audit = closed_history["council"], closed_history["child"], closed_history["audit"]
    today = timezone.localdate()
    scope = Scope(start=today.replace(day=1), end=today)
    before = (audit_figures(scope), section_figures(scope), improvement_figures(scope))
    grades_before = list(Audit.objects.order_by("pk").values_list("final_grade", "audit_date", "team_id", "kind"))
    original = (child.name, child.case_id)
    last_before = TrailEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    out = run("--commit", "--today", LATER.isoformat(), "--by", council["qa_admin"].email)

    assert "Anonymised 1 children" in out
    assert (audit_figures(scope), section_figures(scope), improvement_figures(scope)) == before
    assert (
        list(Audit.objects.order_by("pk").values_list("final_grade", "audit_date", "team_id", "kind")) == grades_before
    )
    child.refresh_from_db()
    assert child.name == f"Anonymised child {child.pk}" and child.case_id == f"ANON-{child.pk}"
    assert child.date_of_birth == datetime.date(2015, 1, 1)
    audit.refresh_from_db()
    assert audit.strengths == REMOVED and audit.critical_action == REMOVED
    assert set(SectionJudgement.objects.filter(audit=audit).values_list("evidence", flat=True)) == {REMOVED}
    assert Activity.objects.get(audit=audit, kind="family").family_words == REMOVED
    assert set(RemedialAction.objects.filter(plan__child=child).values_list("description", flat=True)) == {REMOVED}
    assert Stage.objects.get(plan__child=child, kind="meeting").attendees == REMOVED
    recommendation = closed_history["recommendation"]
    recommendation.refresh_from_db()
    assert recommendation.text == "Learn from case [child]"
    # What the change history gained names nobody: the saves bypassed auditlog, one entry says what went.
    new_entries = TrailEntry.objects.filter(sequence__gt=last_before)
    assert new_entries.count() >= 2
    for entry in new_entries:
        flat = (
            f"{entry.changes} {entry.changes_text} {entry.object_repr} {entry.serialized_data} {entry.additional_data}"
        )
        assert original[0] not in flat and original[1] not in flat
    child_entry = (
        TrailEntry.objects.filter(object_pk=str(child.pk), content_type__model="child").order_by("-sequence").first()
    )
    assert child_entry.changes["name"] == ["[removed]", child.name]
    assert child_entry.actor == council["qa_admin"]
    run_entry = TrailEntry.objects.filter(content_type__model="retentionrun").get()
    assert run_entry.actor == council["qa_admin"] and run_entry.changes["children_anonymised"][1] == 1
    call_command("verify_audit_trail", stdout=StringIO())
    # A second run finds nothing left to do.
    assert "Anonymised 0 children" in run("--commit", "--today", LATER.isoformat())


def test_a_failure_part_way_leaves_every_child_as_it_was(closed_history, monkeypatch):
    from caseaudit.dataprotection import retention

    second = ChildFactory(team=closed_history["council"].team_a, closed_on=datetime.date(2026, 1, 5))
    calls = []
    real = retention.child_anonymise

    def fail_on_second(**kwargs):
        calls.append(kwargs["child"].pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(retention, "child_anonymise", fail_on_second)
    with pytest.raises(RuntimeError):
        run("--commit", "--today", LATER.isoformat())
    assert len(calls) == 2
    assert set(
        Child.objects.filter(pk__in=[closed_history["child"].pk, second.pk]).values_list("case_id", flat=True)
    ) == {
        closed_history["child"].case_id,
        second.case_id,
    }
    assert not RetentionRun.objects.exists()


def test_an_unknown_person_stops_the_command(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active person"):
        run("--commit", "--by", "nobody@council.example")


def test_qa_administrators_edit_the_periods_in_the_admin_and_cannot_delete_one(client, council):
    RetentionPeriod.objects.update_or_create(
        legal_status="looked_after", defaults={"keep_until_age": 75, "basis": "Regulations"}
    )
    period = RetentionPeriod.objects.get(legal_status="looked_after")
    client.force_login(council["qa_admin"])
    assert client.get("/admin/dataprotection/retentionperiod/").status_code == 200
    response = client.post(
        f"/admin/dataprotection/retentionperiod/{period.pk}/change/",
        {
            "legal_status": "looked_after",
            "keep_until_age": "80",
            "years_after_closure": "",
            "basis": "Council decision",
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.keep_until_age == 80
    assert client.post(f"/admin/dataprotection/retentionperiod/{period.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(council["director"])
    assert client.get("/admin/dataprotection/retentionperiod/").status_code in (302, 404)
