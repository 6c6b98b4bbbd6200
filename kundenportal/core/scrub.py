"""Finding and replacing a person's identifiers (username, name, e-mail) in stored text and
JSON, for erasure: the rows stay as a record of what was done, without whom they named."""

import json
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

REPLACEMENT = "(gelöscht)"


def needles(identifiers: Iterable[str | None]) -> tuple[str, ...]:
    """The identifiers to look for, lower case; shorter than 3 characters would hit anything."""
    found: list[str] = []
    for value in identifiers:
        value = (value or "").strip().lower()
        if len(value) >= 3 and value not in found:
            found.append(value)
    return tuple(found)


def naming_any(queryset: QuerySet, fields: Iterable[str], words: Iterable[str]) -> QuerySet:
    """The rows of ``queryset`` whose ``fields`` (text, or JSON as stored) contain any of
    ``words``, case-insensitively; one regular expression per field, however many words.

    JSON may be stored with non-ASCII characters escaped ("M\\u00fcller" on SQLite), so the
    escaped spelling is looked for too. No words match nothing.
    """
    forms = {form for word in words for form in (word, json.dumps(word)[1:-1])}
    if not forms:
        return queryset.none()
    pattern = "|".join(sorted(re.escape(form) for form in forms))
    query = Q(pk__in=[])
    for name in fields:
        alias = f"_text_{name}"
        queryset = queryset.alias(**{alias: Cast(name, TextField())})
        query |= Q(**{f"{alias}__iregex": pattern})
    return queryset.filter(query)


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
