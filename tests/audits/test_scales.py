"""Other grading scales (issue 32, point 4): a tool version's scale decides the grades its audits are given,
the inadequate-response process starts at the scale's own bottom grades, and reports count each scale apart."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseaudit.audits import scales
from caseaudit.audits.models import Audit, AuditStatus, SectionJudgement
from caseaudit.audits.services.lifecycle import AuditIncomplete, audit_open, audit_save_draft, audit_submit
from caseaudit.audits.services.tools import SectionSpec, tool_create, tool_revise
from caseaudit.improvement.models import ImprovementPlan
from caseaudit.improvement.services.plans import plan_open
from caseaudit.reporting.agreement import weighted_kappa
from caseaudit.reporting.calibration import calibration_figures
from caseaudit.reporting.figures import Scope, audit_figures

from ..factories import ChildFactory
from ..reporting.test_figures import done_audit
from .conftest import complete_draft

D = datetime.date
WHEN = D(2025, 6, 10)
YEAR = Scope(D(2025, 4, 1), D(2026, 3, 31))


def scaled_tool(scale=scales.ScaleKey.SCALING, name="Signs of Safety audit"):
    return tool_create(
        name=name,
        kind="case_file",
        scale=scale,
        sections=[SectionSpec("Danger and harm", ["Is the harm clear?"]), SectionSpec("Safety", ["Is safety shown?"])],
    )


def scaled_audit(team, version, final, *, auditor_grade=None, areas=(), moderated_areas=()):
    """A shared audit on `version`, as the report counts them: a judgement per area, moderated where given."""
    audit = Audit.objects.create(
        child=ChildFactory(team=team), team=team, tool_version=version, status="shared", audit_date=WHEN,
        overall_grade=auditor_grade or final, moderated_overall_grade=final, final_grade=final,
    )  # fmt: skip
    for section, grade, moderated in zip(version.sections.all(), areas, moderated_areas or areas, strict=False):
        SectionJudgement.objects.create(audit=audit, section=section, grade=grade, moderated_grade=moderated)
    return audit


def test_every_grade_value_belongs_to_one_scale_only():
    values = [value for scale in scales.SCALES.values() for value in scale.values]
    assert len(values) == len(set(values))
    assert scales.scale_of("scale_7") is scales.SCALING and scales.rank("scale_10") == 0
    assert scales.rank("scale_0") == 10 and scales.label("tp_adequate") == "Adequate"
    assert [scales.needs_response(g) for g in ("inadequate", "tp_inadequate", "scale_2", "scale_3", "good")] == [
        True, True, True, False, False,
    ]  # fmt: skip


def test_an_audit_on_a_scaling_tool_takes_its_grades_and_refuses_another_scales(council):
    version = scaled_tool().current_version
    audit = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=WHEN)
    draft = complete_draft(audit, grade="good")  # Ofsted's Good is not a point on a scaling question
    with pytest.raises(AuditIncomplete) as refused:
        audit_save_draft(audit_id=audit.pk, by=council["auditor"], draft=draft, expected_version=audit.version)
    assert refused.value.errors["overall_grade"].startswith("Good is not a grade on this tool's scale")
    assert len(refused.value.errors) == 3  # both practice areas and the overall grade
    audit.refresh_from_db()
    assert audit.overall_grade == "" and audit.version == 1  # nothing of another scale was stored
    audit = audit_submit(
        audit_id=audit.pk, by=council["auditor"], draft=complete_draft(audit, grade="scale_6"), expected_version=1
    )
    assert audit.status == AuditStatus.SUBMITTED and audit.overall_grade == "scale_6"


def test_the_audit_pages_offer_the_scales_grades(client, council):
    version = scaled_tool().current_version
    audit = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=WHEN)
    client.force_login(council["auditor"])
    section = version.sections.first()
    page = client.get(reverse("audits:audit_area", args=[audit.pk, section.pk])).content.decode()
    for n in (0, 5, 10):
        assert f'value="scale_{n}"' in page
    assert 'value="good"' not in page and "0 to 2 start the inadequate-response process" in page


@pytest.mark.parametrize(("grade", "opens"), [("tp_inadequate", True), ("tp_adequate", False)])
def test_the_bottom_of_a_three_point_scale_starts_the_inadequate_response(council, grade, opens):
    version = scaled_tool(scales.ScaleKey.THREE_POINT, "Three-point audit").current_version
    audit = scaled_audit(council.team_a, version, grade)
    Audit.objects.filter(pk=audit.pk).update(
        status="finalised", finalised_at=datetime.datetime(2025, 6, 10, tzinfo=datetime.UTC)
    )
    audit.refresh_from_db()
    assert (plan_open(audit=audit, today=WHEN) is not None) is opens
    assert ImprovementPlan.objects.filter(audit=audit).exists() is opens


def test_a_report_counts_each_scale_apart_and_never_adds_them(council):
    """Four audits on Ofsted's scale and five on the scaling question: the Ofsted percentages are over four,
    the scale's over five, and each has its own practice areas."""
    for grade in ("good", "good", "requires_improvement", "inadequate"):
        done_audit(council.team_a, grade, WHEN, section_grades=[grade])
    version = scaled_tool().current_version
    for final, areas in [
        ("scale_8", ["scale_8", "scale_7"]),
        ("scale_8", ["scale_9", "scale_7"]),
        ("scale_5", ["scale_5", "scale_4"]),
        ("scale_2", ["scale_1", "scale_2"]),
        ("scale_0", ["scale_0", "scale_0"]),
    ]:
        scaled_audit(council.team_a, version, final, areas=areas)
    figures = audit_figures(YEAR)
    assert figures["audits"]["total"] == 9 and figures["audits"]["ofsted_scale"] == 4
    assert figures["grades"] == {"Outstanding": 0, "Good": 2, "Requires Improvement": 1, "Inadequate": 1}
    assert figures["percent"]["good_or_better"] == 50.0 and figures["percent"]["Inadequate"] == 25.0
    assert "Danger and harm" not in figures["sections"]  # the scale's areas are not in Ofsted's table
    block = figures["other_scales"]["scaling_0_10"]
    assert list(figures["other_scales"]) == ["scaling_0_10"]
    assert block["audits"] == 5 and block["needs_response"] == 2
    assert block["grades"]["8"] == 2 and block["percent"]["8"] == 40.0 and block["percent"]["0"] == 20.0
    assert sum(block["grades"].values()) == 5 and list(block["grades"])[0] == "10"
    assert block["section_order"] == ["Danger and harm", "Safety"]
    assert block["sections"]["Danger and harm"]["9"] == 1 and block["sections"]["Safety"]["7"] == 2
    assert sum(block["sections"]["Safety"].values()) == 5


def test_agreement_on_another_scale_is_weighted_by_its_own_order(council):
    """Three-point pairs (auditor, moderator): (G,G) (G,A) (A,A) (I,A). Kappa by hand on G=0, A=1, I=2, weights
    d^2/4: observed 1/4 + 1/4 = 1/2; chance: auditor G2 A1 I1, moderator G1 A3 -> sum w f s / 4 =
    (G,A 2x3x1/4 + A,G 1x1x1/4 + I,G 1x1x1 + I,A 1x3x1/4) / 4 = (1.5 + 0.25 + 1 + 0.75) / 4 = 7/8;
    1 - (1/2)/(7/8) = 3/7 = 0.429. Ofsted's pairs are not mixed in."""
    version = scaled_tool(scales.ScaleKey.THREE_POINT, "Three-point audit").current_version
    for auditor, moderator in [
        ("tp_good", "tp_good"),
        ("tp_good", "tp_adequate"),
        ("tp_adequate", "tp_adequate"),
        ("tp_inadequate", "tp_adequate"),
    ]:
        scaled_audit(council.team_a, version, moderator, auditor_grade=auditor)
    done_audit(council.team_a, "good", WHEN, auditor_grade="outstanding")
    figures = calibration_figures(YEAR)
    assert figures["auditor_vs_moderator"]["pairs"] == 1
    three = figures["other_scales"]["three_point"]["auditor_vs_moderator"]
    assert three["pairs"] == 4 and three["exact_agreement_percent"] == 50.0 and three["within_one_percent"] == 100.0
    assert (
        three["weighted_kappa"]
        == 0.429
        == round(
            weighted_kappa(
                [
                    ("tp_good", "tp_good"),
                    ("tp_good", "tp_adequate"),
                    ("tp_adequate", "tp_adequate"),
                    ("tp_inadequate", "tp_adequate"),
                ],
                scales.THREE_POINT.values,
            ),
            3,
        )
    )
    assert three["moderated_up"] == 1 and three["moderated_down"] == 1
    assert list(figures["other_scales"]) == ["three_point"]


def test_changing_a_used_tools_scale_makes_a_new_version(council):
    tool = scaled_tool(scales.ScaleKey.OFSTED, "Our tool")
    first = tool.current_version
    spec = [SectionSpec("Danger and harm", ["Is the harm clear?"])]
    assert tool_revise(tool=tool, sections=spec, by=council["qa_admin"], scale="three_point").pk == first.pk  # unused
    first.refresh_from_db()
    assert first.scale == "three_point"
    audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=first, due_on=WHEN)
    second = tool_revise(tool=tool, sections=spec, by=council["qa_admin"], scale="scaling_0_10")
    first.refresh_from_db()
    assert second.number == 2 and second.scale == "scaling_0_10" and first.scale == "three_point"
    assert tool_revise(tool=tool, sections=spec, by=council["qa_admin"]).scale == "scaling_0_10"  # kept when not given


def test_the_report_page_pdf_and_excel_show_another_scale_apart(client, council, tmp_path):
    import io
    import subprocess

    from openpyxl import load_workbook

    done_audit(council.team_a, "good", WHEN, section_grades=["good"])
    version = scaled_tool().current_version
    scaled_audit(council.team_a, version, "scale_8", areas=["scale_8", "scale_7"])
    client.force_login(council["qa_admin"])
    query = {"kind": "quarter", "day": "2025-06-10"}  # April to June 2025
    page = client.get("/reports/", query).content.decode()
    assert "Audits on other grading scales" in page and "Grades – Scaling question, 10 to 0" in page
    assert 'id="chart-grades-scaling_0_10-title"' in page and 'id="chart-areas-scaling_0_10-title"' in page
    workbook = load_workbook(io.BytesIO(client.get("/reports/", {**query, "format": "xlsx"}).content))
    rows = list(workbook["Grades – Scaling question, 10 to 0"[:31]].iter_rows(values_only=True))
    assert ("8", 1, 100) in rows and ("All on this scale", 1, None) in rows
    assert list(workbook["Grades"].iter_rows(values_only=True))[2][1] == 1  # Ofsted's Good: the one audit
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get("/reports/", {**query, "format": "pdf"}).content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Audits on other grading scales" in text and "Practice areas – Scaling question, 10 to 0" in text
