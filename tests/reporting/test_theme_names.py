"""QA names and merges the themes found in what auditors wrote (issue 35, point 2): a merged theme counts each
audit once, the page lets QA administrators do it, and the evidence pack shows the themes as named."""

from __future__ import annotations

import datetime

import pytest

from caseaudit.reporting.figures import Scope
from caseaudit.reporting.models import ThemeName
from caseaudit.reporting.theme_names import named, theme_name_save, themes_found

from .test_themes import plan_text, voice_text

D = datetime.date
WHEN = D(2025, 6, 10)
YEAR = Scope(D(2025, 4, 1), D(2026, 3, 31))


def theme(key, label, count, audits, examples=("An example.",)):
    return {"key": key, "area": "Quality of Plans", "polarity": "worry", "terms": label.split(", "), "label": label,
            "count": count, "examples": list(examples), "audit_ids": list(audits)}  # fmt: skip


def test_a_named_theme_shows_its_name_and_a_merged_one_counts_each_audit_once(council):
    found = [theme("a", "timescales, plan", 3, [1, 2, 3], ["A1."]), theme("b", "outcomes, measurable", 3, [3, 4, 5], ["B1."]),
             theme("c", "chronology", 2, [6, 7])]  # fmt: skip
    theme_name_save(key="a", label="Plans without timescales", merged_into="", by=council["qa_admin"])
    theme_name_save(key="b", label="", merged_into="a", by=council["qa_admin"])
    shown = named(found)
    assert [t["label"] for t in shown] == ["Plans without timescales", "chronology"]
    # Audits 1-5: audit 3 wrote both, and counts once (3 + 3 would say 6).
    assert shown[0]["count"] == 5 and shown[0]["merged"] == ["outcomes, measurable"]
    assert shown[0]["examples"] == ["A1.", "B1."]
    # Kept apart again: both shown, as found.
    theme_name_save(key="b", label="", merged_into="", by=council["qa_admin"])
    assert not ThemeName.objects.filter(key="b").exists()
    assert [t["count"] for t in named(found)] == [3, 3, 2]


def test_a_merge_into_a_theme_not_found_this_time_leaves_the_theme_on_its_own(council):
    theme_name_save(key="b", label="", merged_into="gone", by=council["qa_admin"])
    assert [t["key"] for t in named([theme("b", "outcomes", 2, [1, 2])])] == ["b"]
    theme_name_save(key="b", label="", merged_into="b", by=council["qa_admin"])  # into itself: forgotten
    assert not ThemeName.objects.filter(key="b").exists()


@pytest.fixture
def findings(council):
    from .test_themes import audit_with

    for n in range(12):
        audit_with(council.team_a, WHEN, evidence={"Quality of Plans": ("requires_improvement", plan_text(n))})
    for n in range(10):
        audit_with(council.team_a, WHEN, evidence={"Voice of the Child": ("good", voice_text(n))})


def test_the_page_shows_the_themes_and_qa_names_them(client, council, findings):
    found = themes_found(YEAR)
    assert found and all(t["audit_ids"] for t in found)
    target = next(t for t in found if t["area"] == "Quality of Plans")
    query = "kind=year&day_day=10&day_month=6&day_year=2025"
    client.force_login(council["qa_admin"])
    page = client.get(f"/reports/themes?{query}").content.decode()
    assert "Quality of Plans: worries" in page and target["label"] in page and "Name this theme" in page
    saved = client.post(
        "/reports/themes/name",
        {"key": target["key"], "label": "Plans that cannot be measured", "merged_into": "", "back": query},
    )
    assert saved.status_code == 302 and saved["Location"] == f"/reports/themes?{query}"
    assert "Plans that cannot be measured" in client.get(f"/reports/themes?{query}").content.decode()
    client.force_login(council["practice_lead"])
    page = client.get(f"/reports/themes?{query}").content.decode()
    assert "Plans that cannot be measured" in page and "Name this theme" not in page
    assert client.post("/reports/themes/name", {"key": target["key"], "label": "X"}).status_code == 404
    assert ThemeName.objects.get(key=target["key"]).label == "Plans that cannot be measured"


def test_the_evidence_pack_shows_the_themes_as_named(client, council, findings):
    from caseaudit.evidence.services import current_figures, pack_create

    pack = pack_create(start=YEAR.start, end=YEAR.end, service_area=None, by=council["qa_admin"])
    target = next(t for t in pack.themes if t["area"] == "Quality of Plans")
    theme_name_save(key=target["key"], label="Plans without timescales", merged_into="", by=council["qa_admin"])
    figures = current_figures(pack)
    assert "Plans without timescales" in [t["label"] for t in figures["themes"]]
    assert f"{target['label']} (Quality of Plans, 12 audits)" in pack.know  # drafted before it was named
    client.force_login(council["qa_admin"])
    page = client.get(f"/evidence-packs/{pack.pk}/").content.decode()
    assert "Themes in what auditors wrote" in page and "Plans without timescales" in page
