"""Shared fixtures: a small council with a named person in every role.

North and South are service areas; North has teams A and B, South has team C.
Each child belongs to a team and has an allocated worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from caseaudit.organisation.models import Child, Person, Team
from caseaudit.organisation.roles import Role

from .factories import ChildFactory, PersonFactory, ServiceAreaFactory, TeamFactory


@dataclass
class Council:
    team_a: Team
    team_b: Team
    team_c: Team
    people: dict[str, Person]
    children: dict[str, Child]

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


@pytest.fixture
def council(db) -> Council:
    north = ServiceAreaFactory(name="North")
    south = ServiceAreaFactory(name="South")
    team_a = TeamFactory(name="Team A", service_area=north)
    team_b = TeamFactory(name="Team B", service_area=north)
    team_c = TeamFactory(name="Team C", service_area=south)

    def person(key: str, roles: list[str], **fields) -> Person:
        return PersonFactory(
            email=f"{key}@council.example", full_name=key.replace("_", " ").title(), roles=roles, **fields
        )

    director = person("director", [Role.DIRECTOR])
    head = person("head_of_service", [Role.HEAD_OF_SERVICE], line_manager=director)
    qa_admin = person("qa_admin", [Role.QA_ADMIN], line_manager=head)
    auditor = person("auditor", [Role.AUDITOR], line_manager=qa_admin)
    moderator = person("moderator", [Role.MODERATOR], line_manager=qa_admin)
    service_manager = person("service_manager", [Role.SERVICE_MANAGER], service_area=north, line_manager=head)
    practice_lead = person("practice_lead", [Role.PRACTICE_LEAD], service_area=north, line_manager=service_manager)
    team_manager = person("team_manager", [Role.TEAM_MANAGER], team=team_a, line_manager=service_manager)
    team_a.manager = team_manager
    team_a.save()
    other_manager = person("other_team_manager", [Role.TEAM_MANAGER], team=team_c, line_manager=head)
    team_c.manager = other_manager
    team_c.save()
    worker = person("social_worker", [Role.SOCIAL_WORKER], team=team_a, line_manager=team_manager)
    colleague = person("colleague", [Role.SOCIAL_WORKER], team=team_a, line_manager=team_manager)
    iro = person("iro", [Role.IRO], line_manager=head)
    outsider = person("outsider", [Role.SOCIAL_WORKER], team=team_c, line_manager=other_manager)

    children = {
        "own": ChildFactory(name="Olivia Own", team=team_a, allocated_worker=worker, independent_reviewing_officer=iro),
        "colleagues": ChildFactory(name="Callum Colleague", team=team_a, allocated_worker=colleague),
        "team_b": ChildFactory(name="Bella Bteam", team=team_b, allocated_worker=None),
        "south": ChildFactory(name="Samir South", team=team_c, allocated_worker=outsider),
    }
    people = {
        p.email.split("@")[0]: p
        for p in [
            director,
            head,
            qa_admin,
            auditor,
            moderator,
            service_manager,
            practice_lead,
            team_manager,
            other_manager,
            worker,
            colleague,
            iro,
            outsider,
        ]
    }
    return Council(team_a, team_b, team_c, people, children)


@pytest.fixture(autouse=True)
def _force_login_passes_two_step_verification(monkeypatch):
    """force_login skips the password; for people whose role requires two-step
    verification it also skips the code, as a signed-in session would have it.
    Tests of the code step itself call force_login(person, verified=False)."""
    from django.test import Client

    from caseaudit.accounts.two_factor import two_factor_required

    from .otp import mark_verified

    original = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        original(self, user, backend)
        if verified and two_factor_required(user):
            mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
