"""The public catalogue's pages in the shared cache.

What a catalogue page lists (which events, their titles, dates, places) changes only when an
event is saved or deleted, so its table is cached as HTML; the free seats change with every
booking and are read live, in one query for the page's events, into placeholders. Every
cached page is stored with the catalogue's generation: a change of any event sets a new
generation once its transaction has committed, so no process serves the old page afterwards,
and a reader that read the old data before the commit stored them with the old generation.
Code that changes events with ``QuerySet.update()`` (no signal) must call
``catalogue_changed()``.

Needs a cache shared by all processes (CATALOGUE_CACHE_SECONDS is 0 without one).
"""

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "catalogue:generation"


def _new_generation() -> str:
    # Random, not a counter: a generation key lost from the cache must not restart at a value
    # whose rows are still stored.
    return secrets.token_hex(8)


def catalogue_changed() -> None:
    """Forget every cached catalogue row, after the current transaction commits."""
    transaction.on_commit(
        lambda: cache.set(GENERATION_KEY, _new_generation(), timeout=None), robust=True
    )


def catalogue_cached(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, from the cache under ``key`` while the catalogue's generation holds.

    One round trip on a hit: the generation and the page are read together, and the page is
    stored with the generation that was current before ``compute()`` read the database.
    """
    seconds = settings.CATALOGUE_CACHE_SECONDS
    if not seconds:
        return compute()
    page_key = f"catalogue:{key}"
    found = cache.get_many([GENERATION_KEY, page_key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    stored = found.get(page_key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = compute()
    cache.set(page_key, (generation, value), timeout=seconds)
    return value


def event_changed(sender, **kwargs) -> None:
    """post_save / post_delete receiver of Event (admin, services, bulk deletes alike)."""
    catalogue_changed()
