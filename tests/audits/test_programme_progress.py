"""A month's programme in progress (issue 44, point 5): the QA administrator sees the month's audits counted by
stage (not started, in progress, submitted, in moderation, moderated) with the overdue ones, in all, by auditor
and by team, each count a link to the audits behind it, and emails those behind one reminder a day, listing their
drafts overdue or due soon (decision 0089)."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseaudit.audits.models import Activity, ActivityKind, Answer, Audit, Programme, ProgrammeKind
from caseaudit.audits.selectors import programme_month_audit_list, programme_month_progress
from caseaudit.audits.services.lifecycle import (
    AuditDraft,
    ModerationDecision,
    audit_moderate,
    audit_moderation_start,
    audit_open,
    audit_save_draft,
    audit_share,
    audit_submit,
)
from caseaudit.audits.services.progress import REMINDER_REASON
from caseaudit.audits.services.sampling import programme_create
from caseaudit.messaging.models import SentMessage
from caseaudit.organisation.models import Person, Team
from caseaudit.organisation.roles import Role
from caseaudit.web.dates import long_date

from ..factories import ChildFactory, PersonFactory, TeamFactory
from .conftest import complete_draft

SITE = "https://caseaudit.council.example"
PAGE = reverse("audits:programme_progress")
LIST = reverse("audits:programme_progress_audits")
REMIND = reverse("audits:programme_remind")
# The counts of a row, in the order the page's columns show them (due soon is counted but not a column).
COLUMNS = ["not_started", "in_progress", "submitted", "in_moderation", "moderated", "overdue", "total"]
COUNTED = [*COLUMNS[:-1], "due_soon", "total"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def counts(row: dict) -> tuple[int, ...]:
    """(not started, in progress, submitted, in moderation, moderated, overdue, due soon, total)"""
    return tuple(row[name] for name in COUNTED)


@dataclass
class Month:
    today: datetime.date
    month: datetime.date
    north: Programme
    south: Programme
    auditor: Person
    second: Person
    third: Person
    audits: dict[str, Audit]

    def __getitem__(self, key: str) -> Audit:
        return self.audits[key]

    def pks(self, *keys: str) -> set[int]:
        return {self.audits[key].pk for key in keys}

    @property
    def query(self) -> dict[str, str]:
        return {"month": f"{self.month:%Y-%m}"}


def _open(version, programme, team: Team, auditor: Person | None, due_on: datetime.date | None) -> Audit:
    return audit_open(
        child=ChildFactory(team=team, allocated_worker=None),
        auditor=auditor,
        tool_version=version,
        due_on=due_on,
        programme=programme,
    )


def _submitted(audit: Audit, by: Person) -> Audit:
    return audit_submit(audit_id=audit.pk, by=by, draft=complete_draft(audit), expected_version=audit.version)


def _moderated(audit: Audit, by: Person, moderator: Person) -> Audit:
    audit = audit_moderation_start(audit_id=_submitted(audit, by).pk, moderator=moderator)
    sections = {j.section_id: (j.grade, "") for j in audit.judgements.all()}
    return audit_moderate(
        audit_id=audit.pk,
        moderator=moderator,
        decision=ModerationDecision(overall_grade="good", sections=sections),
        expected_version=audit.version,
    )


@pytest.fixture
def world(council, version) -> Month:
    """This month's programmes for North (teams A and B) and South (team C), eleven audits in every stage:

    key  team auditor  due      stage
    a1   A    Auditor  -3 days  not started (overdue; reassigned, so version 2, nothing typed)
    a2   A    Auditor  +3 days  in progress (a summary typed; due soon)
    a3   A    Second   -1 day   in progress (an activity recorded, nothing typed; overdue)
    a4   A    Auditor  -5 days  submitted (late, but no longer the auditor's to do: not overdue)
    b1   B    Second   +3 days  in moderation
    b2   B    Auditor  -10 days moderated (finalised)
    b3   B    nobody   -2 days  not started (overdue)
    b4   B    Second   +30 days not started
    c1   C    Auditor  today    moderated (shared)
    c2   C    Second   +7 days  not started (due soon: the last day of it)
    c3   C    Second   none     in progress (one practice area graded)

    Last month: p1 (Auditor, -20 days) and p2 (Tess Third, -20 days), both drafts not started."""
    today = timezone.localdate()
    month = today.replace(day=1)
    last_month = (month - datetime.timedelta(days=1)).replace(day=1)
    north, south = council.team_a.service_area, council.team_c.service_area
    qa, moderator = council["qa_admin"], council["moderator"]
    auditor = council["auditor"]
    second = PersonFactory(email="second.auditor@council.example", full_name="Sam Second", roles=[Role.AUDITOR])
    third = PersonFactory(email="third.auditor@council.example", full_name="Tess Third", roles=[Role.AUDITOR])

    def programme(area, first_day):
        return programme_create(
            service_area=area, month=first_day, tool_version=version, due_on=first_day.replace(day=28), by=qa
        )

    north_programme, south_programme = programme(north, month), programme(south, month)
    earlier = programme(north, last_month)
    a, b, c = council.team_a, council.team_b, council.team_c
    audits = {
        "a1": _open(version, north_programme, a, auditor, days(-3)),
        "a2": _open(version, north_programme, a, auditor, days(3)),
        "a3": _open(version, north_programme, a, second, days(-1)),
        "a4": _open(version, north_programme, a, auditor, days(-5)),
        "b1": _open(version, north_programme, b, second, days(3)),
        "b2": _open(version, north_programme, b, auditor, days(-10)),
        "b3": _open(version, north_programme, b, None, days(-2)),
        "b4": _open(version, north_programme, b, second, days(30)),
        "c1": _open(version, south_programme, c, auditor, today),
        "c2": _open(version, south_programme, c, second, days(7)),
        "c3": _open(version, south_programme, c, second, None),
        "p1": _open(version, earlier, a, auditor, days(-20)),
        "p2": _open(version, earlier, b, third, days(-20)),
    }
    # Reassigned to its auditor: the version moves on with nothing typed.
    Audit.objects.filter(pk=audits["a1"].pk).update(version=2)
    audit_save_draft(
        audit_id=audits["a2"].pk, by=auditor, draft=AuditDraft(strengths="Warm relationship"), expected_version=1
    )
    Activity.objects.create(
        audit=audits["a3"], kind=ActivityKind.FILE_REVIEW, carried_out_by=second, happened_on=days(-2)
    )
    _submitted(audits["a4"], auditor)
    audit_moderation_start(audit_id=_submitted(audits["b1"], second).pk, moderator=moderator)
    _moderated(audits["b2"], auditor, moderator)
    audit_share(audit_id=_moderated(audits["c1"], auditor, moderator).pk, by=qa)
    section = audits["c3"].judgements.first().section_id
    audit_save_draft(
        audit_id=audits["c3"].pk,
        by=second,
        draft=AuditDraft(includes_overall=False, sections={section: ("good", "")}),
        expected_version=1,
    )
    return Month(today, month, north_programme, south_programme, auditor, second, third, audits)


# The counts


def test_the_months_audits_are_counted_by_stage_in_all_by_auditor_and_by_team(world):
    progress = programme_month_progress(month=world.month, service_area=None, today=world.today)

    #                              ns ip sub mod_in mod overdue soon total
    assert counts(progress["totals"]) == (4, 3, 1, 1, 2, 3, 2, 11)
    assert [(row["auditor__full_name"], counts(row)) for row in progress["by_auditor"]] == [
        ("Auditor", (1, 1, 1, 0, 2, 1, 1, 5)),
        ("Sam Second", (2, 2, 0, 1, 0, 1, 1, 5)),
        (None, (1, 0, 0, 0, 0, 1, 0, 1)),  # nobody's, last
    ]
    assert [(row["team__name"], counts(row)) for row in progress["by_team"]] == [
        ("Team A", (1, 2, 1, 0, 0, 2, 1, 4)),
        ("Team B", (2, 0, 0, 1, 1, 1, 0, 4)),
        ("Team C", (1, 1, 0, 0, 1, 0, 1, 3)),
    ]
    assert progress["behind"] == 2  # Auditor and Sam Second; the audit with no auditor is nobody's to chase
    assert [p.title for p in progress["programmes"]] == [world.north.title, world.south.title]
    # Last month's drafts (p1, p2) are not this month's.
    assert world.third.pk not in [row["auditor_id"] for row in progress["by_auditor"]]


def test_a_service_area_narrows_the_counts_to_its_teams_and_its_programmes(world, council):
    north = programme_month_progress(month=world.month, service_area=council.team_a.service_area, today=world.today)
    assert counts(north["totals"]) == (3, 2, 1, 1, 1, 3, 1, 8)
    assert [(row["auditor__full_name"], counts(row)) for row in north["by_auditor"]] == [
        ("Auditor", (1, 1, 1, 0, 1, 1, 1, 4)),
        ("Sam Second", (1, 1, 0, 1, 0, 1, 0, 3)),
        (None, (1, 0, 0, 0, 0, 1, 0, 1)),
    ]
    assert [row["team__name"] for row in north["by_team"]] == ["Team A", "Team B"]
    assert [p.title for p in north["programmes"]] == [world.north.title]
    assert north["behind"] == 2

    south = programme_month_progress(month=world.month, service_area=council.team_c.service_area, today=world.today)
    assert counts(south["totals"]) == (1, 1, 0, 0, 1, 0, 1, 3)
    assert [(row["auditor__full_name"], counts(row)) for row in south["by_auditor"]] == [
        ("Auditor", (0, 0, 0, 0, 1, 0, 0, 1)),
        ("Sam Second", (1, 1, 0, 0, 0, 0, 1, 2)),
    ]
    assert [row["team__name"] for row in south["by_team"]] == ["Team C"]
    assert south["behind"] == 1  # Sam Second's draft due in 7 days; Auditor's is shared


def test_a_themed_programme_of_the_month_is_counted_and_split_by_the_area_of_each_audits_team(world, council):
    themed = Programme.objects.create(
        kind=ProgrammeKind.THEMED,
        title="Neglect",
        month=world.month,
        tool_version=world.north.tool_version,
        due_on=world.month.replace(day=28),
    )
    _open(themed.tool_version, themed, council.team_c, world.auditor, days(10))
    progress = programme_month_progress(month=world.month, service_area=None, today=world.today)
    assert counts(progress["totals"]) == (5, 3, 1, 1, 2, 3, 2, 12)
    north = programme_month_progress(month=world.month, service_area=council.team_a.service_area, today=world.today)
    assert north["totals"]["total"] == 8  # the themed audit is South's
    assert [p.title for p in north["programmes"]] == [world.north.title, "Neglect"]  # monthly first, then themed


def test_anything_typed_or_recorded_starts_a_draft_and_a_new_version_alone_does_not(world):
    started = programme_month_audit_list(month=world.month, service_area=None, today=world.today, stage="in_progress")
    assert {audit.pk for audit in started} == world.pks("a2", "a3", "c3")
    not_started = programme_month_audit_list(
        month=world.month, service_area=None, today=world.today, stage="not_started"
    )
    assert {audit.pk for audit in not_started} == world.pks("a1", "b3", "b4", "c2")

    # A question answered, or a practice area's evidence with no grade yet, starts a draft too.
    b4, c2 = world["b4"], world["c2"]
    question = b4.tool_version.sections.first().questions.first()
    Answer.objects.create(audit=b4, question=question, choice="yes")
    judgement = c2.judgements.first()
    judgement.evidence = "Chronology read"
    judgement.save()
    not_started = programme_month_audit_list(
        month=world.month, service_area=None, today=world.today, stage="not_started"
    )
    assert {audit.pk for audit in not_started} == world.pks("a1", "b3")
    listed = {
        a.pk: a.started for a in programme_month_audit_list(month=world.month, service_area=None, today=world.today)
    }
    assert listed[b4.pk] and listed[c2.pk] and not listed[world["a1"].pk]


def test_the_counts_are_three_queries_however_many_audits_and_the_pages_cost_the_same(
    world, council, version, client, django_assert_num_queries
):
    client.force_login(council["qa_admin"])

    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as shown:
            assert client.get(PAGE, world.query).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert client.get(LIST, {**world.query, "stage": "not_started"}).status_code == 200
        return len(shown), len(listed)

    with django_assert_num_queries(3):
        programme_month_progress(month=world.month, service_area=None, today=world.today)
    page_queries()  # the first request of a session reads what later ones keep
    before = page_queries()

    # Three times the audits, with a new team and a new auditor behind.
    team_d = TeamFactory(name="Team D", service_area=council.team_a.service_area)
    fourth = PersonFactory(full_name="Una Fourth", roles=[Role.AUDITOR])
    for i in range(22):
        _open(version, world.north, team_d if i % 2 else council.team_b, fourth if i % 3 else None, days(i - 11))

    with django_assert_num_queries(3):
        progress = programme_month_progress(month=world.month, service_area=None, today=world.today)
    assert progress["totals"]["total"] == 33 and len(progress["by_team"]) == 4 and len(progress["by_auditor"]) == 4
    assert page_queries() == before


# The pages


def _tables(page: str) -> dict[str, list[tuple[str, bool, list[int]]]]:
    """Each table of the progress page by caption: its rows as (name, marked behind, the counts of COLUMNS)."""
    tables = {}
    for caption, body in re.findall(
        r'<caption class="govuk-table__caption[^"]*">(.*?)</caption>(.*?)</table>', page, re.S
    ):
        rows = []
        for name, cells in re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>(.*?)</tr>', body, re.S):
            numbers = [
                int(re.sub(r"<[^>]+>", "", re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", cell)))
                for cell in re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', cells)
            ]
            rows.append((re.sub(r"<[^>]+>", "", name).replace(" Behind", "").strip(), "Behind" in name, numbers))
        tables[caption] = rows
    return tables


def _listed(client, href: str) -> list[int]:
    response = client.get(href)
    assert response.status_code == 200, href
    return [
        int(pk)
        for pk in re.findall(
            r'<td class="govuk-table__cell"><a class="govuk-link" href="/audits/(\d+)/">', response.content.decode()
        )
    ]


def test_the_page_shows_the_months_counts_and_marks_the_auditors_behind(world, council, client):
    client.force_login(council["qa_admin"])
    response = client.get(PAGE, world.query)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Progress of {world.month:%B %Y}’s audits" in page
    assert world.north.title in page and world.south.title in page
    assert _tables(page) == {
        "All audits this month": [("All", False, [4, 3, 1, 1, 2, 3, 11])],
        "By auditor": [
            ("Auditor", True, [1, 1, 1, 0, 2, 1, 5]),
            ("Sam Second", True, [2, 2, 0, 1, 0, 1, 5]),
            ("No auditor", False, [1, 0, 0, 0, 0, 1, 1]),
        ],
        "By team": [
            ("Team A", False, [1, 2, 1, 0, 0, 2, 4]),
            ("Team B", False, [2, 0, 0, 1, 1, 1, 4]),
            ("Team C", False, [1, 1, 0, 0, 1, 0, 3]),
        ],
    }
    assert "2 auditors have drafts overdue or due within 7 days." in page
    assert "No reminders have been sent yet." in page
    assert f'<input type="hidden" name="month" value="{world.month:%Y-%m}">' in page


def test_the_page_for_one_service_area_shows_only_its_counts_and_keeps_it_in_its_links(world, council, client):
    south = council.team_c.service_area
    client.force_login(council["qa_admin"])
    page = client.get(PAGE, {**world.query, "service_area": south.pk}).content.decode()
    tables = _tables(page)
    assert tables["All audits this month"] == [("All", False, [1, 1, 0, 0, 1, 0, 3])]
    assert tables["By auditor"] == [
        ("Auditor", False, [0, 0, 0, 0, 1, 0, 1]),
        ("Sam Second", True, [1, 1, 0, 0, 0, 0, 2]),
    ]
    assert tables["By team"] == [("Team C", False, [1, 1, 0, 0, 1, 0, 3])]
    assert world.north.title not in page
    assert "1 auditor has drafts overdue or due within 7 days." in page
    assert f'<input type="hidden" name="service_area" value="{south.pk}">' in page
    hrefs = [html.unescape(h) for h in re.findall(r'href="(/audits/programmes/progress/audits\?[^"]+)"', page)]
    assert hrefs and all(f"service_area={south.pk}" in href for href in hrefs)


def test_every_count_on_the_page_links_to_exactly_the_audits_it_counts(world, council, client):
    client.force_login(council["qa_admin"])
    page = client.get(PAGE, world.query).content.decode()
    links = re.findall(
        r'<a class="govuk-link" href="([^"]+)">(\d+)<span class="govuk-visually-hidden"> ([^<]+)</span></a>', page
    )
    # Every count but the zeros, which are not links: seven rows of seven columns, less the cells that are 0.
    tables = _tables(page)
    assert len(links) == sum(1 for rows in tables.values() for _, _, cells in rows for n in cells if n)
    for href, count, says in links:
        href = html.unescape(href)
        assert urlsplit(href).path == LIST
        assert len(_listed(client, href)) == int(count), (href, says)

    def link(says: str) -> str:
        [href] = [html.unescape(h) for h, _, s in links if s == says]
        return href

    # Each says what it counts, for a screen reader, and its list holds exactly those audits.
    assert set(_listed(client, link("overdue audits of Sam Second"))) == world.pks("a3")
    assert set(_listed(client, link("in progress audits in Team A"))) == world.pks("a2", "a3")
    assert set(_listed(client, link(f"all audits, {world.month:%B %Y}"))) == world.pks(
        "a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4", "c1", "c2", "c3"
    )
    assert set(_listed(client, link("not started audits of no auditor"))) == world.pks("b3")
    assert set(_listed(client, link("moderated audits of Auditor"))) == world.pks("b2", "c1")
    assert parse_qs(urlsplit(link("not started audits of no auditor")).query)["unassigned"] == ["on"]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({}, ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4", "c1", "c2", "c3"]),
        ({"stage": "not_started"}, ["a1", "b3", "b4", "c2"]),
        ({"stage": "in_progress"}, ["a2", "a3", "c3"]),
        ({"stage": "submitted"}, ["a4"]),
        ({"stage": "in_moderation"}, ["b1"]),
        ({"stage": "moderated"}, ["b2", "c1"]),
        ({"stage": "overdue"}, ["a1", "a3", "b3"]),
        ({"stage": "due_soon"}, ["a2", "c2"]),
        ({"stage": "not_started", "team": "B"}, ["b3", "b4"]),
        ({"auditor": "second"}, ["a3", "b1", "b4", "c2", "c3"]),
        ({"unassigned": "on"}, ["b3"]),
        ({"stage": "moderated", "area": "North"}, ["b2"]),
    ],
)
def test_the_list_shows_exactly_the_audits_of_a_stage_a_team_an_auditor_or_none(world, council, client, query, keys):
    params = {**world.query, **{k: v for k, v in query.items() if k not in ("team", "auditor", "area")}}
    if "team" in query:
        params["team"] = council.team_b.pk
    if "auditor" in query:
        params["auditor"] = world.second.pk
    if "area" in query:
        params["service_area"] = council.team_a.service_area.pk
    client.force_login(council["qa_admin"])
    listed = _listed(client, f"{LIST}?{'&'.join(f'{k}={v}' for k, v in params.items())}")
    assert sorted(listed) == sorted(world.pks(*keys))
    # Soonest due first, those with no due date last.
    due = [Audit.objects.get(pk=pk).due_on for pk in listed]
    assert due == sorted(due, key=lambda d: (d is None, d))


def test_the_list_marks_each_draft_started_or_not_and_the_overdue_ones(world, council, client):
    client.force_login(council["qa_admin"])
    page = client.get(LIST, {**world.query, "auditor": world.auditor.pk}).content.decode()
    rows = {
        int(pk): row
        for pk, row in re.findall(
            r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell"><a class="govuk-link" href="/audits/(\d+)/">(.*?)</tr>',
            page,
            re.S,
        )
    }
    assert set(rows) == world.pks("a1", "a2", "a4", "b2", "c1")
    assert "Not started" in rows[world["a1"].pk] and "Overdue" in rows[world["a1"].pk]
    assert "In progress" in rows[world["a2"].pk] and "Overdue" not in rows[world["a2"].pk]
    assert "Overdue" not in rows[world["a4"].pk]  # submitted late: the moderators' wait, not the auditor's
    assert "5 audits, soonest due first." in page and "All audits by Auditor" in page


# Who may see them, and addresses nobody was given


@pytest.mark.parametrize(
    "key",
    [
        "director",
        "head_of_service",
        "auditor",
        "moderator",
        "service_manager",
        "practice_lead",
        "team_manager",
        "social_worker",
        "iro",
    ],
)
def test_nobody_but_the_qa_administrator_sees_the_pages_or_sends_reminders(
    world, council, client, key, django_capture_on_commit_callbacks
):
    client.force_login(council[key])
    assert client.get(PAGE, world.query).status_code == 404
    assert client.get(LIST, {**world.query, "stage": "overdue"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REMIND, world.query).status_code == 404
    assert mail.outbox == [] and not SentMessage.objects.filter(reason=REMINDER_REASON).exists()


def test_reminders_are_sent_by_posting_only(world, council, client):
    client.force_login(council["qa_admin"])
    assert client.get(REMIND, world.query).status_code == 405
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("address", "query"),
    [
        (PAGE, {"month": "garbage"}),
        (PAGE, {"month": "2019-01"}),  # no programmes that month, and not this month
        (PAGE, {"service_area": "999999"}),
        (PAGE, {"service_area": "North"}),
        (LIST, {"month": "2026-13"}),
        (LIST, {"team": "999999"}),
        (LIST, {"team": "x"}),
        (LIST, {"auditor": "999999"}),
        (LIST, {"stage": "late"}),
        (REMIND, {"month": "garbage"}),
        (REMIND, {"service_area": "999999"}),
    ],
)
def test_a_query_nobody_was_given_answers_404(
    world, council, client, address, query, django_capture_on_commit_callbacks
):
    client.force_login(council["qa_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        if address == REMIND:
            response = client.post(address, {**world.query, **query})
        else:
            response = client.get(address, {**world.query, **query})
    assert response.status_code == 404
    assert mail.outbox == []


# Reminders


def _remind(client, query, capture) -> str:
    with capture(execute=True):
        response = client.post(REMIND, query, follow=True)
    assert response.redirect_chain == [(f"{PAGE}?{'&'.join(f'{k}={v}' for k, v in query.items())}", 302)]
    return response.content.decode()


def _line(world: Month, key: str, when: str) -> str:
    audit = world[key]
    return f"- Case {audit.child.case_id} ({audit.team.name}), {when} {long_date(audit.due_on)}:\n  {SITE}/audits/{audit.pk}/"


def test_reminding_emails_each_auditor_behind_once_listing_all_their_drafts_overdue_or_due_soon_with_links(
    world, council, client, django_capture_on_commit_callbacks
):
    client.force_login(council["qa_admin"])
    page = _remind(client, world.query, django_capture_on_commit_callbacks)
    assert "Reminders sent to 2 auditors: Auditor, Sam Second." in page
    assert "Already reminded" not in page
    assert "Reminders were last sent on" in page
    assert sorted(m.to[0] for m in mail.outbox) == ["auditor@council.example", "second.auditor@council.example"]

    [first] = [m for m in mail.outbox if m.to == ["auditor@council.example"]]
    assert first.subject == "Reminder: 2 overdue audits"
    assert "These 3 audits assigned to you are overdue or due within 7 days, and not yet submitted:" in first.body
    # Last month's overdue draft too (one reminder a day must carry everything), soonest due first.
    lines = [_line(world, "p1", "overdue"), _line(world, "a1", "overdue"), _line(world, "a2", "due")]
    assert all(line in first.body for line in lines)
    assert [first.body.index(line) for line in lines] == sorted(first.body.index(line) for line in lines)
    for done in ("a4", "b2", "c1"):  # submitted, moderated, shared
        assert world[done].child.case_id not in first.body

    [second] = [m for m in mail.outbox if m.to == ["second.auditor@council.example"]]
    assert second.subject == "Reminder: 1 overdue audit"
    assert "These 2 audits" in second.body
    assert _line(world, "a3", "overdue") in second.body and _line(world, "c2", "due") in second.body
    for not_behind in ("b1", "b4", "c3"):  # in moderation, due in 30 days, no due date
        assert world[not_behind].child.case_id not in second.body

    # Tess Third is behind only with last month's programme; nobody is told about the audit with no auditor.
    rows = SentMessage.objects.filter(reason=REMINDER_REASON)
    assert sorted(rows.values_list("recipient__email", "status")) == [
        ("auditor@council.example", "sent"),
        ("second.auditor@council.example", "sent"),
    ]


def test_reminding_again_the_same_day_sends_nothing_more_and_says_they_were_already_reminded(
    world, council, client, django_capture_on_commit_callbacks
):
    client.force_login(council["qa_admin"])
    _remind(client, world.query, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    page = _remind(client, world.query, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert "No reminders sent. Already reminded today, or no longer active: Auditor, Sam Second." in page
    assert SentMessage.objects.filter(reason=REMINDER_REASON).count() == 2

    # Last month's page the same day reaches only the one not yet reminded today.
    last_month = (world.month - datetime.timedelta(days=1)).replace(day=1)
    page = _remind(client, {"month": f"{last_month:%Y-%m}"}, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox[2:]] == [["third.auditor@council.example"]]
    assert "Reminder sent to 1 auditor: Tess Third. Already reminded today, or no longer active: Auditor." in page


def test_reminding_one_service_area_reaches_only_its_auditors_behind(
    world, council, client, django_capture_on_commit_callbacks
):
    client.force_login(council["qa_admin"])
    page = _remind(
        client, {**world.query, "service_area": council.team_c.service_area.pk}, django_capture_on_commit_callbacks
    )
    assert "Reminder sent to 1 auditor: Sam Second." in page
    [message] = mail.outbox
    assert message.to == ["second.auditor@council.example"]
    # Their reminder lists North's overdue draft too: they hear once a day, so it carries all they are behind with.
    assert _line(world, "a3", "overdue") in message.body and _line(world, "c2", "due") in message.body


def test_an_auditor_no_longer_active_is_not_emailed_and_the_page_says_so(
    world, council, client, django_capture_on_commit_callbacks
):
    world.second.is_active = False
    world.second.save()
    client.force_login(council["qa_admin"])
    page = _remind(client, world.query, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["auditor@council.example"]]
    assert "Reminder sent to 1 auditor: Auditor. Already reminded today, or no longer active: Sam Second." in page


def test_with_nobody_behind_no_reminder_is_sent_and_the_page_says_so(
    world, council, client, django_capture_on_commit_callbacks
):
    for key in ("a1", "a2", "a3", "b4", "c2", "c3"):
        Audit.objects.filter(pk=world[key].pk).update(due_on=days(30))
    client.force_login(council["qa_admin"])
    assert (
        "No auditor has a draft overdue or due within 7 days this month."
        in client.get(PAGE, world.query).content.decode()
    )
    page = _remind(client, world.query, django_capture_on_commit_callbacks)
    assert "Nobody has a draft overdue or due within 7 days: no reminders sent." in page
    assert mail.outbox == [] and not SentMessage.objects.filter(reason=REMINDER_REASON).exists()


@pytest.mark.parametrize(
    ("stage", "heading"),
    [("", "All audits"), ("overdue", "Overdue"), ("due_soon", "Due soon"), ("in_moderation", "In moderation")],
)
def test_the_lists_heading_names_its_stage(world, council, client, stage, heading):
    client.force_login(council["qa_admin"])
    page = client.get(LIST, {**world.query, "stage": stage}).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page


def test_opened_without_a_month_the_page_shows_this_months_and_its_month_select_says_so(world, council, client):
    # A programme next month puts a newer month first in the select: it must not be the one shown selected.
    next_month = (world.month + datetime.timedelta(days=40)).replace(day=1)
    Programme.objects.create(
        kind=ProgrammeKind.THEMED,
        title="Next month's theme",
        month=next_month,
        tool_version=world.north.tool_version,
        due_on=next_month.replace(day=28),
    )
    client.force_login(council["qa_admin"])
    page = client.get(PAGE).content.decode()
    assert f"Progress of {world.month:%B %Y}’s audits" in page
    selected = re.findall(r'<option value="([0-9-]+)"[^>]*\bselected\b', page)
    assert selected == [f"{world.month:%Y-%m}"]
