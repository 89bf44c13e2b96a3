"""Blind double audits (issue 32): chosen at random when a sample is confirmed, neither auditor able to reach the
other's audit until both are in, moderated once through the first with both originals kept."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseaudit.audits.errors import AuditRuleError
from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.audits.services import lifecycle, sampling
from caseaudit.audits.services.lifecycle import ModerationDecision
from caseaudit.organisation.models import PersonRole
from caseaudit.organisation.roles import Role

from .conftest import complete_draft


@pytest.fixture
def second_auditor(council):
    """The moderator also audits: the case a blind pair must hold against (a moderation queue of their own)."""
    PersonRole.objects.create(person=council["moderator"], role=Role.AUDITOR)
    return council["moderator"]


@pytest.fixture
def pair(council, version, second_auditor):
    first = lifecycle.audit_open(
        child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None
    )
    second = lifecycle.audit_open(
        child=council.children["own"], auditor=second_auditor, tool_version=version, due_on=None
    )
    Audit.objects.filter(pk=second.pk).update(second_of=first)
    second.refresh_from_db()
    return first, second


def submit(audit, grade, overall=None):
    audit.refresh_from_db()
    return lifecycle.audit_submit(
        audit_id=audit.pk, by=audit.auditor, draft=complete_draft(audit, grade, overall), expected_version=audit.version
    )


def test_confirming_with_a_share_opens_second_audits_at_random_by_other_auditors(council, version, second_auditor):
    programme = sampling.programme_create(
        service_area=council.team_a.service_area, month=datetime.date.today().replace(day=1), tool_version=version,
        due_on=datetime.date(2099, 1, 31), by=council["qa_admin"],
    )  # fmt: skip
    sampling.sample_propose(programme=programme, seed=3)
    files = programme.sample.count()
    assert files >= 2
    audits = sampling.programme_confirm(programme=programme, by=council["qa_admin"], double_percent=30, seed=42)
    seconds = [a for a in audits if a.second_of_id]
    assert len(seconds) == -(-files * 30 // 100)  # rounded up
    for second in seconds:
        assert second.auditor_id != second.second_of.auditor_id and second.child_id == second.second_of.child_id
    programme.refresh_from_db()
    assert (programme.double_audit_percent, programme.double_audit_seed) == (30, 42)  # recorded, so repeatable


def test_a_share_outside_0_to_50_is_refused(council, version):
    programme = sampling.programme_create(
        service_area=council.team_a.service_area, month=datetime.date.today().replace(day=1), tool_version=version,
        due_on=datetime.date(2099, 1, 31), by=council["qa_admin"],
    )  # fmt: skip
    with pytest.raises(AuditRuleError, match="0 to 50"):
        sampling.programme_confirm(programme=programme, by=council["qa_admin"], double_percent=60)


def test_neither_auditor_reaches_the_others_audit_by_any_page_or_the_api(client, council, pair):
    first, second = pair
    submit(first, "good")  # the first is in; the second is still a draft
    for person, other in ((council["auditor"], second), (council["moderator"], first)):
        client.force_login(person)
        for name in ("audits:audit_show", "audits:audit_moderate", "audits:audit_edit"):
            assert client.get(reverse(name, args=[other.pk])).status_code == 404, (person, name)
    # The moderator-auditor's queue does not list the first while they audit the second.
    client.force_login(council["moderator"])
    assert reverse("audits:audit_show", args=[first.pk]) not in client.get(reverse("audits:mine")).content.decode()
    # Nor does the API give it.
    from caseaudit.api.services import token_create_personal

    token = token_create_personal(person=council["moderator"], name="tool")[1]
    answer = client.get(f"/api/v1/audits/{first.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 404


def test_the_pair_is_moderated_once_both_are_in_through_the_first_with_both_originals_kept(client, council, pair):
    first, second = pair
    moderator = council["qa_admin"]
    PersonRole.objects.get_or_create(person=moderator, role=Role.MODERATOR)
    submit(first, "good")
    with pytest.raises(AuditRuleError, match="once both audits are submitted"):
        lifecycle.audit_moderation_start(audit_id=first.pk, moderator=moderator)
    submit(second, "requires_improvement")
    with pytest.raises(AuditRuleError, match="reconciled"):
        lifecycle.audit_moderation_start(audit_id=second.pk, moderator=moderator)
    with pytest.raises(AuditRuleError, match="you carried out"):  # the second auditor cannot moderate the pair
        lifecycle.audit_moderation_start(audit_id=first.pk, moderator=council["moderator"])
    lifecycle.audit_moderation_start(audit_id=first.pk, moderator=moderator)
    client.force_login(moderator)
    page = client.get(reverse("audits:audit_moderate", args=[first.pk])).content.decode()
    assert "This file was audited twice, blind" in page and "Requires improvement" in page
    first.refresh_from_db()
    sections = {
        j.section_id: ("requires_improvement", "Agreed with the second auditor") for j in first.judgements.all()
    }
    decision = ModerationDecision("requires_improvement", "Agreed after reading both", sections)
    lifecycle.audit_moderate(audit_id=first.pk, moderator=moderator, decision=decision, expected_version=first.version)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AuditStatus.FINALISED and first.final_grade == "requires_improvement"
    assert first.overall_grade == "good" and second.overall_grade == "requires_improvement"  # both kept
    assert second.status == AuditStatus.RECONCILED and second.final_grade == ""  # counted once, through the first


def test_agreement_between_the_two_auditors_is_in_the_report(council, pair):
    from caseaudit.reporting.calibration import calibration_figures
    from caseaudit.reporting.figures import Scope

    first, second = pair
    moderator = council["qa_admin"]
    PersonRole.objects.get_or_create(person=moderator, role=Role.MODERATOR)
    submit(first, "good")
    submit(second, "requires_improvement")
    lifecycle.audit_moderation_start(audit_id=first.pk, moderator=moderator)
    first.refresh_from_db()
    sections = {j.section_id: ("good", "") for j in first.judgements.all()}
    lifecycle.audit_moderate(
        audit_id=first.pk, moderator=moderator, decision=ModerationDecision("good", "", sections),
        expected_version=first.version,
    )  # fmt: skip
    first.refresh_from_db()
    day = first.audit_date
    both = calibration_figures(Scope(day, day))["between_auditors"]
    assert both["pairs"] == 1 and both["exact_agreement_percent"] == 0.0 and both["within_one_percent"] == 100.0
    assert both["weighted_kappa"] == 0.0  # one pair: what was seen is just what chance gives
    areas = first.judgements.count()
    assert sum(area["pairs"] for area in both["practice_areas"].values()) == areas
    assert all(area["exact_agreement_percent"] == 0.0 for area in both["practice_areas"].values())
