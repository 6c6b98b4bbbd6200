"""Counters of abuse limits in the database (core/limits.py)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from kundenportal.core.limits import (
    limit_count,
    limit_counters_purge,
    limit_key,
    limit_release,
    limit_take,
)
from kundenportal.core.models import LimitCounter

pytestmark = pytest.mark.django_db

HOUR = 3600


def test_a_limit_gives_exactly_its_number_of_slots_and_a_released_one_again():
    key = limit_key(kind="test", value="198.51.100.7")
    slots = [limit_take(key=key, limit=3, window_seconds=HOUR) for _ in range(4)]
    assert all(slots[:3]) and slots[3] is None
    assert limit_count(key=key, window_seconds=HOUR) == 3
    limit_release(slot=slots[0])
    assert limit_take(key=key, limit=3, window_seconds=HOUR)
    assert limit_take(key=key, limit=3, window_seconds=HOUR) is None


def test_the_key_hides_the_address_and_ignores_case():
    key = limit_key(kind="registration-email", value="HR@Example.org ")
    assert key == limit_key(kind="registration-email", value="hr@example.org")
    assert "example" not in key and "hr" not in key.split(":")[1]


def test_zero_means_no_limit_and_counts_nothing():
    key = limit_key(kind="test", value="x")
    assert all(limit_take(key=key, limit=0, window_seconds=HOUR) == "" for _ in range(20))
    assert not LimitCounter.objects.exists()


def test_a_new_window_starts_at_zero_and_ended_windows_are_purged():
    key = limit_key(kind="test", value="x")
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 59, tzinfo=dt.UTC), tick=False):
        assert limit_take(key=key, limit=1, window_seconds=HOUR)
        assert limit_take(key=key, limit=1, window_seconds=HOUR) is None
    with time_machine.travel(dt.datetime(2027, 3, 1, 11, 0, 1, tzinfo=dt.UTC), tick=False):
        assert limit_take(key=key, limit=1, window_seconds=HOUR)
        assert limit_counters_purge() == 1
        assert LimitCounter.objects.count() == 1


def test_the_counter_does_not_live_in_the_cache(settings):
    """Without a shared cache every process has its own: the count must not be there."""
    from django.core.cache import cache

    key = limit_key(kind="test", value="x")
    assert limit_take(key=key, limit=1, window_seconds=HOUR)
    cache.clear()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert limit_take(key=key, limit=1, window_seconds=HOUR) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_takes_never_exceed_the_limit():
    key = limit_key(kind="test", value="203.0.113.9")
    barrier = threading.Barrier(20)
    taken: list[str | None] = []
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait(timeout=30)
            taken.append(limit_take(key=key, limit=8, window_seconds=HOUR))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(taken) == 20
    assert sum(slot is not None for slot in taken) == 8
    assert limit_count(key=key, window_seconds=HOUR) == 8
