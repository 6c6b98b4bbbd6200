"""core.redis_cache: Django's Redis backend with one client per connection pool."""

import threading

import pytest
import redis

from kundenportal.core.redis_cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/6"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(LOCATION).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {LOCATION}")
    backend = RedisCache(LOCATION, {"KEY_PREFIX": "t"})
    yield backend
    redis.Redis.from_url(LOCATION).flushdb()


def test_it_caches_like_djangos_backend(cache):
    cache.set("sitzung", {"person": 7, "name": "Jürgen Größ"}, 30)
    assert cache.get("sitzung") == {"person": 7, "name": "Jürgen Größ"}
    assert cache.add("sitzung", "anders") is False
    cache.set("zähler", 1)
    assert cache.incr("zähler") == 2
    cache.delete_many(["sitzung", "zähler"])
    assert cache.get("sitzung") is None and cache.get("zähler") is None


def test_one_client_serves_every_call_and_thread(cache):
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    seen = []

    def work(i):
        cache.set(f"k{i}", i)
        seen.append((cache._cache.get_client(), cache.get(f"k{i}")))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {id(c) for c, _ in seen} == {id(client)}
    assert sorted(value for _, value in seen) == list(range(8))


def test_read_replicas_get_their_own_client():
    backend = RedisCache([LOCATION, LOCATION.replace("/6", "/7")], {})
    write = backend._cache.get_client(write=True)
    read = backend._cache.get_client()
    assert read is not write and read.connection_pool is not write.connection_pool
    assert backend._cache.get_client() is read
