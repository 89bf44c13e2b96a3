"""Walk every URL pattern as every role: deny by default, 404 to outsiders.

A new page must be added to PAGES below, or this test fails: no route can be
forgotten by the access rules.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from caseaudit.organisation.access import children_visible_to

ROLES = [
    "director",
    "head_of_service",
    "qa_admin",
    "auditor",
    "moderator",
    "service_manager",
    "practice_lead",
    "team_manager",
    "other_team_manager",
    "social_worker",
    "colleague",
    "iro",
    "outsider",
]

# name -> (public?, how to fill its arguments, method)
PAGES = {
    "web:home": {"public": False},
    "web:health": {"public": True},
    "web:accessibility": {"public": True},
    "web:privacy": {"public": True},
    "web:error_preview": {"public": False, "kwargs": {"status": 404}, "expect": {404}},
    "accounts:login": {"public": True, "expect": {302}},  # signed in: sent home
    "accounts:logout": {"public": False, "method": "post", "expect": {302}},
    "accounts:signed_out": {"public": True},
    "accounts:keep_alive": {"public": False, "method": "post", "expect": {204}},
    "organisation:child_index": {"public": False},
    "organisation:child_show": {"public": False, "per_child": True},
}


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def route_to_url(route: str, values: dict) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def fill(match):
        return str(values.get(match.group(2), "1"))

    url = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "1")), url)
    return "/" + url


def all_routes():
    return list(walk(get_resolver().url_patterns))


def test_every_route_is_listed_here():
    names = {name for route, name, _ in all_routes() if not route.startswith("admin/")}
    assert names == set(PAGES), "List new pages in PAGES with who may see them"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitors_are_sent_to_sign_in_unless_the_page_is_public(client, council, name):
    spec = PAGES[name]
    route = next(route for route, n, _ in all_routes() if n == name)
    url = route_to_url(route, spec.get("kwargs", {"pk": council.children["own"].pk}))
    response = getattr(client, spec.get("method", "get"))(url)
    if spec["public"]:
        assert response.status_code in (200, 204)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in")


@pytest.mark.parametrize("who", ROLES)
def test_every_role_gets_the_right_answer_from_every_route(client, council, who):
    person = council[who]
    visible = set(children_visible_to(person).values_list("pk", flat=True))
    for route, name, _ in all_routes():
        if route.startswith("admin/"):
            continue
        spec = PAGES[name]
        client.force_login(person)
        if spec.get("per_child"):
            for child in council.children.values():
                response = client.get(route_to_url(route, {"pk": child.pk}))
                assert response.status_code == (200 if child.pk in visible else 404), f"{who} {name} {child}"
            continue
        url = route_to_url(route, spec.get("kwargs", {}))
        response = getattr(client, spec.get("method", "get"))(url)
        assert response.status_code in spec.get("expect", {200}), f"{who} {name} -> {response.status_code}"


@pytest.mark.parametrize("who", ROLES)
def test_only_qa_administrators_reach_the_admin(client, council, who):
    person = council[who]
    client.force_login(person)
    values = {"app_label": "organisation", "object_id": council.children["own"].pk, "content_type_id": 1}
    admin_routes = [route for route, _, _ in all_routes() if route.startswith("admin/")]
    assert admin_routes
    for route in admin_routes:
        if "logout" in route or "password_change" in route or "login" in route:
            continue
        url = route_to_url(route, values)
        response = client.get(url)
        if person.has_role("qa_admin"):
            # 403 only from the autocomplete endpoint, which refuses calls without its parameters.
            assert response.status_code in (200, 302, 403, 404), f"{who} {url} -> {response.status_code}"
        else:
            assert response.status_code in (302, 404), f"{who} {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"], url


def test_the_admin_change_page_for_a_child_logs_the_read(client, council):
    from caseaudit.trail.models import TrailEntry

    client.force_login(council["qa_admin"])
    child = council.children["south"]
    response = client.get(f"/admin/organisation/child/{child.pk}/change/")
    assert response.status_code == 200
    assert TrailEntry.objects.filter(action=TrailEntry.Action.ACCESS, object_pk=str(child.pk)).exists()
