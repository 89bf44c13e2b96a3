"""Every select's empty choice is worded as GOV.UK does ("Choose a service area"), never Django's "---------".

Every page of the URL walk (tests/test_url_walk.py) is rendered for every role that may see it, with the
walk's records (audits in every state, a proposed sample, a plan, learning): no page may carry Django's
default empty label. A new list with the default fails here.
"""

from __future__ import annotations

import pytest

from tests.test_url_walk import ROLES, get_page_urls, world  # noqa: F401

DJANGO_EMPTY_LABEL = "---------"


@pytest.mark.parametrize("who", ROLES)
def test_no_page_shows_djangos_default_empty_choice(client, council, world, who):  # noqa: F811
    shown = 0
    offending = []
    for name, url in get_page_urls(world):
        client.force_login(council[who])  # again each time: some pages (signed out) end the session
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        shown += 1
        if DJANGO_EMPTY_LABEL in response.content.decode():
            offending.append(name)
    assert shown, "the walk showed this role no page"
    assert not offending, f"Word the empty choice as GOV.UK does on: {sorted(set(offending))}"
