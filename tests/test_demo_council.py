"""The demo council: realistic sizes, a credible management line, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from caseaudit.demo.organisation import DEMO_PASSWORD
from caseaudit.organisation.models import Child, LegalStatus, Person, PersonRole, ServiceArea, Team
from caseaudit.organisation.roles import Role


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (ServiceArea, Team, Person, PersonRole, Child)}


def test_the_demo_council_has_a_councils_size(seeded):
    assert ServiceArea.objects.count() == 5
    assert 20 <= Team.objects.count() <= 30
    assert 150 <= Person.objects.count() <= 200
    assert 2_900 <= Child.objects.filter(closed_on__isnull=True).count() <= 3_100
    by_status = dict(Child.objects.values_list("legal_status").annotate(n=Count("pk")))
    # Every status a case system records ("Not recorded" is only for children met first in a historic import).
    assert set(by_status) == set(LegalStatus.values) - {LegalStatus.NOT_RECORDED}
    assert 500 <= by_status[LegalStatus.LOOKED_AFTER] <= 600


def test_running_it_twice_adds_nothing(seeded):
    first = counts()
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert counts() == first


def test_every_printed_login_signs_in_with_the_printed_password(seeded, client):
    emails = [word for line in seeded.splitlines() for word in line.split() if "@" in word]
    assert len(emails) == len(Role.values)
    assert DEMO_PASSWORD in seeded
    for email in emails:
        response = client.post("/account/sign-in", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        home = client.get("/")
        if home.status_code == 302:
            # Senior roles: the second step, with the code the printed command gives.
            assert home["Location"].startswith("/account/two-step?"), email
            assert "demo_otp EMAIL" in seeded
            code = StringIO()
            call_command("demo_otp", email, stdout=code)
            assert client.post("/account/two-step", {"code": code.getvalue().strip()}).status_code == 302, email
            home = client.get("/")
        assert home.status_code == 200, email
        client.post("/account/sign-out")


def test_there_is_a_demo_login_for_every_role(seeded):
    for role in Role.values:
        assert PersonRole.objects.filter(role=role, person__email__regex=r"^[a-z-]+@").exists(), role


def test_the_management_line_is_credible(seeded):
    director = Person.objects.get(role_assignments__role=Role.DIRECTOR)
    for team in Team.objects.select_related("manager"):
        assert team.manager is not None and team.manager.team_id == team.pk
    for worker in Person.objects.filter(role_assignments__role=Role.SOCIAL_WORKER).select_related("team"):
        assert worker.line_manager_id == worker.team.manager_id
    for person in Person.objects.exclude(pk=director.pk):
        seen, current = set(), person
        while current.line_manager_id:
            assert current.pk not in seen, f"loop in {person}'s management line"
            seen.add(current.pk)
            current = current.line_manager
        assert current == director, f"{person}'s line does not reach the director"


def test_children_are_allocated_within_their_own_team(seeded):
    mismatched = Child.objects.exclude(allocated_worker__team=F("team"))
    assert not mismatched.exists()


def test_a_practice_lead_is_away_with_cover_and_another_without(seeded):
    from django.utils import timezone

    from caseaudit.organisation.models import Absence

    today = timezone.localdate()
    away = Absence.objects.filter(
        starts_on__lte=today, ends_on__gte=today, person__role_assignments__role=Role.PRACTICE_LEAD
    )
    assert away.filter(cover__isnull=False).exists()
    assert away.filter(cover__isnull=True).exists()


def test_the_demo_has_two_years_of_audits_with_a_realistic_grade_mix(seeded):
    from caseaudit.audits.models import Audit

    done = Audit.objects.filter(kind="case_file", final_grade__gt="")
    total = done.count()
    assert total >= 600
    share = {
        grade: done.filter(final_grade=grade).count() / total
        for grade in ("outstanding", "good", "requires_improvement", "inadequate")
    }
    assert share["outstanding"] <= 0.05
    assert 0.35 <= share["good"] <= 0.50
    assert 0.40 <= share["requires_improvement"] <= 0.55
    assert 0.05 <= share["inadequate"] <= 0.11
    dated = Audit.objects.filter(audit_date__isnull=False)
    first, last = dated.order_by("audit_date").first().audit_date, dated.order_by("-audit_date").first().audit_date
    assert (last - first).days >= 700
    assert Audit.objects.filter(kind="re_audit", follows__isnull=False).exists()
    assert Audit.objects.filter(kind="themed").count() >= 50


def test_the_demo_has_work_in_flight_in_every_state_for_the_demo_logins(seeded):
    from caseaudit.audits.models import Audit, AuditStatus, Programme

    for status in AuditStatus.values:
        assert Audit.objects.filter(status=status).exists(), status
    auditor = Person.objects.get(email__startswith="auditor@")
    assert Audit.objects.filter(auditor=auditor, status="draft").count() >= 3
    assert (
        Audit.objects.filter(status="shared", worker__email__startswith="social-worker@")
        .exclude(acknowledgements__person__email__startswith="social-worker@")
        .exists()
    )
    assert Audit.objects.filter(is_critical=True, critical_action="").exists()
    assert Programme.objects.filter(status="planning", sample__isnull=False).exists()


def test_the_demo_has_open_improvement_plans_at_different_stages(seeded):
    from caseaudit.improvement.models import ImprovementPlan, Stage

    assert ImprovementPlan.objects.filter(status="open").count() >= 3
    assert Stage.objects.filter(kind="meeting", completed_on__isnull=False).exists()
    assert Stage.objects.filter(kind="meeting", completed_on__isnull=True).exists()


def test_the_demo_has_a_year_of_learning_and_source_000s_follow_up(seeded):
    from caseaudit.learning.models import LearningEntry, RecommendationSource
    from caseaudit.learning.selectors import source_results

    assert LearningEntry.objects.count() >= 12
    source = RecommendationSource.objects.get()
    assert source_results(source)["counts"] == {
        "Fully implemented": 2,
        "Substantially implemented": 1,
        "Partially implemented": 4,
        "Not implemented": 4,
    }


def test_the_demo_has_last_quarters_report_published_for_the_director(seeded, client):
    import datetime

    from django.utils import timezone

    from caseaudit.reporting.models import Report
    from caseaudit.reporting.periods import custom, quarter
    from caseaudit.reporting.report import build_report

    today = timezone.localdate()
    last_quarter = quarter(quarter(today).start - datetime.timedelta(days=1))
    report = Report.objects.get(status="published")
    assert (report.start, report.end, report.service_area, report.team) == (
        last_quarter.start,
        last_quarter.end,
        None,
        None,
    )
    # The snapshot is the figures of its period, as the report page would compute them now (nothing changed since).
    live = build_report(custom(report.start, report.end))
    assert report.snapshot["audits"] == live["audits"] and report.snapshot["percent"] == live["percent"]
    assert report.snapshot["audits"]["total"] > 0 and report.summary.strip()
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert Report.objects.count() == 1
    client.force_login(Person.objects.get(email="director@demo-borough.example"))
    assert report.title in client.get("/").content.decode()


def test_make_runs_seeding_exits_cleanly_with_the_demo_reports_pdf_made(tmp_path):
    """What `make run` does, in its own process with the real settings: migrate, then seed. Publishing the
    demo report makes its PDF in a thread; the command must wait for it and exit 0 (a daemon thread inside
    WeasyPrint at exit once aborted it)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "caseaudit"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CASEAUDIT_CACHE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="caseaudit.settings.base", CASEAUDIT_VAR_DIR=str(tmp_path))
    # The published report's PDF is a task: `make run` starts the worker that makes it (here, once through the queue).
    for command in (["migrate", "-v0"], ["seed_demo", "--quiet-logins"], ["run_worker", "--no-schedule", "--batch"]):
        done = subprocess.run([str(script), *command], env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
        assert done.returncode == 0, done.stderr[-2000:]
    # The charts and the PDF of the demo's published report are in the machine's cache folder.
    assert len(list((tmp_path / "cache").glob("*.djcache"))) >= 2


def test_verify_audit_trail_finds_every_demo_record_recorded(seeded):
    """`caseaudit migrate && caseaudit seed_demo && caseaudit verify_audit_trail` prints OK: the seed writes in
    bulk, and one summary entry in the change history names every record it added (decision 0082)."""
    from caseaudit.trail.bulk import KEY
    from caseaudit.trail.models import TrailEntry

    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    assert "the chain is intact" in out.getvalue() and "OK: all" in out.getvalue()
    [summary] = TrailEntry.objects.filter(additional_data__has_key=KEY)
    assert summary.object_repr == "Demo council (caseaudit seed_demo)"
    children = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    assert summary.additional_data[KEY]["organisation.Child"] == [[children[0], children[-1]]]
    # Seeding again adds nothing, and no second summary.
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert TrailEntry.objects.filter(additional_data__has_key=KEY).count() == 1
    call_command("verify_audit_trail", stdout=StringIO())


def test_the_demo_has_family_feedback_in_every_state_with_quotes_in_last_quarters_report(seeded):
    """Issue 31: the report's family feedback section shows real figures for the demo council."""
    from django.utils import timezone

    from caseaudit.family.models import Invitation
    from caseaudit.reporting.models import FamilyQuote, Report

    now = timezone.now()
    states = {invitation.state(now) for invitation in Invitation.objects.all()}
    assert states == {"open", "answered", "expired", "revoked"}
    figures = Report.objects.get(status="published").snapshot["family_feedback"]
    assert figures["invited"] >= 10 and 0 < figures["answered"] < figures["invited"]
    listened = figures["questionnaires"][0]["questions"][0]
    assert sum(1 for option in listened["options"] if option["count"]) >= 3  # answers spread across the choices
    assert len(figures["quotes"]) == 3 == FamilyQuote.objects.count()


def test_the_demo_has_blind_double_audits_reconciled_and_counted_once(seeded):
    from caseaudit.audits.models import Audit
    from caseaudit.reporting.calibration import calibration_figures
    from caseaudit.reporting.figures import Scope

    seconds = Audit.objects.filter(status="reconciled", second_of__isnull=False).select_related("second_of")
    assert seconds.count() >= 10
    assert all(s.auditor_id != s.second_of.auditor_id and s.child_id == s.second_of.child_id for s in seconds)
    start = min(s.second_of.audit_date for s in seconds)
    end = max(s.second_of.audit_date for s in seconds)
    both = calibration_figures(Scope(start, end))["between_auditors"]
    assert both["pairs"] == seconds.count()
    assert both["exact_agreement_percent"] == round(
        100 * sum(1 for s in seconds if s.overall_grade == s.second_of.overall_grade) / seconds.count(), 1
    )
    assert 0 < both["exact_agreement_percent"] < 100 and both["weighted_kappa"] is not None
    # Counted once: the seconds are in no audit figure.
    assert not Audit.objects.filter(pk__in=seconds, final_grade__gt="").exists()


def test_the_demo_has_a_finished_calibration_session_in_the_learning_log(seeded):
    from caseaudit.learning.calibration import calibration_spread
    from caseaudit.learning.models import CalibrationSession

    session = CalibrationSession.objects.get()
    assert not session.is_open and session.grades.count() == 4
    assert session.learning_entry.kind == "calibration"
    *areas, overall = calibration_spread(session)
    assert sum(overall.counts.values()) == 4 and any(sum(1 for n in a.counts.values() if n) > 1 for a in areas)
