"""Who read or changed a child's records (QA administrators only), and the privacy pages."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from caseaudit.dataprotection.models import RetentionPeriod
from caseaudit.trail.models import TrailEntry


def url(child) -> str:
    return f"/data-protection/children/{child.pk}/history"


def rows(response) -> list[TrailEntry]:
    return list(response.context["page"].object_list)


def test_the_history_lists_reads_and_changes_of_the_childs_records_newest_first(client, case_history):
    council, child, audit = case_history["council"], case_history["child"], case_history["audit"]
    client.force_login(council["qa_admin"])
    entries = rows(client.get(url(child)))
    assert entries == sorted(entries, key=lambda e: -e.sequence)
    read = next(e for e in entries if e.action == TrailEntry.Action.ACCESS)
    assert read.actor == council["social_worker"] and read.remote_addr == "10.9.8.7"
    from caseaudit.dataprotection.selectors import child_history

    models = {e.content_type.model for e in child_history(child=child)}
    assert {"child", "audit", "sectionjudgement", "activity", "acknowledgement", "improvementplan"} <= models
    assert {"stage", "remedialaction"} <= models
    assert any(e.content_type.model == "audit" and e.object_pk == str(audit.pk) for e in entries)
    # Nothing about another child.
    other_audits = {str(pk) for pk in council.children["south"].audits.values_list("pk", flat=True)}
    assert not any(e.content_type.model == "child" and e.object_pk != str(child.pk) for e in entries)
    assert not any(e.content_type.model == "audit" and e.object_pk in other_audits for e in entries)
    body = client.get(url(child)).content.decode()
    assert "Jasper Quillfeather" in body and "10.9.8.7" in body


def test_the_history_is_searchable_by_person_and_dates(client, case_history):
    council, child = case_history["council"], case_history["child"]
    with time_machine.travel(datetime.datetime(2030, 5, 4, 10, 0, tzinfo=datetime.UTC)):
        client.force_login(council["director"])
        client.get(f"/children/{child.pk}/")
    client.force_login(council["qa_admin"])
    by_name = rows(client.get(url(child), {"person": "aurelia"}))
    assert [(e.actor, e.action) for e in by_name] == [(council["director"], TrailEntry.Action.ACCESS)]
    by_email = rows(client.get(url(child), {"person": "director@council"}))
    assert by_email == by_name
    in_2030 = rows(client.get(url(child), {"date_from": "2030-05-04", "date_to": "2030-05-04"}))
    assert in_2030 == by_name
    before_2030 = rows(client.get(url(child), {"date_to": "2030-05-03"}))
    assert by_name[0] not in before_2030 and before_2030


def test_bad_dates_are_explained_and_list_nothing(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["qa_admin"])
    response = client.get(url(child), {"date_from": "2026-02-30"})
    body = response.content.decode()
    assert "There is a problem" in body and "From must be a real date" in body
    assert response.context["page"] is None
    body = client.get(url(child), {"date_from": "2026-05-01", "date_to": "2026-04-01"}).content.decode()
    assert "‘To’ must be the same as or after ‘From’" in body
    # What was typed is kept, in the Day, Month and Year boxes.
    assert 'name="date_from_day" value="1"' in body and 'name="date_from_month" value="5"' in body
    assert 'name="date_from_year" value="2026"' in body


def test_a_long_history_is_paged_and_keeps_the_filters(client, case_history):
    council, child = case_history["council"], case_history["child"]
    client.force_login(council["social_worker"])
    for _ in range(60):
        client.get(f"/children/{child.pk}/")
    client.force_login(council["qa_admin"])
    first = client.get(url(child), {"person": "jasper"})
    assert len(rows(first)) == 50
    assert "person=jasper&amp;page=2" in first.content.decode()
    second = client.get(url(child), {"person": "jasper", "page": 2})
    assert len(rows(second)) >= 11


@pytest.mark.parametrize("who", ["director", "head_of_service", "service_manager", "team_manager", "social_worker"])
def test_only_qa_administrators_see_the_history(client, case_history, who):
    client.force_login(case_history["council"][who])
    assert client.get(url(case_history["child"])).status_code == 404


def test_the_privacy_notice_shows_the_retention_periods_as_configured_now(client, db):
    RetentionPeriod.objects.update_or_create(
        legal_status="child_protection", defaults={"years_after_closure": 40, "basis": "Local schedule"}
    )
    with override_settings(DPO_CONTACT="Pat Data, dpo@demo-borough.example, 01234 567890"):
        body = client.get("/privacy").content.decode()
    assert "Pat Data, dpo@demo-borough.example, 01234 567890" in body
    assert "40 years after the case closed" in body
    assert "Until the 75th birthday" in body
    for text in ("Article 6(1)(e)", "Article 9(2)(h)", "Article 9(2)(g)", "Schedule 1", "Information Commissioner"):
        assert text in body


def test_the_data_processing_page_explains_storage_processors_security_and_requests(client, db):
    body = client.get("/data-protection/processing").content.decode()
    for text in ("Where it is stored", "Processors", "Security measures", "Subject access requests"):
        assert text in body


def test_opening_an_audit_or_a_plan_of_the_child_is_a_logged_read(client, case_history):
    council, child = case_history["council"], case_history["child"]
    audit, plan = case_history["audit"], case_history["plan"]
    client.force_login(council["team_manager"])
    assert client.get(f"/audits/{audit.pk}/").status_code == 200
    assert client.get(f"/improvement/{plan.pk}/").status_code == 200
    client.force_login(council["qa_admin"])
    reads = rows(client.get(url(child), {"person": "team_manager@"}))
    assert {(e.content_type.model, e.object_pk) for e in reads if e.action == TrailEntry.Action.ACCESS} == {
        ("audit", str(audit.pk)),
        ("improvementplan", str(plan.pk)),
    }
