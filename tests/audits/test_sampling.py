"""Programmes and sampling: random, stratified by team, skipping recent and closed cases."""

import datetime

import pytest

from caseaudit.audits.errors import AuditRuleError
from caseaudit.audits.models import Audit, AuditStatus, ProgrammeStatus
from caseaudit.audits.services.lifecycle import audit_open, may_audit
from caseaudit.audits.services.sampling import (
    audits_reassign,
    programme_confirm,
    programme_create,
    quotas_check,
    sample_add,
    sample_assign,
    sample_propose,
)
from caseaudit.organisation.models import Absence
from caseaudit.organisation.roles import Role

from ..factories import ChildFactory, PersonFactory

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def programme(council, version):
    north = council.team_a.service_area
    return programme_create(
        service_area=north,
        month=datetime.date(2026, 3, 1),
        tool_version=version,
        due_on=datetime.date(2026, 3, 31),
        by=council["qa_admin"],
    )


@pytest.fixture
def many_children(council):
    """Team A: 10 open, 3 closed, 3 audited last year; team B: 5 open."""
    open_a = [ChildFactory(team=council.team_a, allocated_worker=council["social_worker"]) for _ in range(10)]
    closed = [ChildFactory(team=council.team_a, closed_on=datetime.date(2026, 1, 5)) for _ in range(3)]
    recent = [ChildFactory(team=council.team_a, allocated_worker=council["colleague"]) for _ in range(3)]
    for child, months_ago in zip(recent, (1, 6, 11), strict=True):
        audit = audit_open(child=child, auditor=council["auditor"], tool_version=council_version(), due_on=None)
        Audit.objects.filter(pk=audit.pk).update(
            audit_date=TODAY - datetime.timedelta(days=30 * months_ago), status="shared", final_grade="good"
        )
    open_b = [ChildFactory(team=council.team_b) for _ in range(5)]
    return {"open_a": open_a, "closed": closed, "recent": recent, "open_b": open_b}


def council_version():
    from caseaudit.audits.services.tools import standard_tools_ensure

    return standard_tools_ensure()[0].current_version


def set_quotas(programme, **by_team):
    for quota in programme.quotas.select_related("team"):
        quota.quota = by_team.get(quota.team.name, 0)
        quota.save()


def test_a_programme_gets_a_quota_row_for_every_team_in_its_area(programme, council):
    assert {q.team for q in programme.quotas.all()} == {council.team_a, council.team_b}


def test_one_monthly_programme_per_area_and_month(programme, council, version):
    with pytest.raises(AuditRuleError, match="already has a programme"):
        programme_create(
            service_area=programme.service_area,
            month=datetime.date(2026, 3, 15),
            tool_version=version,
            due_on=datetime.date(2026, 3, 31),
            by=council["qa_admin"],
        )


@pytest.mark.parametrize("seed", range(25))
def test_the_sample_respects_quotas_and_never_picks_closed_or_recent_children(programme, many_children, seed):
    set_quotas(programme, **{"Team A": 4, "Team B": 2})
    entries = sample_propose(programme=programme, today=TODAY, seed=seed)
    picked = [e.child for e in entries]
    excluded = set(many_children["closed"]) | set(many_children["recent"])
    assert not excluded & set(picked)
    assert sum(1 for c in picked if c.team.name == "Team A") == 4
    assert sum(1 for c in picked if c.team.name == "Team B") == 2
    assert len(set(picked)) == len(picked)


def test_a_child_audited_more_than_the_look_back_ago_can_be_sampled_again(programme, council, version):
    child = ChildFactory(team=council.team_a)
    audit = audit_open(child=child, auditor=council["auditor"], tool_version=version, due_on=None)
    Audit.objects.filter(pk=audit.pk).update(
        audit_date=TODAY - datetime.timedelta(days=400), status="shared", final_grade="good"
    )
    set_quotas(programme, **{"Team A": 50})
    picked = {e.child for e in sample_propose(programme=programme, today=TODAY, seed=1)}
    assert child in picked


def test_a_short_team_is_reported(programme, many_children):
    set_quotas(programme, **{"Team A": 4, "Team B": 9})
    sample_propose(programme=programme, today=TODAY, seed=3)
    assert quotas_check(programme) == ["Team B: 6 of 9"]  # 5 made here + the council's own team B child


@pytest.mark.parametrize("seed", range(10))
def test_an_auditor_is_never_given_their_own_or_their_teams_case(council, programme, many_children, seed):
    # The team manager and the worker are auditors too: the trap the rule must avoid.
    for who in ("team_manager", "social_worker"):
        council[who].role_assignments.create(role=Role.AUDITOR)
        council[who].__dict__.pop("roles", None)
    set_quotas(programme, **{"Team A": 8, "Team B": 3})
    for entry in sample_propose(programme=programme, today=TODAY, seed=seed):
        assert entry.auditor is not None
        assert entry.auditor.pk != entry.child.allocated_worker_id
        assert entry.auditor.pk != entry.child.team.manager_id


def test_an_absent_auditor_is_not_assigned(council, programme, many_children):
    Absence.objects.create(person=council["auditor"], starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=5))
    spare = PersonFactory(email="spare@council.example", roles=[Role.AUDITOR])
    set_quotas(programme, **{"Team A": 3})
    assert {e.auditor for e in sample_propose(programme=programme, today=TODAY, seed=1)} == {spare}


def test_assigning_a_worker_to_their_own_case_is_refused(council, programme):
    set_quotas(programme, **{"Team A": 2})
    council["social_worker"].role_assignments.create(role=Role.AUDITOR)
    council["social_worker"].__dict__.pop("roles", None)
    entry = next(
        e
        for e in sample_propose(programme=programme, today=TODAY, seed=1)
        if e.child.allocated_worker == council["social_worker"]
    )
    with pytest.raises(AuditRuleError, match="their own"):
        sample_assign(entry=entry, auditor=council["social_worker"])


def test_adding_a_closed_or_other_area_child_by_hand_is_refused(council, programme, many_children):
    with pytest.raises(AuditRuleError, match="closed or was audited"):
        sample_add(programme=programme, case_id=many_children["closed"][0].case_id, today=TODAY)
    with pytest.raises(AuditRuleError, match="is not in North"):
        sample_add(programme=programme, case_id=council.children["south"].case_id, today=TODAY)
    entry = sample_add(programme=programme, case_id=many_children["open_b"][0].case_id.lower(), today=TODAY)
    assert entry.auditor == council["auditor"]


def test_confirming_turns_the_sample_into_assigned_audits(council, programme, many_children):
    set_quotas(programme, **{"Team A": 3, "Team B": 1})
    sample_propose(programme=programme, today=TODAY, seed=2)
    audits = programme_confirm(programme=programme, by=council["qa_admin"])
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.CONFIRMED
    assert len(audits) == 4 and programme.sample.count() == 0
    for audit in audits:
        assert audit.status == AuditStatus.DRAFT
        assert audit.due_on == programme.due_on
        assert audit.judgements.count() == 7
        assert audit.worker_id == audit.child.allocated_worker_id
    with pytest.raises(AuditRuleError, match="already confirmed"):
        programme_confirm(programme=programme, by=council["qa_admin"])


def test_reassigning_moves_open_audits_in_one_step(council, version):
    leaver = council["auditor"]
    kept = PersonFactory(email="kept@council.example", roles=[Role.AUDITOR])
    audits = [
        audit_open(child=ChildFactory(team=council.team_b), auditor=leaver, tool_version=version, due_on=None)
        for _ in range(3)
    ]
    own = audit_open(
        child=ChildFactory(team=council.team_a, allocated_worker=council["colleague"]),
        auditor=leaver,
        tool_version=version,
        due_on=None,
    )
    council["colleague"].role_assignments.create(role=Role.AUDITOR)
    moved, refused = audits_reassign(from_person=leaver, to_person=kept, by=council["qa_admin"])
    assert moved == 4 and refused == []
    assert set(Audit.objects.filter(auditor=kept)) == {*audits, own}
    moved, refused = audits_reassign(from_person=kept, to_person=council["colleague"], by=council["qa_admin"])
    assert refused == [own.child.case_id] and moved == 3


def test_may_audit_rules(council):
    child = council.children["own"]
    assert not may_audit(council["social_worker"], child)
    assert not may_audit(council["team_manager"], child)
    assert may_audit(council["auditor"], child)


def test_a_themed_audit_samples_across_teams_by_size_and_counts_its_children(council, version):
    from caseaudit.audits.models import AuditKind
    from caseaudit.audits.services.sampling import themed_programme_create
    from caseaudit.audits.services.tools import standard_tools_ensure

    _, themed = standard_tools_ensure()
    for team in (council.team_a, council.team_b, council.team_c):
        for _ in range(4):
            ChildFactory(team=team, legal_status="child_protection")
    audited_recently = ChildFactory(team=council.team_a, legal_status="child_protection")
    done = audit_open(child=audited_recently, auditor=council["auditor"], tool_version=version, due_on=None)
    Audit.objects.filter(pk=done.pk).update(audit_date=TODAY, status="shared", final_grade="good")
    programme = themed_programme_create(
        title="Strategy discussions",
        tool_version=themed.current_version,
        month=TODAY,
        due_on=TODAY,
        sample_size=10,
        legal_status="child_protection",
        by=council["qa_admin"],
    )
    entries = sample_propose(programme=programme, today=TODAY, seed=4)
    assert len(entries) == 10
    assert {e.child.legal_status for e in entries} == {"child_protection"}
    assert len({e.child.team_id for e in entries}) > 1
    audits = programme_confirm(programme=programme, by=council["qa_admin"])
    assert {a.kind for a in audits} == {AuditKind.THEMED}
    assert programme.audits.values("child").distinct().count() == 10
    assert all(a.judgements.count() == 1 for a in audits)
