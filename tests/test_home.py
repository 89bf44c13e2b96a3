"""The home page says what needs doing today, by role, and nothing a person should not see."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from caseaudit.audits.services.sampling import programme_create
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.imports.models import Deviation, ImportRun
from caseaudit.learning.models import Recommendation, RecommendationSource
from caseaudit.reporting.models import Report

from .improvement.conftest import away, finalise  # noqa: F401 (fixtures)


def home(client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def qa_work(council, finalise):  # noqa: F811
    """A moderated audit not yet shared, a programme still planning, a checked import, an open difference."""
    audit = finalise("south", grade="good")
    programme_create(
        service_area=council.team_c.service_area,
        month=datetime.date(2026, 12, 1),
        tool_version=standard_tools_ensure()[0].current_version,
        due_on=datetime.date(2026, 12, 31),
        by=council["qa_admin"],
    )
    ImportRun.objects.create(
        kind="cases", filename="extract.csv", sha256="1" * 64, status="checked", created_by=council["qa_admin"]
    )
    plan = finalise("own", grade="inadequate").improvement_plan
    Deviation.objects.create(
        key="k", kind="transferred", plan=plan, child=plan.child, reason="r", first_found_on=plan.opened_on,
        last_found_on=plan.opened_on,
    )  # fmt: skip
    return audit


def test_the_qa_administrator_sees_the_teams_queue(client, council, qa_work):
    page = home(client, council["qa_admin"])
    assert "2 moderated audits ready to share" in page  # both audits the fixture finalised
    assert "1 programme with a sample still to confirm" in page
    assert "1 checked import waiting for you to import or cancel" in page
    assert "1 difference between the plans and the case system to look at" in page


def test_nobody_else_sees_the_qa_queue(client, council, qa_work):
    for who in ("director", "team_manager", "service_manager", "social_worker"):
        page = home(client, council[who])
        assert "checked import" not in page, who
        assert "between the plans and the case system" not in page, who
        assert "sample still to confirm" not in page, who


def test_the_moderator_is_asked_to_share_what_they_moderated(client, council, qa_work):
    assert "2 moderated audits ready to share" in home(client, council["moderator"])
    assert "ready to share" not in home(client, council["auditor"])


def test_a_recommendation_owner_sees_their_open_and_overdue_actions(client, council):
    source = RecommendationSource.objects.create(
        kind="inspection", title="Ofsted", reported_on=datetime.date(2026, 1, 5)
    )
    for due, status in ((datetime.date(2026, 3, 1), "partially"), (datetime.date(2027, 6, 1), "not_started")):
        Recommendation.objects.create(
            source=source, text="t", agreed_action="a", owner=council["service_manager"],
            raised_on=datetime.date(2026, 1, 5), due_on=due, status=status,
        )  # fmt: skip
    Recommendation.objects.create(
        source=source, text="done", agreed_action="a", owner=council["service_manager"],
        raised_on=datetime.date(2026, 1, 5), due_on=datetime.date(2026, 2, 1), status="fully",
    )  # fmt: skip
    page = home(client, council["service_manager"])
    assert "2 agreed actions from audits and inspections not yet fully implemented" in page
    assert "1 past its due date" in page
    assert "agreed action" not in home(client, council["team_manager"])


def test_readers_see_the_latest_report_they_may_open(client, council):
    north = council.team_a.service_area
    Report.objects.create(
        title="North Q2", start=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30), service_area=north,
        created_by=council["qa_admin"], status="published", snapshot={"figures": {}}, published_at=datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC),
    )  # fmt: skip
    Report.objects.create(
        title="South Q2", start=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30),
        service_area=council.team_c.service_area, created_by=council["qa_admin"], status="published",
        snapshot={"figures": {}}, published_at=datetime.datetime(2026, 10, 6, tzinfo=datetime.UTC),
    )  # fmt: skip
    assert "Latest: " in home(client, council["director"]) and "South Q2" in home(client, council["director"])
    north_manager = home(client, council["service_manager"])
    assert "North Q2" in north_manager and "South Q2" not in north_manager
    assert "Latest: " not in home(client, council["social_worker"])


def test_a_person_with_nothing_to_do_is_told_so(client, council):
    assert "Nothing needs doing today." in home(client, council["outsider"])


def test_the_worker_sees_their_action_and_the_plan_about_their_work(client, council, finalise):  # noqa: F811
    from caseaudit.improvement.services.plans import ActionSpec, meeting_record

    plan = finalise("own", grade="inadequate").improvement_plan
    meeting_record(
        plan_id=plan.pk, by=council["practice_lead"], held_on=datetime.date.today(), attendees="PL",
        actions=[ActionSpec("Visit the family", council["social_worker"], datetime.date.today())],
    )  # fmt: skip
    page = home(client, council["social_worker"])
    assert "Visit the family" in page
    assert "was graded Inadequate" in page
    assert "Nothing needs doing today." not in page


def test_a_finished_transaction_shows_a_confirmation_panel_once(client, council, finalise):  # noqa: F811
    audit = finalise("south", grade="good")
    client.force_login(council["qa_admin"])
    response = client.post(f"/audits/{audit.pk}/share", follow=True)
    page = response.content.decode()
    assert page.count("govuk-panel--confirmation") == 1
    assert '<h2 class="govuk-panel__title">Audit shared with the worker and their team manager</h2>' in page
    assert "What happens next" in page and "asked to acknowledge it" in page
    assert "govuk-panel--confirmation" not in client.get(f"/audits/{audit.pk}/").content.decode()


def test_the_figures_counted_together_are_each_right(client, council, finalise, away, time_machine):  # noqa: F811
    """The page reads its counts in one query: each still counts its own rows, for its own person."""
    from caseaudit.organisation.models import Child

    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0), tick=False)
    plan = finalise("own", grade="inadequate").improvement_plan
    mine = Child.objects.filter(allocated_worker=council["social_worker"], closed_on__isnull=True)
    assert f'<span class="app-figure__number">{mine.count()}</span> allocated to you' in home(
        client, council["social_worker"]
    )
    mine.filter(pk=plan.child_id).update(closed_on=datetime.date(2026, 3, 1))
    assert f'<span class="app-figure__number">{mine.count()}</span> allocated to you' in home(
        client, council["social_worker"]
    )
    assert "allocated to you" not in home(client, council["team_manager"])
    # The day-three meeting waits on the practice lead; their named cover sees it while they are away.
    meeting = f"Day-three meeting for case {plan.child.case_id}"
    assert meeting not in home(client, council["team_manager"])
    away("practice_lead", datetime.date(2026, 3, 1), datetime.date(2026, 3, 13), cover_key="team_manager")
    page = home(client, council["team_manager"])
    assert meeting in page and "with an overdue stage" not in page
    # Past the meeting's deadline, the plan counts as overdue for those who oversee it, not for the worker.
    time_machine.move_to(datetime.datetime(2026, 3, 20, 10, 0), tick=False)
    assert "1 plan in your area with an overdue stage" in home(client, council["team_manager"])
    assert "1 plan across the council with an overdue stage" in home(client, council["qa_admin"])
    assert "with an overdue stage" not in home(client, council["social_worker"])


def _audit(council, **fields):
    """An audit of a new child in Team A, in whatever state the fields say."""
    from caseaudit.audits.models import Audit

    from .factories import ChildFactory

    child = ChildFactory(team=council.team_a)
    return Audit.objects.create(
        kind="case_file", child=child, team=child.team, tool_version=standard_tools_ensure()[0].current_version,
        audit_date=datetime.date(2026, 1, 2), **fields,
    )  # fmt: skip


def _link(page: str, text: str) -> str:
    found = re.findall(rf'<a class="govuk-link" href="([^"]+)">{re.escape(text)}</a>', page)
    assert len(found) == 1, f"no single link {text!r}"
    return html.unescape(found[0])


def test_each_audit_link_opens_the_list_it_names(client, council):
    """Given a moderator with an audit to do, five waiting for moderation, one moderated to share and one
    shared with them, each line on the home page opens that list of My audits, not the top of the page."""
    me, other = council["moderator"], council["auditor"]
    lists = {
        "to_do": ("1 audit to do", "To do", [_audit(council, status="draft", auditor=me)]),
        "moderation_queue": (
            "5 audits waiting for moderation", "Waiting for moderation",
            [_audit(council, status="submitted", auditor=other, auditor_name="") for _ in range(5)],
        ),
        "to_share": (
            "1 moderated audit ready to share with the worker and their manager", "Moderated, ready to share",
            [_audit(council, status="finalised", moderator=me, final_grade="good")],
        ),
        "to_acknowledge": (
            "1 audit shared with you to acknowledge", "Shared with you to acknowledge",
            [_audit(council, status="shared", worker=me, final_grade="good")],
        ),
    }  # fmt: skip
    page = home(client, me)
    for name, (text, heading, audits) in lists.items():
        href = _link(page, text)
        assert href == f"/audits/mine/?list={name}"
        shown = client.get(href).content.decode()
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in shown, name
        cases = [a.child.case_id for a in audits]
        others = [a.child.case_id for n, (_, _, more) in lists.items() if n != name for a in more]
        assert all(case in shown for case in cases), name
        assert not [case for case in others if case in shown], name


def test_the_critical_concern_warning_links_to_the_concern(client, council):
    me = council["moderator"]
    critical = {"status": "shared", "moderator": me, "is_critical": True, "overall_grade": "inadequate"}
    concern = _audit(council, final_grade="inadequate", **critical)
    page = home(client, me)
    assert "1 critical safeguarding concern with no action recorded" in page
    href = _link(page, f"audit of case {concern.child.case_id}")
    assert href == f"/audits/{concern.pk}/"
    shown = client.get(href).content.decode()
    assert concern.child.case_id in shown and "No action has been recorded yet" in shown
    # Many concerns: the first few are named, each a link to its audit, and the whole list is a link away.
    more = [_audit(council, final_grade="inadequate", **critical) for _ in range(6)]
    page = home(client, me)
    named = [a for a in [concern, *more] if f'href="/audits/{a.pk}/">audit of case {a.child.case_id}</a>' in page]
    assert len(named) == 5
    href = _link(page, "see all 7")
    assert href == "/audits/mine/?list=critical"
    shown = client.get(href).content.decode()
    assert all(a.child.case_id in shown for a in [concern, *more])


def test_taking_an_audit_for_moderation_says_why(client, council):
    audit = _audit(council, status="submitted", auditor=council["auditor"], overall_grade="good")
    client.force_login(council["moderator"])
    page = client.get(f"/audits/{audit.pk}/moderate").content.decode()
    assert "Take for moderation" in page
    assert "Only one moderator works on an audit at a time" in page
    assert "two moderators cannot change the same audit" in page
