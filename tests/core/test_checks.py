"""Sessions and the catalogue cache are correct with several processes in every set-up."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parents[2]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
    }
}


def _ids() -> set[str]:
    return {message.id for message in run_checks()}


def test_cached_sessions_on_a_process_local_cache_are_refused(settings):
    settings.CACHES = LOCMEM
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert "kundenportal.E001" in _ids()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert "kundenportal.E001" not in _ids()
    settings.CACHES = REDIS
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert "kundenportal.E001" not in _ids()


def test_catalogue_cache_on_a_process_local_cache_is_refused_in_production(settings):
    settings.CACHES = LOCMEM
    settings.CATALOGUE_CACHE_SECONDS = 300
    settings.DEBUG = False
    assert "kundenportal.E002" in _ids()
    settings.CATALOGUE_CACHE_SECONDS = 0
    assert "kundenportal.E002" not in _ids()


def _production_settings(**env) -> str:
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.CATALOGUE_CACHE_SECONDS, "
        "s.AXES_HANDLER)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "SECRET_KEY": "x7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT(yU)",
            "ALLOWED_HOSTS": "kundenportal.example",
            "DATABASE_URL": "sqlite:////tmp/kundenportal-check-cache.sqlite3",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_production_without_cache_url_keeps_sessions_in_the_database():
    backend, engine, seconds, axes = _production_settings().split()
    assert backend.endswith("LocMemCache")
    assert engine == "django.contrib.sessions.backends.db"
    assert seconds == "0"
    assert axes == "axes.handlers.database.AxesDatabaseHandler"


def test_production_with_redis_uses_it_for_sessions_and_the_catalogue():
    backend, engine, seconds, _ = _production_settings(CACHE_URL="redis://127.0.0.1:6379/5").split()
    assert backend == "kundenportal.core.redis_cache.RedisCache"
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert seconds == "300"
