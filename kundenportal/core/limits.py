"""Counters of abuse limits that hold across processes and under concurrency.

A limit allows ``limit`` actions per key in fixed windows of ``window_seconds``. The count is
a row per key and window (``LimitCounter``): the row is inserted if missing (``INSERT … ON
CONFLICT DO NOTHING``) and then raised by one conditional ``UPDATE … SET count = count + 1
WHERE count < limit``. PostgreSQL re-checks that condition on the newest row version after a
concurrent update, so of any number of simultaneous requests exactly ``limit`` get a slot;
SQLite admits one writer at a time anyway. A slot is taken before the action and given back
if the action did not happen, so the check and the count are one step.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LimitCounter


def limit_key(*, kind: str, value: str) -> str:
    """A key for ``value`` (an address) that does not reveal it: a keyed hash."""
    digest = hmac.new(
        f"{settings.SECRET_KEY}:limit:{kind}".encode(),
        value.strip().lower().encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    return f"{kind}:{digest}"


def _window(window_seconds: int) -> tuple[int, dt.datetime]:
    """The number of the current window and when it ends."""
    now = int(timezone.now().timestamp())
    number = now // window_seconds
    return number, dt.datetime.fromtimestamp((number + 1) * window_seconds, tz=dt.UTC)


def limit_seconds_left(*, window_seconds: int) -> int:
    """Seconds until the current window ends (for "try again in … minutes")."""
    _number, ends = _window(window_seconds)
    return max(int((ends - timezone.now()).total_seconds()), 0)


def limit_take(*, key: str, limit: int, window_seconds: int) -> str | None:
    """Take one slot of ``key`` in the current window: the slot (for ``limit_release``), or
    None if all ``limit`` are taken. ``limit`` 0 means no limit (nothing is counted, "")."""
    if limit <= 0:
        return ""
    number, ends = _window(window_seconds)
    row_key = f"{key}:{number}"
    with transaction.atomic():
        LimitCounter.objects.bulk_create(
            [LimitCounter(key=row_key, count=0, expires_at=ends)], ignore_conflicts=True
        )
        taken = LimitCounter.objects.filter(key=row_key, count__lt=limit).update(
            count=F("count") + 1
        )
    return row_key if taken == 1 else None


def limit_release(*, slot: str) -> None:
    """Give back a slot of ``limit_take`` for an action that did not happen (in the window it
    was taken in, even if that has ended since)."""
    if slot:
        LimitCounter.objects.filter(key=slot, count__gt=0).update(count=F("count") - 1)


def limit_count(*, key: str, window_seconds: int) -> int:
    """How many slots of ``key`` are taken in the current window."""
    number, _ends = _window(window_seconds)
    row = LimitCounter.objects.filter(key=f"{key}:{number}").values_list("count", flat=True)
    return next(iter(row), 0)


def limit_counters_purge() -> int:
    """Delete the counters of windows that have ended (a periodic job of the worker)."""
    deleted, _per_model = LimitCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
