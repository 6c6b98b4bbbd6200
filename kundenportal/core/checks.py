"""Start-up checks for settings that are only correct with one process."""

from django.conf import settings
from django.core import checks

_PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
_CACHE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
)


@checks.register(checks.Tags.caches)
def sessions_need_a_shared_cache(app_configs, **kwargs):
    """A session in a process-local cache outlives its logout in every other process."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.SESSION_ENGINE in _CACHE_SESSION_ENGINES and backend in _PROCESS_LOCAL_CACHES:
        return [
            checks.Error(
                f"SESSION_ENGINE {settings.SESSION_ENGINE} keeps sessions in the cache, but "
                f"the cache {backend} belongs to one process: a logout or password change "
                "would not end the session in the other web processes.",
                hint="Set CACHE_URL to a shared cache (redis://…) or use database sessions.",
                id="kundenportal.E001",
            )
        ]
    return []


@checks.register(checks.Tags.caches)
def catalogue_cache_needs_a_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.CATALOGUE_CACHE_SECONDS and backend in _PROCESS_LOCAL_CACHES and not settings.DEBUG:
        return [
            checks.Error(
                "CATALOGUE_CACHE_SECONDS is set, but the cache belongs to one process: a "
                "change of an event would clear the catalogue only in the process that made it.",
                hint="Set CACHE_URL to a shared cache (redis://…) or CATALOGUE_CACHE_SECONDS=0.",
                id="kundenportal.E002",
            )
        ]
    return []
