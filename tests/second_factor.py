"""The staff's second factor in tests: a confirmed app and the codes it shows."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)
    return device


def totp_code(key: bytes, *, at: float | None = None, step: int = 30) -> str:
    """The six digits an app with this key shows at time ``at`` (default: now)."""
    generator = TOTP(key, step=step)
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"


def fresh_totp_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet: each code counts once, so after a login in the
    same 30 seconds this waits for the next one."""
    device.refresh_from_db()
    while int((time.time() - device.t0) // device.step) <= device.last_t:
        time.sleep(0.5)
    return totp_code(device.bin_key, step=device.step)


def session_verify(client, user) -> None:
    """Mark the client's logged-in session as verified with the user's app."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()
