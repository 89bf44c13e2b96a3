import datetime

import pytest
from django.core.cache import cache

from caseaudit.audits.services.lifecycle import audit_open
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.family.services import questionnaires_ensure


@pytest.fixture(autouse=True)
def _fresh_guess_counter():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def questionnaires(db):
    return questionnaires_ensure()


def open_audit(council, child="own"):
    version = standard_tools_ensure()[0].current_version
    return audit_open(
        child=council.children[child],
        auditor=council["auditor"],
        tool_version=version,
        due_on=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def audit(council, questionnaires):
    return open_audit(council)


@pytest.fixture
def notify(settings, monkeypatch):
    """A local GOV.UK Notify (fake_notify.py) that the real client is pointed at, with a key and template ids."""
    from . import fake_notify

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = fake_notify.FakeNotify()
    server = fake_notify.start(fake)
    settings.CASEAUDIT_NOTIFY_API_KEY = fake_notify.API_KEY
    settings.CASEAUDIT_NOTIFY_BASE_URL = fake.base_url
    settings.CASEAUDIT_NOTIFY_TEMPLATES = dict(fake_notify.TEMPLATES)
    yield fake
    server.shutdown()
    server.server_close()
