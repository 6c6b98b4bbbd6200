"""Advisory locks: every lock key and lock helper of the project in one place.

PostgreSQL's transaction-level advisory locks serialise transactions that would create or
remove the same thing (an account for a name at a company, a company) without a row to lock.
SQLite needs none: its IMMEDIATE transactions already admit one writer at a time.
"""

import hashlib
from collections.abc import Sequence

from django.db import connection


def advisory_lock_id(key: str) -> int:
    """The PostgreSQL advisory-lock number (signed 64 bits) for a text key."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_wait(lock_id: int, *, shared: bool = False) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [lock_id])


def advisory_lock(*, key: str) -> None:
    """Wait for the lock ``key``; held until the surrounding transaction ends (PostgreSQL)."""
    _lock_wait(advisory_lock_id(key))


def advisory_locks_try(*, keys: Sequence[str]) -> set[str]:
    """Take each lock of ``keys`` that is free, without waiting; returns the keys taken.

    One round trip; a lock that is held elsewhere is skipped, never waited for (so no
    deadlock). Held until the surrounding transaction ends. On SQLite every key is "taken".
    """
    if connection.vendor != "postgresql" or not keys:
        return set(keys)
    by_id = {advisory_lock_id(key): key for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k FROM unnest(%s::bigint[]) AS t(k) WHERE pg_try_advisory_xact_lock(k)",
            [list(by_id)],
        )
        return {by_id[lock_id] for (lock_id,) in cursor.fetchall()}


def company_lock_key(*, name_key: str) -> str:
    """Held while a company of this normalised name is looked up or created."""
    return f"company:{name_key}"


def person_lock_key(*, name_key: str, company_id: int | None) -> str:
    """Held while an account for this name at this company is looked up and reused or
    created (the retention purge tries the same lock before deleting accounts)."""
    return f"person:{name_key}:{company_id or 'private'}"


# One number for all username issuing: single issues share it, a bulk issue (customer
# import) holds it alone, so the bulk path may create series rows without racing a single
# issue.
USERNAME_ISSUING_LOCK_ID = 0x6B705F75736E  # "kp_usn"


def username_issuing_lock(*, exclusive: bool) -> None:
    """Shared for issuing one username, exclusive for a bulk issue (PostgreSQL)."""
    _lock_wait(USERNAME_ISSUING_LOCK_ID, shared=not exclusive)
