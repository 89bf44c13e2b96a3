"""Two-step verification in tests: give a person an authenticator app with a
known key, work out the code it shows, and mark a test client's session verified."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.demo.two_factor import demo_code

TEST_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def app_for(person) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=person, name="Test app", key=TEST_KEY_HEX, confirmed=True)


def code_for(person, at: float | None = None) -> str:
    """The code the person's app accepts next (the next step's if this one was used)."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    return demo_code(device, at)


def mark_verified(client, person) -> None:
    """What django-otp stores in the session after a correct code."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_for(person).persistent_id
    session.save()
