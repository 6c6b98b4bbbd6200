"""Finding and replacing a person's identifiers (username, name, e-mail) in stored text and
JSON, for erasure: the rows stay as a record of what was done, without whom they named."""

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

REPLACEMENT = "(gelöscht)"


def needles(identifiers: Iterable[str | None]) -> tuple[str, ...]:
    """The identifiers to look for, lower case; shorter than 3 characters would hit anything."""
    found: list[str] = []
    for value in identifiers:
        value = (value or "").strip().lower()
        if len(value) >= 3 and value not in found:
            found.append(value)
    return tuple(found)


def contains_any(field: str, words: Iterable[str]) -> Q:
    """Rows whose ``field`` (text, or JSON as stored) contains any of ``words``.

    JSON may be stored with non-ASCII characters escaped ("M\\u00fcller" on SQLite), so the
    escaped spelling is looked for too. An empty ``words`` matches nothing.
    """
    query = Q(pk__in=[])
    for word in words:
        query |= Q(**{f"{field}__icontains": word})
        escaped = json.dumps(word)[1:-1]
        if escaped != word:
            query |= Q(**{f"{field}__icontains": escaped})
    return query


def scrub(
    value: Any,
    words: tuple[str, ...],
    replacement: str = REPLACEMENT,
    *,
    username_keys: bool = False,
) -> Any:
    """``value`` with every text that contains one of ``words`` replaced, in lists and dicts
    too. With ``username_keys`` a value under any key naming a username goes whatever it is."""
    if isinstance(value, str):
        lowered = value.lower()
        return replacement if any(w in lowered for w in words) else value
    if isinstance(value, list):
        return [scrub(item, words, replacement, username_keys=username_keys) for item in value]
    if isinstance(value, dict):
        return {
            key: replacement
            if username_keys and "username" in key.lower()
            else scrub(item, words, replacement, username_keys=username_keys)
            for key, item in value.items()
        }
    return value
