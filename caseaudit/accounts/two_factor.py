"""Two-step verification: who must use it, setting it up, checking codes.

The second step is a 6-digit code from an authenticator app (TOTP, RFC 6238)
or one of ten one-time recovery codes. django-otp stores the devices and marks
a session verified; the rules about people live here (docs/decisions/0030).
"""

from __future__ import annotations

import re
from base64 import b32encode

import django_otp
import segno
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from .models import SessionCutoff

# People who can see every child in the council or configure the service.
TWO_FACTOR_REQUIRED_ROLES = frozenset({Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def two_factor_required(person: Person) -> bool:
    return person.has_role(*TWO_FACTOR_REQUIRED_ROLES)


def confirmed_app(person: Person) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=True).first()


def has_two_factor(person: Person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def pending_app(person: Person) -> TOTPDevice:
    """The not-yet-confirmed device being set up: the same one on every reload,
    so the QR code does not change under someone who is still scanning it."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=person, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps ask for it."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an SVG QR code, drawn here (no third-party service sees the secret)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title="QR code for your authenticator app"
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def is_app_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", normalise(code)))


@transaction.atomic
def app_confirm(*, person: Person, device_id: int, code: str) -> list[str] | None:
    """Confirm a new app with its first code: it replaces any earlier app, and
    new recovery codes replace the old ones. Returns the codes, or None when the
    code was wrong."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=person, confirmed=False).first()
    if device is None or not is_app_code(code) or not device.verify_token(normalise(code)):
        return None
    TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(person=person)


@transaction.atomic
def recovery_codes_issue(*, person: Person) -> list[str]:
    """Ten fresh one-time codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person).count()


def code_check(*, person: Person, code: str):
    """The device that accepts this code, or None. A 6-digit code is checked
    against the app (one use per 30-second step: django-otp locks the device row
    and remembers the last step used); anything else against the recovery codes."""
    if is_app_code(code):
        app = confirmed_app(person)
        if app is None:
            return None
        return django_otp.verify_token(person, app.persistent_id, normalise(code))
    return _recovery_code_use(person=person, code=normalise(code))


def code_already_used(*, person: Person, code: str) -> bool:
    """Whether an app code that was refused is the one last accepted (django-otp allows each 30-second
    step once): the person is told to wait for a new code rather than that the code is wrong."""
    from django_otp.oath import TOTP

    app = confirmed_app(person)
    if app is None or app.last_t < 0 or not is_app_code(code):
        return False
    totp = TOTP(app.bin_key, app.step, app.t0, app.digits)
    totp.time = app.t0 + app.last_t * app.step
    return totp.token() == int(normalise(code))


@transaction.atomic
def _recovery_code_use(*, person: Person, code: str) -> StaticDevice | None:
    device = StaticDevice.objects.select_for_update().filter(user=person, confirmed=True).first()
    if device is None or not code:
        return None
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None
    # A conditional delete, not read-then-delete: of two requests racing with the
    # same code, only the one whose DELETE removed the row signs in.
    deleted, _ = StaticToken.objects.filter(device=device, token=code).delete()
    if not deleted:
        device.throttle_increment()
        return None
    device.throttle_reset()
    return device


@transaction.atomic
def two_factor_turn_off(*, person: Person) -> None:
    """Only for people whose role does not require it."""
    if two_factor_required(person):
        raise ValueError("Two-step verification is required for this person's role.")
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()


def sessions_end_everywhere(*, person: Person) -> None:
    """End every session this person has, on every device (checked per request)."""
    SessionCutoff.objects.update_or_create(person=person, defaults={"not_before": timezone.now()})
