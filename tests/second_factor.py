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
    """A code the device accepts now. Each code counts once; after a login in the same 30
    seconds this is the code the app shows next, which the device's one step of tolerance
    accepts (else it waits for the next step)."""
    while True:
        device.refresh_from_db()
        now = time.time()
        current = int((now - device.t0) // device.step)
        if current > device.last_t:
            return totp_code(device.bin_key, at=now, step=device.step)
        if device.last_t + 1 <= current + device.drift + device.tolerance:
            ahead = (device.last_t + 1 - current) * device.step
            return totp_code(device.bin_key, at=now + ahead, step=device.step)
        time.sleep(1)


def session_verify(client, user) -> None:
    """Mark the client's logged-in session as verified with the user's app."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()
