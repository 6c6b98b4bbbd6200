"""The public catalogue's pages in the shared cache.

What a catalogue page lists (which events, their titles, dates, places) changes only when an
event is saved or deleted, so its table is cached as HTML; the free seats change with every
booking, so they are read in one query for the page's events into placeholders and kept at
most CATALOGUE_SEATS_CACHE_SECONDS (a few seconds: under load the query runs once per page and
interval instead of once per request; 0 reads them live). The event page and the booking form
always read the seats live, and a booking of a full event goes to the waiting list anyway. Every
cached page is stored with the catalogue's generation: a change of any event sets a new
generation once its transaction has committed, so no process serves the old page afterwards,
and a reader that read the old data before the commit stored them with the old generation.
Code that changes events with ``QuerySet.update()`` (no signal) must call
``catalogue_changed()``.

Needs a cache shared by all processes (CATALOGUE_CACHE_SECONDS is 0 without one).
"""

import secrets
from collections.abc import Callable

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


def catalogue_page(
    key: str,
    rows: Callable[[], tuple[str, list[int]]],
    seats: Callable[[list[int]], dict[int, int]],
) -> tuple[str, dict[int, int]]:
    """A catalogue page's table ``rows()`` (HTML and its event ids), from the cache under
    ``key`` while the catalogue's generation holds, and its free seats ``seats(ids)``, from
    the cache for at most CATALOGUE_SEATS_CACHE_SECONDS.

    One round trip on a hit: the generation, the table and the seats are read together. Both
    are stored with the generation that was current before they were read from the database.
    """
    seconds = settings.CATALOGUE_CACHE_SECONDS
    if not seconds:
        html, event_ids = rows()
        return html, seats(event_ids)
    page_key, seats_key = f"catalogue:{key}", f"catalogue:seats:{key}"
    found = cache.get_many([GENERATION_KEY, page_key, seats_key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    stored = found.get(page_key)
    if stored is not None and stored[0] == generation:
        html, event_ids = stored[1]
    else:
        html, event_ids = rows()
        cache.set(page_key, (generation, (html, event_ids)), timeout=seconds)
    seats_seconds = settings.CATALOGUE_SEATS_CACHE_SECONDS
    stored_seats = found.get(seats_key)
    if seats_seconds and stored_seats is not None and stored_seats[0] == generation:
        # Same generation, so the same events: the seats belong to this table.
        return html, stored_seats[1]
    free = seats(event_ids)
    if seats_seconds:
        cache.set(seats_key, (generation, free), timeout=seats_seconds)
    return html, free


def event_changed(sender, **kwargs) -> None:
    """post_save / post_delete receiver of Event (admin, services, bulk deletes alike)."""
    catalogue_changed()
