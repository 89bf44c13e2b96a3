"""The monitoring dashboard: rows, red/amber/green, filters, exports, and who sees what."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from caseaudit.improvement.models import ImprovementPlan, StageKind
from caseaudit.improvement.selectors import dashboard_rows
from caseaudit.improvement.services import plans

D = datetime.date


@pytest.fixture
def two_plans(finalise, council, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    north = ImprovementPlan.objects.get(audit=finalise("own"))
    south = ImprovementPlan.objects.get(audit=finalise("south"))
    return north, south


def test_stages_are_red_amber_or_green_against_their_stored_deadline(two_plans):
    north, _ = two_plans
    rows = {r.plan.pk: r for r in dashboard_rows(ImprovementPlan.objects.all(), D(2026, 3, 2))}
    assert rows[north.pk].cells[StageKind.MEETING].rag == "green"  # due 5 March, 3 working days away
    rows = {r.plan.pk: r for r in dashboard_rows(ImprovementPlan.objects.all(), D(2026, 3, 4))}
    assert rows[north.pk].cells[StageKind.MEETING].rag == "amber"
    rows = {r.plan.pk: r for r in dashboard_rows(ImprovementPlan.objects.all(), D(2026, 3, 6))}
    assert rows[north.pk].cells[StageKind.MEETING].rag == "red" and rows[north.pk].worst == "red"
    assert rows[north.pk].cells[StageKind.CASELOAD_REVIEW] is None


def test_the_dashboard_page_shows_each_stage_as_a_coloured_tag_and_its_date(two_plans, client, council, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 4, 10, 0), tick=False)
    client.force_login(council["qa_admin"])
    body = client.get("/improvement/").content.decode()
    # The meeting is due on 5 March: amber, "Due soon", and the date as day and month.
    assert (
        '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong><br><span class="govuk-body-s">due 5 Mar</span>'
        in body
    )
    assert "Not needed" in body  # no caseload review for a first inadequate


def test_a_recorded_meeting_shows_done(two_plans, council):
    north, _ = two_plans
    plans.meeting_record(
        plan_id=north.pk,
        by=council["practice_lead"],
        held_on=D(2026, 3, 2),
        attendees="",
        actions=[plans.ActionSpec("Visit", council["social_worker"], D(2026, 3, 9))],
        today=D(2026, 3, 2),
    )
    row = next(r for r in dashboard_rows(ImprovementPlan.objects.all(), D(2026, 3, 10)) if r.plan.pk == north.pk)
    assert row.cells[StageKind.MEETING].rag == "done"
    assert row.open_actions == 1 and row.overdue_actions == 1


def test_managers_see_their_own_areas_plans_and_outsiders_none(client, council, two_plans):
    north, south = two_plans
    for who, expected in [
        ("service_manager", {north}),
        ("team_manager", {north}),
        ("other_team_manager", {south}),
        ("director", {north, south}),
        ("colleague", set()),
    ]:
        client.force_login(council[who])
        response = client.get("/improvement/")
        assert {row.plan.pk for row in response.context["rows"]} == {plan.pk for plan in expected}, who


def test_filters_by_area_team_manager_and_stage(client, council, two_plans, time_machine):
    north, south = two_plans
    client.force_login(council["qa_admin"])
    rows = lambda **q: {r.plan.pk for r in client.get("/improvement/", q).context["rows"]}  # noqa: E731
    assert rows(service_area=council.team_c.service_area_id) == {south.pk}
    assert rows(team=council.team_a.pk) == {north.pk}
    assert rows(manager=council["other_team_manager"].pk) == {south.pk}
    plans.meeting_record(
        plan_id=north.pk,
        by=council["practice_lead"],
        held_on=D(2026, 3, 2),
        attendees="",
        actions=[plans.ActionSpec("Visit", council["social_worker"], D(2026, 3, 9))],
        today=D(2026, 3, 2),
    )
    assert rows(stage="meeting") == {south.pk}


def test_csv_and_excel_exports_hold_the_rows_with_real_dates_and_numbers(client, council, two_plans):
    client.force_login(council["qa_admin"])
    response = client.get("/improvement/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Case ID", "Team"] and len(rows) == 3
    assert "2026-03-05" in rows[1]
    response = client.get("/improvement/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["Open plans"]
    values = [cell.value for cell in sheet[2]]
    assert isinstance(values[4], datetime.datetime)  # opened, a real date
    assert isinstance(values[-1], int) and isinstance(values[-2], int)


def test_exported_text_cannot_run_as_a_formula(client, council, two_plans):
    from caseaudit.web.exports import safe_cell

    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+1") == "'+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("-2") == "'-2"
    assert safe_cell("Team A") == "Team A" and safe_cell(5) == 5
    north, _ = two_plans
    north.team.name = "=cmd|' /C calc'!A0"
    north.team.save()
    client.force_login(council["qa_admin"])
    body = client.get("/improvement/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=cmd" in body and ",=cmd" not in body


def test_the_meeting_page_refuses_an_action_without_an_owner_and_keeps_the_text(client, council, two_plans):
    north, _ = two_plans
    client.force_login(council["practice_lead"])
    data = {
        "held_on": "2026-03-02",
        "attendees": "PL, SW",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Update the plan",
        "actions-0-owner": "",
        "actions-0-due_on": "2026-03-20",
        "actions-1-description": "Visit the child",
        "actions-1-owner": council["social_worker"].pk,
        "actions-1-due_on": "2020-01-01",
    }
    body = client.post(f"/improvement/{north.pk}/meeting", data).content.decode()
    assert body.count('class="govuk-error-summary"') == 1
    assert '<a href="#id_actions-0-owner">Choose who owns action 1</a>' in body
    assert "The due date for action 2 must be today or in the future" in body
    assert "Update the plan" in body and "Visit the child" in body
    assert not north.stages.get(kind=StageKind.MEETING).is_done


def test_the_plan_page_lists_stages_in_the_process_order(client, council, two_plans):
    north, _ = two_plans
    client.force_login(council["practice_lead"])
    body = client.get(f"/improvement/{north.pk}/").content.decode()
    positions = [
        body.index(f">{label}</th>")
        for label in ("Notification", "Day-three meeting", "Service manager review", "Re-audit", "Closure")
    ]
    assert positions == sorted(positions)


def test_each_owner_is_told_of_each_action_even_when_two_read_alike(council, two_plans):
    from caseaudit.messaging.models import SentMessage

    north, _ = two_plans
    same = "Update the child's plan with clear timescales and review it with the family every week"
    plans.meeting_record(
        plan_id=north.pk,
        by=council["practice_lead"],
        held_on=D(2026, 3, 2),
        attendees="",
        actions=[
            plans.ActionSpec(same + " (first)", council["social_worker"], D(2026, 3, 9)),
            plans.ActionSpec(same + " (second)", council["social_worker"], D(2026, 3, 16)),
        ],
        today=D(2026, 3, 2),
    )
    assert (
        SentMessage.objects.filter(reason="Remedial action assigned", recipient=council["social_worker"]).count() == 2
    )


def test_the_worker_and_managers_see_the_plan_on_their_home_page(client, council, two_plans):
    north, _ = two_plans
    client.force_login(council["social_worker"])
    body = client.get("/").content.decode()
    assert f"An audit of case {north.child.case_id} was graded Inadequate" in body
    client.force_login(council["practice_lead"])
    assert f"Day-three meeting for case {north.child.case_id}" in client.get("/").content.decode()
    client.force_login(council["service_manager"])
    assert f"Service manager review for case {north.child.case_id}" in client.get("/").content.decode()


def test_the_dashboard_is_paginated_with_the_filters_kept_and_downloads_hold_every_page(
    client, council, two_plans, monkeypatch
):
    from caseaudit.improvement.views import dashboard

    north, south = two_plans
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    client.force_login(council["qa_admin"])
    first = client.get("/improvement/", {"stage": "meeting"})
    body = first.content.decode()
    assert [row.plan.pk for row in first.context["rows"]] == [north.pk]  # oldest first, then by id
    assert '<p class="govuk-body" role="status">2 open plans</p>' in body
    assert 'href="?stage=meeting&amp;page=2" rel="next"' in body
    second = client.get("/improvement/", {"stage": "meeting", "page": "2"})
    assert [row.plan.pk for row in second.context["rows"]] == [south.pk]
    assert 'href="?stage=meeting&amp;page=1" rel="prev"' in second.content.decode()
    # The download links carry the filters, not the page, and a download holds every matching plan.
    assert 'href="?stage=meeting&amp;format=csv"' in second.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/improvement/", {"stage": "meeting", "page": "2", "format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 3


def test_home_lists_the_most_urgent_stages_and_counts_the_rest(client, council, finalise, time_machine, monkeypatch):
    from caseaudit.improvement import selectors

    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    monkeypatch.setattr(selectors, "HOME_WAITING_LIMIT", 1)
    first = ImprovementPlan.objects.get(audit=finalise("own"))
    ImprovementPlan.objects.get(audit=finalise("colleagues"))  # the same team: the same practice lead
    client.force_login(council["practice_lead"])
    body = client.get("/").content.decode()
    assert body.count("Day-three meeting for case") == 1
    assert f"Day-three meeting for case {first.child.case_id}" in body  # the first due (opened first)
    assert "1 more stage waiting on you</a> on the monitoring dashboard" in body


def test_the_rows_carry_every_value_escaped_in_its_column(db):
    """The rows' own template (improvement/_dashboard_rows.jinja, decision 0101): each plan's link, team, holder,
    stage cells and actions in their columns, every value escaped."""
    import re

    from django.template import engines
    from django.urls import reverse

    from caseaudit.improvement.selectors import DASHBOARD_STAGES, DashboardRow, PlanLine, StageCell

    def row(pk, case_id, team, responsible, repeat, cells, open_actions, overdue_actions):
        line = PlanLine(pk, case_id, team, "North", responsible, D(2026, 3, 2), repeat)
        return DashboardRow(line, dict(zip(DASHBOARD_STAGES, cells, strict=True)), open_actions, overdue_actions)

    rows = [
        row(7, "LCS-1", "Team A", "Pat Lead", False,
            [StageCell(D(2026, 3, 5), None, "amber"), StageCell(D(2026, 3, 9), None, "green"), None, None], 0, 0),
        row(12, "<b>&\"'", "Team & <Co>", None, True,
            [StageCell(D(2026, 3, 5), D(2026, 3, 4), "done"), StageCell(D(2026, 3, 2), None, "red"),
             StageCell(None, None, "none"), StageCell(D(2026, 4, 1), None, "green")], 3, 2),
    ]  # fmt: skip
    written = (
        engines["django"].from_string("{% load improvement_tags %}{% dashboard_rows rows %}").render({"rows": rows})
    )
    first, second = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", written, flags=re.S)
    cells = [re.findall(r"<td class=\"govuk-table__cell\">(.*?)</td>", tr, flags=re.S) for tr in (first, second)]
    assert all(len(row_cells) == 2 + len(DASHBOARD_STAGES) + 1 for row_cells in cells)
    assert f'href="{reverse("improvement:plan_show", args=[7])}">LCS-1</a>' in cells[0][0]
    assert "Team A" in cells[0][0] and "Repeat inadequate" not in cells[0][0]
    assert cells[0][1] == "Pat Lead" and cells[1][1] == "Not named"
    amber = rows[0].cells[DASHBOARD_STAGES[0]]
    assert cells[0][2] == (
        f'<strong class="govuk-tag govuk-tag--{amber.tag}">{amber.label}</strong>'
        f'<br><span class="govuk-body-s">{amber.when}</span>'
    )
    assert "Not needed" in cells[0][4] and "Not needed" in cells[0][5] and "Not needed" not in "".join(cells[1])
    assert (
        cells[0][-1] == "0 open"
        and cells[1][-1] == '3 open<br><strong class="govuk-tag govuk-tag--red">2 overdue</strong>'
    )
    assert "Repeat inadequate" in cells[1][0]
    # Every value escaped; nothing of the case ID or team written as markup.
    assert "&lt;b&gt;&amp;&#34;&#39;" in cells[1][0] and "Team &amp; &lt;Co&gt;" in cells[1][0] and "<b>" not in written
