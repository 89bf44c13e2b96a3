"""docs/authorisation-matrix.md is the specification: every cell is tried here.

The table's rules are defined below on the records themselves, not through the
code's access helpers, so a wrong helper cannot make its own test pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The walk's records (audits in every state, a plan, a programme, learning), as a fixture.
from .test_url_walk import (
    PAGES,
    ROLES,
    all_routes,
    kwargs_for,
    route_to_url,
    world,  # noqa: F401
)

MATRIX = Path(__file__).resolve().parent.parent / "docs" / "authorisation-matrix.md"
STATUSES = {"200", "204", "302", "401", "404"}


def parse_matrix() -> dict[str, dict]:
    text = MATRIX.read_text()
    table = text.split("## The matrix", 1)[1]
    lines = [line.strip() for line in table.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[:3] == ["URL name", "method", "object"]
    assert header[3:] == ROLES, "the matrix has one column per role, in the order of ROLES"
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name = cells[0].strip("`")
        assert name not in rows, f"{name} is in the matrix twice"
        rows[name] = {"method": cells[1], "objects": cells[2], "cells": dict(zip(ROLES, cells[3:], strict=True))}
    return rows


ROWS = parse_matrix()


def _done(audit) -> bool:
    return audit.status in ("finalised", "shared")


def _rule_holds(word: str, person, obj) -> bool:
    from caseaudit.api.models import ApiToken
    from caseaudit.audits.models import Audit
    from caseaudit.improvement.models import ImprovementPlan, RemedialAction
    from caseaudit.organisation.models import Child

    area = person.home_service_area_id
    obj = type(obj).objects.get(pk=obj.pk)  # the fixture's instances can be older than the database
    if isinstance(obj, Child):
        return {
            "own": lambda: obj.allocated_worker_id == person.pk,
            "reviewed": lambda: obj.independent_reviewing_officer_id == person.pk,
            "team": lambda: obj.team.manager_id == person.pk,
            "area": lambda: area is not None and obj.team.service_area_id == area,
            "assigned": lambda: (
                Audit.objects.filter(child=obj, auditor=person).exists()
                or Audit.objects.filter(child=obj, moderator=person).exists()
            ),
        }[word]()
    if isinstance(obj, Audit):
        return {
            "assigned": lambda: person.pk in (obj.auditor_id, obj.moderator_id),
            "auditor": lambda: obj.auditor_id == person.pk,
            "draft": lambda: obj.status == "draft",
            "open": lambda: not _done(obj),
            "queue": lambda: obj.status == "submitted" and obj.auditor_id != person.pk,
            "moderating": lambda: obj.status == "in_moderation" and obj.moderator_id == person.pk,
            "moderated": lambda: obj.moderator_id == person.pk,
            "finalised": lambda: obj.status == "finalised",
            "own-shared": lambda: obj.status == "shared" and obj.worker_id == person.pk,
            "team-done": lambda: _done(obj) and obj.team.manager_id == person.pk,
            "area-done": lambda: _done(obj) and area is not None and obj.team.service_area_id == area,
            "to-acknowledge": lambda: (
                obj.status == "shared"
                and person.pk in (obj.worker_id, obj.team.manager_id)
                and not obj.acknowledgements.filter(person=person).exists()
            ),
            "critical": lambda: obj.is_critical and not obj.critical_action,
            "team": lambda: obj.team.manager_id == person.pk,
            "area": lambda: area is not None and obj.team.service_area_id == area,
        }[word]()
    if isinstance(obj, ImprovementPlan):
        return {
            "team": lambda: obj.team.manager_id == person.pk,
            "area": lambda: area is not None and obj.team.service_area_id == area,
            "in-plan": lambda: obj.responsible_id == person.pk or obj.actions.filter(owner=person).exists(),
            "caseload-open": lambda: obj.stages.filter(kind="caseload_review", completed_on__isnull=True).exists(),
        }[word]()
    if isinstance(obj, ApiToken):
        return {"token-owner": lambda: obj.person_id == person.pk}[word]()
    if isinstance(obj, RemedialAction):
        return {"owner": lambda: obj.owner_id == person.pk, "open": lambda: obj.completed_on is None}[word]()
    raise AssertionError(f"rule {word!r} tried on {obj!r}")


def cell_allows(cell: str, person, obj) -> bool:
    """'a+b / c' -> (a and b) or c."""
    return any(
        all(_rule_holds(word.strip(), person, obj) for word in alternative.split("+"))
        for alternative in cell.split("/")
    )


def test_every_url_name_is_in_the_matrix_and_every_row_is_a_url():
    names = {name for route, name, _ in all_routes() if not route.startswith("admin/")}
    assert set(ROWS) - names == set(), "the matrix lists pages that do not exist"
    assert names - set(ROWS) == set(), "add these pages to docs/authorisation-matrix.md"


def test_the_matrix_and_the_url_walk_agree_on_role_only_pages():
    """PAGES (the older walk) names whole roles for some pages; the matrix must say the same."""
    for name, spec in PAGES.items():
        row = ROWS[name]
        if "roles" not in spec:
            continue
        for who in ROLES:
            allowed = row["cells"][who] not in ("404",)
            assert allowed == (who in spec["roles"]), f"{name} {who}: matrix {row['cells'][who]}, walk {spec['roles']}"


def test_cells_use_only_known_answers_and_rules(council, request):
    records = request.getfixturevalue("world")
    for name, row in ROWS.items():
        assert row["method"] in ("GET", "POST"), name
        assert row["objects"] == "-" or row["objects"] in records, name
        for who, cell in row["cells"].items():
            if cell in STATUSES or cell == "done":
                continue
            assert row["objects"] != "-", f"{name} {who}: a rule needs objects"
            for obj in records[row["objects"]]:
                cell_allows(cell, council[who], obj)  # raises on an unknown word


def _url(name: str, obj) -> str:
    route = next(route for route, n, _ in all_routes() if n == name)
    return route_to_url(route, kwargs_for(name, obj) if obj is not None else PAGES[name].get("kwargs", {}))


# State-changing actions that remove what later rows use go last.
ORDER = sorted(ROWS, key=lambda name: name in ("audits:sample_remove", "accounts:sign_out_everywhere"))


@pytest.mark.parametrize("who", ROLES)
def test_every_cell_of_the_matrix(client, council, request, who):
    records = request.getfixturevalue("world")
    person = council[who]
    problems = []
    for name in ORDER:
        row = ROWS[name]
        cell = row["cells"][who]
        objects = [None] if row["objects"] == "-" else records[row["objects"]]
        for obj in objects:
            client.force_login(person)
            url = _url(name, obj)
            if cell in STATUSES:
                expected = {int(cell)}
            elif cell == "done" or (row["method"] == "POST" and cell_allows(cell, person, obj)):
                # Open to this role: the route is there for them (GET is refused as a method, not hidden).
                response = client.get(url)
                if response.status_code != 405:
                    problems.append(f"{name} {obj} GET -> {response.status_code}, expected 405")
                continue
            else:
                expected = {200 if cell_allows(cell, person, obj) else 404}
            response = client.post(url) if row["method"] == "POST" else client.get(url)
            if response.status_code not in expected:
                problems.append(f"{name} {obj}: {response.status_code}, matrix says {cell} -> {expected}")
    assert not problems, f"{who}:\n" + "\n".join(problems)
