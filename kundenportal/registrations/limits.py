"""Anti-automation for the public booking form: how many registrations one client address and
one correspondence address may submit per hour.

The counters are in the database (``core/limits.py``), so the limit holds for every web
process whatever cache is configured, and a slot is taken atomically before the registration
is submitted, so simultaneous requests cannot all pass one check. Only registrations that
were taken count: a refused or repeated submission gives its slots back. A refused one keeps
everything typed in the session, so the booker can send it again later or call.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from kundenportal.core.limits import (
    limit_key,
    limit_release,
    limit_seconds_left,
    limit_take,
)

WINDOW_SECONDS = 3600


def _limits(*, client_ip: str, correspondence_email: str) -> list[tuple[str, int]]:
    limits = []
    if client_ip:
        limits.append(
            (
                limit_key(kind="registration-ip", value=client_ip),
                settings.REGISTRATION_LIMIT_PER_IP_HOUR,
            )
        )
    if correspondence_email:
        limits.append(
            (
                limit_key(kind="registration-email", value=correspondence_email),
                settings.REGISTRATION_LIMIT_PER_EMAIL_HOUR,
            )
        )
    return limits


def registration_slots_take(
    *, client_ip: str, correspondence_email: str
) -> tuple[list[str] | None, str | None]:
    """Take a slot of every limit for one registration: ``(slots, None)``, or ``(None, a
    German message)`` if this address has sent its hourly number of registrations."""
    slots: list[str] = []
    for key, limit in _limits(client_ip=client_ip, correspondence_email=correspondence_email):
        slot = limit_take(key=key, limit=limit, window_seconds=WINDOW_SECONDS)
        if slot is None:
            registration_slots_release(slots=slots)
            minutes = limit_seconds_left(window_seconds=WINDOW_SECONDS) // 60 + 1
            return None, _(
                "Von dieser Adresse sind in der letzten Stunde schon viele Anmeldungen "
                "eingegangen. Ihre Angaben bleiben erhalten: Bitte senden Sie die Anmeldung "
                "in etwa %(minutes)d Minuten noch einmal ab oder rufen Sie uns an."
            ) % {"minutes": minutes}
        slots.append(slot)
    return slots, None


def registration_slots_release(*, slots: list[str]) -> None:
    """Give the slots back: the registration was not taken (refused, or a repeated submit)."""
    for slot in slots:
        limit_release(slot=slot)
