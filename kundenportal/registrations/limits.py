"""Anti-automation for the public booking form: how many registrations one client address and
one correspondence address may submit per hour.

Counters live in the shared cache (``CACHES["default"]``, Redis with several processes) in
fixed one-hour windows, under keyed hashes of the addresses (no plain address in the cache).
Only registrations that were taken count; a refused one keeps everything typed in the session,
so the booker can send it again later or call.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    digest = hmac.new(
        f"{settings.SECRET_KEY}:registration-limit".encode(),
        value.strip().lower().encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    window = int(time.time()) // WINDOW_SECONDS
    return f"kp:registration-limit:{kind}:{digest}:{window}"


def _keys(*, client_ip: str, correspondence_email: str) -> list[tuple[str, int]]:
    keys = []
    if client_ip:
        keys.append((_key("ip", client_ip), settings.REGISTRATION_LIMIT_PER_IP_HOUR))
    if correspondence_email:
        keys.append(
            (_key("email", correspondence_email), settings.REGISTRATION_LIMIT_PER_EMAIL_HOUR)
        )
    return keys


def registration_limit_error(*, client_ip: str, correspondence_email: str) -> str | None:
    """A German message if this address has sent its hourly number of registrations."""
    for key, limit in _keys(client_ip=client_ip, correspondence_email=correspondence_email):
        if limit and (cache.get(key) or 0) >= limit:
            minutes = (WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS) // 60 + 1
            return _(
                "Von dieser Adresse sind in der letzten Stunde schon viele Anmeldungen "
                "eingegangen. Ihre Angaben bleiben erhalten: Bitte senden Sie die Anmeldung "
                "in etwa %(minutes)d Minuten noch einmal ab oder rufen Sie uns an."
            ) % {"minutes": minutes}
    return None


def registration_counted(*, client_ip: str, correspondence_email: str) -> None:
    """Count one registration that was taken."""
    for key, _limit in _keys(client_ip=client_ip, correspondence_email=correspondence_email):
        cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
