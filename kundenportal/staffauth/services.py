"""The staff's second factor: enrolment of an authenticator app, backup codes, verification.

The devices are django-otp's: a ``TOTPDevice`` (the app, RFC 6238) and a ``StaticDevice``
(one-time backup codes). Both throttle verification themselves (``ThrottlingMixin``: after the
n-th wrong code in a row the device accepts no code for 2^(n-1) × the throttle factor seconds),
and the failure count lives in the device row, so every web process sees the same lock.
Verification runs in a transaction with the device rows locked, so one code cannot be used
twice by two requests at once; a wrong code is committed as a failure, never rolled back.

Backup codes are shown once, when issued; ``StaticToken.token`` holds only their keyed digest
(``backup_code_digest``: ``salted_hmac`` with SHA-256 and ``SECRET_KEY``, 16 hex characters),
so the database without the key gives no code away. A digest made with a key of
``SECRET_KEY_FALLBACKS`` still verifies; codes issued before a key change stop working once
that key leaves the fallbacks.
"""

import datetime as dt
import re
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kundenportal.audit.services import audit_log

TOTP_DEVICE_NAME = "Authenticator-App"
BACKUP_DEVICE_NAME = "Sicherungscodes"
BACKUP_CODE_COUNT = 10
# A code from the app is six digits; anything else can only be a backup code.
_TOTP_TOKEN = re.compile(r"^\d{6}$")
_BACKUP_CODE_KEY_SALT = "kundenportal.staffauth.backup_code"
_DIGEST = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Verification:
    """Outcome of a code check: the device that accepted it, or when the next try is allowed."""

    device: Device | None
    locked_until: dt.datetime | None = None


def second_factor_required(user) -> bool:
    """Whether this user must show a second factor before the back office opens."""
    return bool(
        settings.STAFF_OTP_REQUIRED and user.is_authenticated and user.is_active and user.is_staff
    )


def token_normalise(token: str) -> str:
    """Codes are typed with spaces or in capitals now and then (``123 456``, ``ABCD EFGH``)."""
    return re.sub(r"[\s-]", "", token or "").lower()


def backup_code_digest(code: str, *, secret: str | None = None) -> str:
    """What ``StaticToken.token`` stores of a backup code (``secret`` defaults to SECRET_KEY)."""
    digest = salted_hmac(_BACKUP_CODE_KEY_SALT, code, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:16]


def backup_token_stored(token: str) -> str:
    """What a ``StaticToken.token`` becomes: a digest stays as it is, a code as typed becomes
    its digest. A digest is 16 hex characters; an issued code is 8 of Base32, so only a code
    typed in by hand could look like one."""
    if _DIGEST.fullmatch(token or ""):
        return token
    return backup_code_digest(token_normalise(token))


def backup_token_store_digest(sender, instance, **kwargs) -> None:
    """``pre_save`` of ``StaticToken``: a code saved as it was typed (the admin's token rows,
    django-otp's ``addstatictoken``) is stored as its digest, and works as a backup code."""
    instance.token = backup_token_stored(instance.token)


def _backup_code_stored(device: StaticDevice, code: str) -> str:
    """The device's stored digest of the code under the current or a fallback key, else the
    current key's digest: ``verify_token`` then checks once, so one wrong code is one failure."""
    digests = [
        backup_code_digest(code, secret=key)
        for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]
    stored = set(device.token_set.filter(token__in=digests).values_list("token", flat=True))
    return next((d for d in digests if d in stored), digests[0])


def _locked_until(device: Device) -> dt.datetime | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    return (data or {}).get("locked_until")


def _backup_codes_replace(person) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=person, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=backup_code_digest(c)) for c in codes]
    )
    return codes


@transaction.atomic
def totp_enrolment_start(*, person) -> TOTPDevice:
    """The app being set up: the person's unconfirmed device, made on first use.

    Reloading the page shows the same key, so a scanned QR code stays valid until confirmed.
    """
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Enrolment:
    verification: Verification
    backup_codes: list[str]


@transaction.atomic
def totp_enrolment_confirm(*, person, token: str) -> Enrolment:
    """Confirm the app with its first code; on success issue new backup codes (shown once)."""
    if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
        raise ValueError("The person has a confirmed authenticator app already.")
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=person, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        return Enrolment(Verification(device=None), [])
    if (until := _locked_until(device)) is not None:
        return Enrolment(Verification(device=None, locked_until=until), [])
    if not device.verify_token(token_normalise(token)):
        return Enrolment(Verification(device=None), [])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=person, confirmed=False).delete()
    codes = _backup_codes_replace(person)
    audit_log(actor=person, action="staff.second_factor_enrolled", obj=person)
    return Enrolment(Verification(device=device), codes)


@transaction.atomic
def second_factor_verify(*, person, token: str) -> Verification:
    """Check a code from the app or a backup code (which is used up)."""
    token = token_normalise(token)
    model = TOTPDevice if _TOTP_TOKEN.match(token) else StaticDevice
    devices = list(
        model.objects.devices_for_user(person, confirmed=True).select_for_update().order_by("pk")
    )
    kind = "backup" if model is StaticDevice else "app"
    locks = []
    for device in devices:
        # A device within its wait after a wrong code checks nothing (django-otp's throttle).
        if (until := _locked_until(device)) is not None:
            locks.append(until)
            continue
        stored = _backup_code_stored(device, token) if model is StaticDevice else token
        if device.verify_token(stored):
            data = {"device": kind}
            if model is StaticDevice:
                data["backup_codes_left"] = device.token_set.count()
            audit_log(actor=person, action="staff.second_factor_passed", obj=person, data=data)
            return Verification(device=device)
    # Only when no device could check the code does the person hear when to try again.
    locked = bool(locks) and len(locks) == len(devices)
    audit_log(
        actor=person,
        action="staff.second_factor_refused",
        obj=person,
        data={"device": kind, "throttled": locked},
    )
    if locked:
        return Verification(device=None, locked_until=max(locks))
    return Verification(device=None)


@transaction.atomic
def backup_codes_renew(*, person) -> list[str]:
    """New backup codes for the person; the old ones stop working."""
    codes = _backup_codes_replace(person)
    audit_log(actor=person, action="staff.backup_codes_renewed", obj=person)
    return codes


@transaction.atomic
def second_factor_reset(*, person, actor=None) -> int:
    """Remove the person's app and backup codes (a lost phone): they enrol again at the next
    login. A session verified with a removed device is no longer verified."""
    count = 0
    for model in (TOTPDevice, StaticDevice):
        count += model.objects.filter(user=person).delete()[1].get(model._meta.label, 0)
    audit_log(actor=actor, action="staff.second_factor_reset", obj=person, data={"devices": count})
    return count


@transaction.atomic
def second_factor_devices_delete(*, devices: list[Device], actor) -> int:
    """Staff delete single devices in the back office (*Zweiter Faktor: …*), audited like a
    reset: one entry per person with the number and kind of devices removed."""
    removed: dict[int, dict] = {}
    for device in devices:
        entry = removed.setdefault(device.user_id, {"person": device.user, "kinds": []})
        entry["kinds"].append(device._meta.concrete_model._meta.model_name)
        device.delete()
    for entry in removed.values():
        audit_log(
            actor=actor,
            action="staff.second_factor_reset",
            obj=entry["person"],
            data={"devices": len(entry["kinds"]), "kinds": sorted(entry["kinds"])},
        )
    return len(devices)


@transaction.atomic
def second_factor_demo_setup(*, person) -> tuple[str, list[str]]:
    """Demo data only: the person's app (made if missing) and fresh backup codes, so a
    developer can log in to the back office without setting up an app first.
    Returns the app's key (Base32, for an authenticator app) and the backup codes."""
    device = TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=True)
    return b32encode(device.bin_key).decode(), _backup_codes_replace(person)
