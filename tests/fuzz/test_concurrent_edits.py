"""Two people editing the same shared record never silently overwrite each other."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tests.test_url_walk import world  # noqa: F401


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_two_people_naming_the_responsible_professional_are_not_overwritten(council, world):  # noqa: F811
    plan = world["plans"][0]
    url = reverse("improvement:responsible", args=[plan.pk])
    first, second = Client(), Client()
    first.force_login(council["qa_admin"])
    second.force_login(council["service_manager"])
    # Both open the form on the same version.
    v1 = _version(first.get(url).content.decode())
    v2 = _version(second.get(url).content.decode())
    assert v1 == v2
    answer = first.post(url, {"responsible": council["team_manager"].pk, "role": "team_manager", "version": v1})
    assert answer.status_code == 302
    # The second save is told, keeps their choice on the page, and changes nothing.
    answer = second.post(url, {"responsible": council["iro"].pk, "role": "iro", "version": v2})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "was named by someone else while you were editing" in page
    assert f'value="{council["iro"].pk}" selected' in page
    plan.refresh_from_db()
    assert plan.responsible == council["team_manager"]
    # Saving again, now told, replaces the other choice.
    answer = second.post(url, {"responsible": council["iro"].pk, "role": "iro", "version": _version(page)})
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert plan.responsible == council["iro"]
