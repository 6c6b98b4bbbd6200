"""``/healthz`` for the load balancer: does this web process reach its database, its file
storage and its cache?

The answer is a small JSON document, 200 when every check passes and 503 when one fails; it
names the checks only, never a host, an error text or anything about a person (the error goes
into the log). No login, no session, no cookie.

It is answered by a middleware at the top of the chain rather than by a view: a load balancer
asks over plain HTTP with the machine's address as Host, which ALLOWED_HOSTS would refuse and
SECURE_SSL_REDIRECT would answer with a redirect to HTTPS. Both happen in middlewares that run
before any view, so the health check has to come first.
"""

import logging
import secrets
import time

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _storage() -> None:
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        # S3: the bucket must exist and these credentials must reach it. (A HEAD of an object
        # would not do: a missing bucket answers it with 404 like a missing object.)
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        # Local disk: a stat() of a name that is never stored.
        default_storage.exists("healthz/probe")


def _cache() -> None:
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was just stored")
    finally:
        cache.delete(key)


CHECKS = {"database": _database, "storage": _storage, "cache": _cache}


def health() -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception:
            logger.exception(
                "health check failed",
                extra={"check": name, "duration_ms": round((time.monotonic() - started) * 1000)},
            )
            results[name] = "fail"
        else:
            results[name] = "ok"
    return all(result == "ok" for result in results.values()), results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        healthy, checks = health()
        response = JsonResponse(
            {"status": "ok" if healthy else "fail", "checks": checks},
            status=200 if healthy else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
