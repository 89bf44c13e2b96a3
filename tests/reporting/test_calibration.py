"""Grading consistency (issue 32): the auditor's grades against the moderator's, recomputed from records built
for the purpose, and the page that names auditors shown only to QA administrators and practice leads."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseaudit.audits.models import Audit, SectionJudgement
from caseaudit.reporting.calibration import auditor_moderation, calibration_figures
from caseaudit.reporting.figures import Scope

from ..factories import TeamFactory
from .test_figures import done_audit

D = datetime.date
IN_PERIOD = D(2025, 6, 10)
YEAR = (D(2025, 4, 1), D(2026, 3, 31))


@pytest.fixture
def moderated(council):
    """Team A (north): five moderated audits by two auditors, two with a practice area moderated; plus one in
    the south, one outside the period and one never moderated, none of which the north's figures count."""
    pat, quinn = council["auditor"], council["moderator"]
    made = []
    for auditor, grade, moderated_grade in [
        (pat, "good", "good"),
        (pat, "good", "requires_improvement"),  # the moderator's is worse
        (pat, "requires_improvement", "good"),  # better
        (quinn, "inadequate", "inadequate"),
        (quinn, "outstanding", "good"),  # worse
    ]:
        audit = done_audit(council.team_a, moderated_grade, IN_PERIOD, auditor_grade=grade, section_grades=["good"])
        Audit.objects.filter(pk=audit.pk).update(auditor=auditor)
        made.append(audit)
    SectionJudgement.objects.filter(audit=made[0]).update(moderated_grade="good")
    SectionJudgement.objects.filter(audit=made[1]).update(moderated_grade="inadequate")
    south = TeamFactory(name="South team", service_area=council.team_c.service_area)
    Audit.objects.filter(pk=done_audit(south, "inadequate", IN_PERIOD, auditor_grade="good").pk).update(auditor=pat)
    done_audit(council.team_a, "inadequate", D(2024, 6, 1), auditor_grade="outstanding")
    Audit.objects.filter(pk=done_audit(council.team_a, "good", IN_PERIOD).pk).update(moderated_overall_grade="")
    return made


def north(council) -> Scope:
    return Scope(*YEAR, council.team_a.service_area_id)


def test_agreement_with_the_moderator_is_recomputed_from_the_records(council, moderated):
    figures = calibration_figures(north(council))["auditor_vs_moderator"]
    # Five pairs (auditor, moderator): (G,G) (G,RI) (RI,G) (I,I) (O,G). Same: 2 of 5. Within one: all 5.
    # Kappa by hand on O=0, G=1, RI=2, I=3, weights d^2/9: observed 3 x 1/9 = 1/3; chance 43/45;
    # 1 - (1/3)/(43/45) = 28/43 = 0.651.
    assert figures["pairs"] == 5
    assert figures["exact_agreement_percent"] == 40.0 and figures["within_one_percent"] == 100.0
    assert figures["weighted_kappa"] == 0.651
    assert figures["moderated_up"] == 1 and figures["moderated_down"] == 2
    assert figures["small_base"] is True  # 5 is under the threshold of 10
    area = moderated[0].judgements.get().section.title
    assert figures["practice_area_order"] == [area]
    assert figures["practice_areas"][area] | {"small_base": None} == {
        "pairs": 2, "exact_agreement_percent": 50.0, "within_one_percent": 50.0, "weighted_kappa": 0.0,
        "small_base": None,
    }  # fmt: skip
    # The whole council adds the south's pair (G against I): six pairs, two the same.
    council_wide = calibration_figures(Scope(*YEAR))["auditor_vs_moderator"]
    assert council_wide["pairs"] == 6 and council_wide["exact_agreement_percent"] == 33.3


def test_each_auditors_moderation_is_counted_and_its_direction_kept(council, moderated):
    assert auditor_moderation(north(council)) == [
        {"auditor": council["auditor"].full_name, "moderated": 3, "changed": 2, "moderated_up": 1,
         "moderated_down": 1, "change_rate": 66.7, "small_base": True},
        {"auditor": council["moderator"].full_name, "moderated": 2, "changed": 1, "moderated_up": 0,
         "moderated_down": 1, "change_rate": 50.0, "small_base": True},
    ]  # fmt: skip


def test_nothing_moderated_gives_no_figures_rather_than_made_up_ones(council):
    figures = calibration_figures(north(council))["auditor_vs_moderator"]
    assert figures["pairs"] == 0 and figures["weighted_kappa"] is None and figures["exact_agreement_percent"] is None
    assert auditor_moderation(north(council)) == []


def test_the_report_carries_the_figures_without_names(council, moderated):
    from caseaudit.reporting.periods import Period
    from caseaudit.reporting.report import build_report

    report = build_report(Period(*YEAR, "year"), service_area=council.team_a.service_area)
    assert report["calibration"]["auditor_vs_moderator"]["pairs"] == 5
    assert council["auditor"].full_name not in str(report["calibration"])


def test_the_page_names_auditors_to_qa_and_practice_leads_only(client, council, moderated):
    url = reverse("reporting:grading") + "?kind=custom&start=2025-04-01&end=2026-03-31"
    named = f'<th scope="row" class="govuk-table__header">{council["auditor"].full_name} '
    client.force_login(council["qa_admin"])
    body = client.get(url).content.decode()
    # The whole council: the auditor's south audit too, changed (3 of 4).
    assert named in body and "3 (75.0%)" in body and ">6</dd>" in body and "Weighted kappa" in body
    # The practice lead is held to their own area (north), whatever they ask for: 2 of 3, five pairs.
    client.force_login(council["practice_lead"])
    body = client.get(url + f"&service_area={council.team_c.service_area_id}").content.decode()
    assert named in body and "2 (66.7%)" in body and ">5</dd>" in body
    assert reverse("reporting:grading") in client.get(reverse("reporting:index")).content.decode()  # linked
    client.force_login(council["director"])
    assert reverse("reporting:grading") not in client.get(reverse("reporting:index")).content.decode()
    for role in ("director", "team_manager", "auditor", "social_worker"):
        client.force_login(council[role])
        assert client.get(url).status_code == 404


def test_bad_dates_are_refused_with_what_was_typed_kept(client, council):
    client.force_login(council["qa_admin"])
    body = client.get(reverse("reporting:grading") + "?kind=custom&start=2025-02-31&end=").content.decode()
    assert "There is a problem" in body and "From must be a real date" in body and 'value="31"' in body
