"""Two-step verification for the demo council's logins (docs/decisions/0030).

The demo director, head of service and QA administrator need a code like any
real holder of those roles. Their app is set up with one published demo key, so
anyone trying the demo can get a code with `caseaudit demo_otp EMAIL` or by
typing the key into an authenticator app. The key is public: it protects nothing,
and `demo_otp` refuses any device that does not use it.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import hexlify

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.accounts.two_factor import APP_DEVICE_NAME, two_factor_required
from caseaudit.organisation.models import Person

DEMO_TOTP_KEY = b"CaseAudit-demo-key!!"  # 20 bytes, as RFC 6238 uses for SHA-1
DEMO_TOTP_KEY_HEX = hexlify(DEMO_TOTP_KEY).decode()
DEMO_TOTP_SECRET = b32encode(DEMO_TOTP_KEY).decode()


def demo_two_factor_give(emails: list[str]) -> list[str]:
    """Give each demo login whose role requires it an app with the demo key (idempotent)."""
    given = []
    for person in Person.objects.filter(email__in=emails):
        if not two_factor_required(person):
            continue
        if not TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            TOTPDevice.objects.create(user=person, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
        given.append(person.email)
    return sorted(given)


def demo_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the device accepts next: the current one, or the next step's if
    the current one was already used (a code works once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"
